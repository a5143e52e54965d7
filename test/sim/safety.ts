// Raft's safety properties, checked continuously while the simulation runs.
import type { Entry, HardState, MemoryStorage } from "../../raft/index.js";
import { SimFailure, bytesEqual, describeBytes } from "./failure.js";
import { captureLeaderLog, termAt, type LeaderLog } from "./leader_log.js";

interface EntryRecord {
  readonly term: number;
  readonly data: Uint8Array;
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
 * - state machine safety: every node applies the same entry at each index;
 * - snapshots of the same index are identical.
 */
export class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, number>();
  private readonly leaderLogs: LeaderLog[] = [];
  private readonly durable = new Map<string, EntryRecord & { readonly prevTerm: number | null }>();
  private readonly applied = new Map<number, EntryRecord>();
  /** For each term, the highest commit index a node persisted while in that term. */
  private readonly commitByTerm = new Map<number, number>();
  private readonly snapshotAt = new Map<number, { readonly data: Uint8Array; readonly nodeId: number }>();

  /** Called once a node that just became leader has persisted its Ready. */
  onLeader(nodeId: number, term: number, storage: MemoryStorage): void {
    const existing = this.leaderOfTerm.get(term);
    if (existing !== undefined && existing !== nodeId) {
      throw new SimFailure("election safety", `nodes ${existing} and ${nodeId} were both leader in term ${term}`);
    }
    if (existing === nodeId) return;
    this.leaderOfTerm.set(term, nodeId);
    this.leaderLogs.push(captureLeaderLog(nodeId, term, storage));
  }

  /** Called after each persist step with the entries written. */
  onPersist(nodeId: number, entries: readonly Entry[], hardState: HardState | undefined, storage: MemoryStorage): void {
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
        throw new SimFailure(
          "log matching",
          `index ${entry.index} term ${entry.term} holds ${describeBytes(seen.data)} on node ${seen.firstSeenOn} ` +
            `but ${describeBytes(entry.data)} on node ${nodeId}`,
        );
      }
      if (seen.prevTerm !== null && prevTerm !== null && seen.prevTerm !== prevTerm) {
        throw new SimFailure(
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

  /** Called for every entry a node applies, in order. */
  onApply(nodeId: number, entry: Entry): void {
    const seen = this.applied.get(entry.index);
    if (seen === undefined) {
      this.applied.set(entry.index, { term: entry.term, data: entry.data, firstSeenOn: nodeId });
      return;
    }
    if (seen.term !== entry.term || !bytesEqual(seen.data, entry.data)) {
      throw new SimFailure(
        "state machine safety",
        `index ${entry.index}: node ${seen.firstSeenOn} applied term ${seen.term} ${describeBytes(seen.data)}, ` +
          `node ${nodeId} applied term ${entry.term} ${describeBytes(entry.data)}`,
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
      throw new SimFailure(
        "state machine safety",
        `snapshots at index ${index} differ: node ${seen.nodeId} has ${describeBytes(seen.data)}, ` +
          `node ${nodeId} has ${describeBytes(data)}`,
      );
    }
  }

  /** The entry applied at `index`, if any node applied it. */
  appliedEntry(index: number): EntryRecord | undefined {
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
        if (held === "compacted") continue;
        if (held !== committed.term) {
          throw new SimFailure(
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

  leaderCount(): number {
    return this.leaderOfTerm.size;
  }

  appliedCount(): number {
    return this.applied.size;
  }
}
