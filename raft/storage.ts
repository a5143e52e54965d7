// MemoryStorage: the in-memory Storage used by tests, the simulator and as a log-tail cache.
import {
  ErrCompacted,
  ErrSnapOutOfDate,
  ErrUnavailable,
  RaftInvariantError,
  type ConfState,
  type Entry,
  type HardState,
  type InitialState,
  type NodeId,
  type Snapshot,
  type Storage,
  type StorageWrite,
} from "./types.js";
import { limitSize } from "./util.js";

export type { Storage } from "./types.js";

const EMPTY_CONF: ConfState = { voters: [], learners: [] };

/**
 * Holds the log (firstIndex()-1, lastIndex()] as an array whose element 0 is a dummy entry
 * carrying the last snapshot's index and term. Writes are the caller's Ready handling.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = { term: 0, vote: 0, commit: 0 };
  private snap: Snapshot = { metadata: { index: 0, term: 0, confState: EMPTY_CONF }, data: new Uint8Array(0) };
  // ents[i] has index ents[0].index + i. Invariant: ents.length >= 1.
  private ents: Entry[] = [{ term: 0, index: 0, type: "Normal", data: new Uint8Array(0) }];

  /**
   * A storage for a member of a brand-new cluster: a snapshot at index 1, term 1 holding the
   * initial membership (every initial member must bootstrap with the same lists). Nodes that
   * join later start from an empty MemoryStorage and receive a snapshot from the leader.
   */
  static bootstrap(voters: readonly NodeId[], learners: readonly NodeId[] = []): MemoryStorage {
    const s = new MemoryStorage();
    s.applySnapshot({
      metadata: { index: 1, term: 1, confState: { voters: [...voters], learners: [...learners] } },
      data: new Uint8Array(0),
    });
    s.setHardState({ term: 1, vote: 0, commit: 1 });
    return s;
  }

  initialState(): InitialState {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw new ErrCompacted(`storage: entries(${lo}, ${hi}): compacted up to ${offset}`);
    if (hi > this.lastIndex() + 1) {
      throw new ErrUnavailable(`storage: entries(${lo}, ${hi}): last index is ${this.lastIndex()}`);
    }
    if (lo > hi) throw new RaftInvariantError(`storage: entries(${lo}, ${hi}): lo > hi`);
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.ents[0]!.index;
    if (i < offset) throw new ErrCompacted(`storage: term(${i}): compacted up to ${offset}`);
    if (i - offset >= this.ents.length) throw new ErrUnavailable(`storage: term(${i}): last index is ${this.lastIndex()}`);
    return this.ents[i - offset]!.term;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replace the whole log with a snapshot received from the leader (Ready.snapshot). */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.snap.metadata.index && this.snap.metadata.index > 0) {
      throw new ErrSnapOutOfDate(
        `storage: snapshot at ${snap.metadata.index} is not newer than the held one at ${this.snap.metadata.index}`,
      );
    }
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: "Normal", data: new Uint8Array(0) }];
  }

  /**
   * Record a snapshot of the state machine at applied index i (i <= lastIndex) so that
   * compact() can then drop the entries it covers. Returns the snapshot.
   */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) {
      throw new ErrSnapOutOfDate(`storage: createSnapshot(${i}): already have a snapshot at ${this.snap.metadata.index}`);
    }
    if (i > this.lastIndex()) {
      throw new RaftInvariantError(`storage: createSnapshot(${i}) is beyond the last index ${this.lastIndex()}`);
    }
    this.snap = { metadata: { index: i, term: this.term(i), confState }, data };
    return this.snap;
  }

  /** Drop entries before compactIndex; the entry at compactIndex becomes the dummy. */
  compact(compactIndex: number): void {
    const offset = this.ents[0]!.index;
    if (compactIndex <= offset) throw new ErrCompacted(`storage: compact(${compactIndex}): already compacted to ${offset}`);
    if (compactIndex > this.lastIndex()) {
      throw new RaftInvariantError(`storage: compact(${compactIndex}) is beyond the last index ${this.lastIndex()}`);
    }
    const i = compactIndex - offset;
    const dummy: Entry = { term: this.ents[i]!.term, index: compactIndex, type: "Normal", data: new Uint8Array(0) };
    this.ents = [dummy, ...this.ents.slice(i + 1)];
  }

  /**
   * One Ready's write, all or nothing: the snapshot, then the entries, then the hard state. A
   * refused write (an older snapshot, entries leaving a gap) changes nothing. Memory has no
   * sync: what the caller passes as `sync` does not matter here.
   */
  save(w: StorageWrite): void {
    const held = this.snap.metadata.index;
    if (w.snapshot !== undefined && w.snapshot.metadata.index <= held && held > 0) {
      throw new ErrSnapOutOfDate(`storage: snapshot at ${w.snapshot.metadata.index} is not newer than the held one at ${held}`);
    }
    const last = w.snapshot !== undefined ? w.snapshot.metadata.index : this.lastIndex();
    const head = w.entries[0];
    if (head !== undefined && head.index > last + 1) {
      throw new RaftInvariantError(`storage: append at ${head.index} leaves a gap after the last index ${last}`);
    }
    if (w.snapshot !== undefined) this.applySnapshot(w.snapshot);
    this.append(w.entries);
    if (w.hardState !== undefined) this.setHardState(w.hardState);
  }

  /**
   * Append entries from a Ready; entries at or after the first new index are replaced
   * (a conflicting suffix is truncated). Entries already compacted are ignored.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    const fresh = first > entries[0]!.index ? entries.slice(first - entries[0]!.index) : entries;
    const offset = fresh[0]!.index - this.ents[0]!.index;
    if (offset > this.ents.length) {
      throw new RaftInvariantError(
        `storage: append at ${fresh[0]!.index} leaves a gap after the last index ${this.lastIndex()}`,
      );
    }
    this.ents.length = offset;
    for (const e of fresh) this.ents.push(e);
  }
}
