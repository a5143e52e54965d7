// RaftLog: the stable log (Storage) plus the unstable tail, with commit and apply cursors.
import {
  ErrCompacted,
  ErrUnavailable,
  RaftInvariantError,
  type Entry,
  type Snapshot,
  type Storage,
} from "./types.js";
import { Unstable } from "./unstable.js";
import { limitSize } from "./util.js";

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  // Invariant: applied <= committed <= lastIndex(), checked by checkInvariants().
  /** Highest index known to be stored on a quorum. */
  committed: number;
  /** Highest index applied to the state machine (acknowledged through advance()). */
  applied: number;
  /** Upper bound on the bytes of committed entries handed out at once. */
  readonly maxNextEntsSizeBytes: number;

  constructor(storage: Storage, maxNextEntsSizeBytes: number) {
    this.storage = storage;
    this.maxNextEntsSizeBytes = maxNextEntsSizeBytes;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  checkInvariants(): void {
    const last = this.lastIndex();
    if (!(this.applied <= this.committed && this.committed <= last)) {
      throw new RaftInvariantError(
        `raft log: need applied <= committed <= lastIndex, have ${this.applied} <= ${this.committed} <= ${last}`,
      );
    }
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** Term of entry i, or undefined if compacted away or beyond the last index. */
  term(i: number): number | undefined {
    if (i < this.firstIndex() - 1 || i > this.lastIndex()) return undefined;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    try {
      return this.storage.term(i);
    } catch (err) {
      if (err instanceof ErrCompacted || err instanceof ErrUnavailable) return undefined;
      throw err;
    }
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    if (t === undefined) throw new RaftInvariantError(`raft log: no term for the last index ${this.lastIndex()}`);
    return t;
  }

  matchTerm(i: number, t: number): boolean {
    return this.term(i) === t;
  }

  /** Whether a log ending at (lasti, term) is at least as up-to-date as ours (§5.4.1). */
  isUpToDate(lasti: number, term: number): boolean {
    const ourTerm = this.lastTerm();
    return term > ourTerm || (term === ourTerm && lasti >= this.lastIndex());
  }

  /**
   * Follower side of MsgApp: if our log has (index, logTerm), append ents (truncating a
   * conflicting suffix) and commit up to min(committed, last new index). Returns the last
   * new index, or undefined when the consistency check fails.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new RaftInvariantError(`raft log: entry ${ci} conflicts with the committed prefix (committed ${this.committed})`);
      }
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed) {
      throw new RaftInvariantError(`raft log: append after ${after} is below committed ${this.committed}`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /** The index of the first entry whose term differs from ours, or of the first new one; 0 if none. */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term`, with that term: no entry of a higher
   * term above it can match the peer's log. An unknown (compacted) term stops the scan.
   */
  findConflictByTerm(index: number, term: number): [number, number] {
    for (let i = index; i > 0; i--) {
      const ourTerm = this.term(i);
      if (ourTerm === undefined) return [i, 0];
      if (ourTerm <= term) return [i, ourTerm];
    }
    return [0, 0];
  }

  unstableEntries(): Entry[] {
    return [...this.unstable.entries];
  }

  hasNextCommittedEnts(): boolean {
    if (this.unstable.snapshot !== undefined) return false;
    const off = Math.max(this.applied + 1, this.firstIndex());
    return this.committed + 1 > off;
  }

  /** Committed entries not yet applied, bounded by maxNextEntsSizeBytes (at least one). */
  nextCommittedEnts(): Entry[] {
    if (!this.hasNextCommittedEnts()) return [];
    const off = Math.max(this.applied + 1, this.firstIndex());
    const ents = this.slice(off, this.committed + 1, this.maxNextEntsSizeBytes);
    if (ents === undefined) throw new RaftInvariantError(`raft log: committed entries from ${off} are compacted`);
    return ents;
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** Entries from i on, at most maxBytes (at least one); undefined if compacted. */
  entries(i: number, maxBytes: number): Entry[] | undefined {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxBytes);
  }

  /** Entries [lo, hi) within maxBytes (at least one); undefined if lo is compacted. */
  slice(lo: number, hi: number, maxBytes: number): Entry[] | undefined {
    if (lo > hi) throw new RaftInvariantError(`raft log: slice lo ${lo} > hi ${hi}`);
    if (lo < this.firstIndex()) return undefined;
    if (hi > this.lastIndex() + 1) {
      throw new RaftInvariantError(`raft log: slice [${lo}, ${hi}) beyond the last index ${this.lastIndex()}`);
    }
    if (lo === hi) return [];
    const offset = this.unstable.offset;
    let ents: Entry[] = [];
    if (lo < offset) {
      const storedHi = Math.min(hi, offset);
      try {
        ents = this.storage.entries(lo, storedHi, maxBytes);
      } catch (err) {
        if (err instanceof ErrCompacted) return undefined;
        throw err;
      }
      if (ents.length < storedHi - lo) return ents; // cut by the byte limit
      if (ents.length > storedHi - lo) {
        throw new RaftInvariantError(`raft log: storage returned ${ents.length} entries for [${lo}, ${storedHi})`);
      }
    }
    if (hi > offset) {
      const tail = this.unstable.slice(Math.max(lo, offset), hi);
      ents = ents.length > 0 ? [...ents, ...tail] : tail;
    }
    return limitSize(ents, maxBytes);
  }

  commitTo(toCommit: number): void {
    if (this.committed >= toCommit) return; // never decrease
    if (toCommit > this.lastIndex()) {
      throw new RaftInvariantError(
        `raft log: commit ${toCommit} is beyond the last index ${this.lastIndex()}; the log was corrupted, truncated or lost`,
      );
    }
    this.committed = toCommit;
  }

  /** Commit maxIndex only if its entry is from `term` (the leader's current term; Figure 8). */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.term(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (i < this.applied || i > this.committed) {
      throw new RaftInvariantError(`raft log: applied ${i} is outside [applied ${this.applied}, committed ${this.committed}]`);
    }
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }
}
