// Raft's safety properties, checked continuously while the simulation runs.
import type { Entry, HardState, Storage } from "../../raft/index.js";
import { SimFailure, bytesEqual, describeBytes } from "./failure.js";
import { captureLeaderLog, termAt, type LeaderLog } from "./leader_log.js";

interface EntryRecord {
  readonly term: number;
  readonly data: Uint8Array;
  readonly firstSeenOn: number;
}

/** An applied index: the command's text (the same on every server) and its term when known. */
interface AppliedRecord {
  readonly what: string;
  term: number | undefined;
  readonly firstSeenOn: number;
}

/**
 * One per run. Properties:
 * - election safety: at most one leader per term;
 * - log matching: an (index, term) pair names one entry and one predecessor term, across
 *   every durable log and for all time (stronger than the pairwise statement, and implied
 *   by Raft: one leader per term, and leaders never rewrite their own entries);
 * - leader completeness: an entry committed in term t is in the log of every leader of a
 *   term > t (the commit term is bounded above by the term a node held when it persisted
 *   a commit index covering the entry);
 * - state machine safety: every node applies the same entry at each index, one index after
 *   the other;
 * - snapshots of the same index are identical.
 * Hooks may run inside a RaftNode, which stops on any error: the first violation is kept in
 * `violation` for the simulator to raise.
 */
export class SafetyChecker {
  violation: SimFailure | undefined;
  private readonly leaderOfTerm = new Map<number, number>();
  private readonly leaderLogs: LeaderLog[] = [];
  private readonly durable = new Map<string, EntryRecord & { readonly prevTerm: number | null }>();
  private readonly applied = new Map<number, AppliedRecord>();
  /** For each term, the highest commit index a node persisted while in that term. */
  private readonly commitByTerm = new Map<number, number>();
  private readonly snapshotAt = new Map<number, { readonly data: Uint8Array; readonly nodeId: number }>();

  /** termOf: the term of the entry at index in a node's log, if it still holds it. */
  constructor(private readonly termOf: (nodeId: number, index: number) => number | undefined) {}

  private fail(property: string, detail: string): never {
    const failure = new SimFailure(property, detail);
    this.violation ??= failure;
    throw failure;
  }

  /** Called once a node that just became leader has persisted its Ready. */
  onLeader(nodeId: number, term: number, storage: Storage): void {
    const existing = this.leaderOfTerm.get(term);
    if (existing !== undefined && existing !== nodeId) {
      this.fail("election safety", `nodes ${existing} and ${nodeId} were both leader in term ${term}`);
    }
    if (existing === nodeId) return;
    this.leaderOfTerm.set(term, nodeId);
    this.leaderLogs.push(captureLeaderLog(nodeId, term, storage));
  }

  /** Called after each persist step with the entries written. */
  onPersist(nodeId: number, entries: readonly Entry[], hardState: HardState | undefined, storage: Storage): void {
    for (const entry of entries) {
      if (entry.index < storage.firstIndex()) continue;
      const prevIndex = entry.index - 1;
      const prevTerm = prevIndex >= storage.firstIndex() - 1 ? storage.term(prevIndex) : null;
      const key = `${entry.index}:${entry.term}`;
      const seen = this.durable.get(key);
      if (seen === undefined) {
        this.durable.set(key, { term: entry.term, data: entry.data, firstSeenOn: nodeId, prevTerm });
        continue;
      }
      if (!bytesEqual(seen.data, entry.data)) {
        this.fail(
          "log matching",
          `index ${entry.index} term ${entry.term} holds ${describeBytes(seen.data)} on node ${seen.firstSeenOn} ` +
            `but ${describeBytes(entry.data)} on node ${nodeId}`,
        );
      }
      if (seen.prevTerm !== null && prevTerm !== null && seen.prevTerm !== prevTerm) {
        this.fail(
          "log matching",
          `index ${entry.index} term ${entry.term} follows term ${seen.prevTerm} on node ${seen.firstSeenOn} ` +
            `but term ${prevTerm} on node ${nodeId}`,
        );
      }
    }
    if (hardState !== undefined && hardState.commit > (this.commitByTerm.get(hardState.term) ?? 0)) {
      this.commitByTerm.set(hardState.term, hardState.commit);
    }
  }

  /** Called for every index a node's state machine applies (`previous`: the one before). */
  onApply(nodeId: number, index: number, previous: number, what: string): void {
    if (index !== previous + 1) this.fail("apply order", `node ${nodeId} applied index ${previous}, then was given ${index}`);
    const term = this.termOf(nodeId, index);
    const seen = this.applied.get(index);
    if (seen === undefined) {
      this.applied.set(index, { what, term, firstSeenOn: nodeId });
      return;
    }
    seen.term ??= term;
    if (seen.what !== what || (term !== undefined && seen.term !== term)) {
      this.fail(
        "state machine safety",
        `index ${index}: node ${seen.firstSeenOn} applied ${seen.what} (term ${seen.term ?? "?"}), node ${nodeId} applied ${what} (term ${term ?? "?"})`,
      );
    }
  }

  /** Called when a node creates or restores a snapshot: the same index means the same state. */
  onSnapshot(nodeId: number, index: number, data: Uint8Array): void {
    if (data.byteLength === 0 && index <= 1) return; // the bootstrap snapshot
    const seen = this.snapshotAt.get(index);
    if (seen === undefined) {
      this.snapshotAt.set(index, { data, nodeId });
      return;
    }
    if (!bytesEqual(seen.data, data)) {
      this.fail(
        "state machine safety",
        `snapshots at index ${index} differ: node ${seen.nodeId} has ${describeBytes(seen.data)}, ` +
          `node ${nodeId} has ${describeBytes(data)}`,
      );
    }
  }

  /** The entry applied at `index`, if any node applied it. */
  appliedEntry(index: number): AppliedRecord | undefined {
    return this.applied.get(index);
  }

  /**
   * Leader completeness, checked as far as commit knowledge allows; call periodically and
   * at the end. Each (leader, index) pair is checked once.
   */
  checkLeaderCompleteness(): void {
    const terms = [...this.commitByTerm.keys()].sort((a, b) => a - b);
    for (const log of this.leaderLogs) {
      let committedBefore = 0;
      for (const term of terms) {
        if (term >= log.term) break;
        committedBefore = Math.max(committedBefore, this.commitByTerm.get(term) ?? 0);
      }
      for (let index = log.checkedIndex + 1; index <= committedBefore; index += 1) {
        const committed = this.applied.get(index);
        if (committed === undefined) break; // not applied anywhere yet: check later
        const held = termAt(log, index);
        if (held === "compacted" || committed.term === undefined) continue;
        if (held !== committed.term) {
          this.fail(
            "leader completeness",
            `index ${index} (term ${committed.term}) was committed before term ${log.term}, ` +
              `but node ${log.nodeId} became leader of term ${log.term} with ` +
              (held === "missing" ? `a log ending at ${log.lastIndex}` : `term ${held} at that index`),
          );
        }
        log.checkedIndex = index;
      }
    }
  }

  /** "put key=value" of every put (plain or cas) applied anywhere: values are unique per write. */
  appliedPuts(): Set<string> {
    const puts = new Set<string>();
    for (const { what } of this.applied.values()) {
      if (!what.startsWith("put ")) continue;
      const end = what.indexOf(" ", 4);
      puts.add(end < 0 ? what : what.slice(0, end));
    }
    return puts;
  }

  leaderCount(): number {
    return this.leaderOfTerm.size;
  }

  appliedCount(): number {
    return this.applied.size;
  }
}
