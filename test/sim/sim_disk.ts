// A simulated server disk behind the node driver's NodeStorage: writes take virtual time and
// complete in order, a synced write is durable only once its fsync returns, and a crash keeps
// the synced writes plus some prefix of the rest, its last frame possibly torn.
import {
  ErrSnapOutOfDate,
  MemoryStorage,
  RaftInvariantError,
  type ConfState,
  type Entry,
  type HardState,
  type InitialState,
  type Snapshot,
  type StorageWrite,
} from "../../raft/index.js";
import type { NodeStorage } from "../../internal/raftnode/storage.js";
import { concat, decodeFrames, encodeFrame, type DiskOp } from "./disk_frames.js";
import { SimFailure } from "./failure.js";
import type { Prng } from "./prng.js";

export interface DiskTimings {
  /** Latency of a write that is not synced (page cache). */
  readonly write_ms: readonly [number, number];
  /** Latency of a synced write: the write plus its fsync. */
  readonly fsync_ms: readonly [number, number];
  /** Chance that a synced write stalls (a slow disk, a busy device) for stall_ms. */
  readonly stall_chance: number;
  readonly stall_ms: readonly [number, number];
  /**
   * A broken disk, for the negative test only: fsync returns at once but the data reaches the
   * platter only this many ms later, so a crash can lose writes the driver was told are durable.
   */
  readonly fsync_lies_ms?: number;
}

export const fast_disk: DiskTimings = { write_ms: [0, 1], fsync_ms: [1, 3], stall_chance: 0, stall_ms: [0, 0] };

/** What the disk needs of the world: virtual time, and hooks the fault injector arms. */
export interface DiskHost {
  now(): number;
  after(delay_ms: number, fn: () => void): void;
  /** A synced write was issued and completes in done_in_ms: a chance to crash while its fsync runs. */
  onSyncIssued?(done_in_ms: number): void;
  /** A synced write is durable; true means "crash now", before the driver hears of it. */
  crashOnSynced?(): boolean;
  /** A save reached the readable view (LevelStorage's cache), for the safety checks. */
  onSaved?(write: StorageWrite): void;
}

export interface DiskStats {
  writes: number;
  stalls: number;
  /** Writes issued but not yet durable when a crash struck, and of those how many were lost. */
  unsyncedAtCrash: number;
  lostAtCrash: number;
  tornFrames: number;
}

interface Pending {
  readonly op: DiskOp;
  readonly sync: boolean;
  readonly generation: number;
  done: boolean;
}

/**
 * Three views, as a real disk under LevelStorage has them: `durable` is what survives any crash
 * (every synced write, and what was written before it); `view` is what reads see (every completed
 * write: LevelStorage's cache); the projected indexes check a write when it is asked for, against
 * everything asked before it (LevelStorage refuses a bad write before writing anything).
 */
export class SimDisk implements NodeStorage {
  private durable: MemoryStorage;
  private view: MemoryStorage;
  private pending: Pending[] = [];
  private busy_until_ms = 0;
  /** Bumped by a crash: completions of the writes of the process that died are dropped. */
  private generation = 0;
  private projected = { snap: 0, last: 0 };
  readonly stats: DiskStats = { writes: 0, stalls: 0, unsyncedAtCrash: 0, lostAtCrash: 0, tornFrames: 0 };
  timings: DiskTimings;

  constructor(
    private readonly host: DiskHost,
    private readonly prng: Prng,
    timings: DiskTimings,
    initial: MemoryStorage = new MemoryStorage(),
  ) {
    this.timings = timings;
    this.durable = reload(initial);
    this.view = reload(initial);
    this.project();
  }

  // ---- Storage (reads), from the readable view.
  initialState(): InitialState {
    return this.view.initialState();
  }
  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    return this.view.entries(lo, hi, maxBytes);
  }
  term(i: number): number {
    return this.view.term(i);
  }
  firstIndex(): number {
    return this.view.firstIndex();
  }
  lastIndex(): number {
    return this.view.lastIndex();
  }
  snapshot(): Snapshot {
    return this.view.snapshot();
  }

  // ---- NodeStorage (writes).
  save(write: StorageWrite, sync: boolean): Promise<void> {
    const held = this.projected.snap;
    if (write.snapshot !== undefined && write.snapshot.metadata.index <= held && held > 0) {
      return Promise.reject(new ErrSnapOutOfDate(`sim disk: snapshot at ${write.snapshot.metadata.index} is not newer than the held one at ${held}`));
    }
    const last = write.snapshot !== undefined ? write.snapshot.metadata.index : this.projected.last;
    const head = write.entries[0];
    if (head !== undefined && head.index > last + 1) {
      return Promise.reject(new RaftInvariantError(`sim disk: append at ${head.index} leaves a gap after the last index ${last}`));
    }
    if (write.snapshot !== undefined) this.projected = { snap: write.snapshot.metadata.index, last: write.snapshot.metadata.index };
    if (head !== undefined) {
      const newLast = head.index + write.entries.length - 1;
      if (newLast > this.projected.snap) this.projected.last = newLast;
    }
    return this.issue({ kind: "save", write }, sync).then(() => undefined);
  }

  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Promise<Snapshot> {
    if (i <= this.projected.snap) return Promise.reject(new ErrSnapOutOfDate(`sim disk: createSnapshot(${i}): already have a snapshot at ${this.projected.snap}`));
    if (i > this.view.lastIndex()) return Promise.reject(new RaftInvariantError(`sim disk: createSnapshot(${i}) is beyond the last written index ${this.view.lastIndex()}`));
    const snapshot: Snapshot = { metadata: { index: i, term: this.view.term(i), confState }, data };
    this.projected.snap = i;
    return this.issue({ kind: "snapshot", snapshot }, true).then(() => snapshot);
  }

  compact(compactIndex: number): Promise<void> {
    if (compactIndex > this.projected.snap) {
      return Promise.reject(new RaftInvariantError(`sim disk: compact(${compactIndex}) goes past the snapshot at ${this.projected.snap}`));
    }
    return this.issue({ kind: "compact", index: compactIndex }, false).then(() => undefined);
  }

  // The write side of the shared storage contract, each a synced save.
  append(entries: readonly Entry[]): Promise<void> {
    return this.save({ entries }, true);
  }
  setHardState(hardState: HardState): Promise<void> {
    return this.save({ entries: [], hardState }, true);
  }
  applySnapshot(snapshot: Snapshot): Promise<void> {
    return this.save({ snapshot, entries: [] }, true);
  }

  /**
   * The process died. Synced writes stay; of the others (written to the page cache, or in
   * flight) a prefix of the log's bytes reached the platter, cut anywhere: a frame cut short or
   * damaged is torn, and recovery drops it and everything after. Promises of the dead process's
   * writes never settle.
   */
  crash(): void {
    this.generation += 1;
    const unsynced = this.pending;
    this.pending = [];
    this.busy_until_ms = this.host.now();
    this.stats.unsyncedAtCrash += unsynced.length;
    if (unsynced.length > 0) {
      const log = concat(unsynced.map((p) => encodeFrame(p.op)));
      const cut = this.prng.int(log.length + 1);
      const kept = log.slice(0, cut);
      // Sometimes the cut frame's length reached the disk but not all its sectors: garbage inside.
      const survived = this.prng.chance(0.5) && cut < log.length ? damageTail(log, cut, this.prng) : kept;
      const { ops, torn } = decodeFrames(survived);
      if (torn) this.stats.tornFrames += 1;
      this.stats.lostAtCrash += unsynced.length - ops.length;
      for (const op of ops) applyOp(this.durable, op);
    }
    this.durable = reload(this.durable);
    this.view = reload(this.durable);
    this.project();
  }

  private issue(op: DiskOp, sync: boolean): Promise<void> {
    const t = this.timings;
    let latency = sync ? this.prng.range(t.fsync_ms[0], t.fsync_ms[1]) : this.prng.range(t.write_ms[0], t.write_ms[1]);
    if (sync && this.prng.chance(t.stall_chance)) {
      latency += this.prng.range(t.stall_ms[0], t.stall_ms[1]);
      this.stats.stalls += 1;
    }
    this.stats.writes += 1;
    // One writer queue, as LevelDB has: writes complete in the order they were asked for.
    const now_ms = this.host.now();
    const done_ms = Math.max(now_ms, this.busy_until_ms) + latency;
    this.busy_until_ms = done_ms;
    const pending: Pending = { op, sync, generation: this.generation, done: false };
    this.pending.push(pending);
    if (sync) this.host.onSyncIssued?.(done_ms - now_ms);
    return new Promise<void>((resolve) => {
      this.host.after(done_ms - now_ms, () => {
        if (pending.generation !== this.generation) return;
        pending.done = true;
        applyOp(this.view, op);
        if (op.kind === "save") this.host.onSaved?.(op.write);
        if (sync) {
          // The fsync makes this write and every one before it durable.
          const lies_ms = this.timings.fsync_lies_ms;
          if (lies_ms === undefined) this.makeDurable(pending);
          else this.host.after(lies_ms, () => pending.generation === this.generation && this.makeDurable(pending));
          if (this.host.crashOnSynced?.() === true) return;
        }
        resolve();
      });
    });
  }

  private makeDurable(upTo: Pending): void {
    const count = this.pending.indexOf(upTo) + 1;
    for (const p of this.pending.splice(0, count)) applyOp(this.durable, p.op);
  }

  private project(): void {
    this.projected = { snap: this.view.snapshot().metadata.index, last: this.view.lastIndex() };
  }
}

/** Applies one write as LevelStorage would; a compaction of what is already gone does nothing. */
function applyOp(m: MemoryStorage, op: DiskOp): void {
  if (op.kind === "save") {
    m.save(op.write);
  } else if (op.kind === "snapshot") {
    const { index, term, confState } = op.snapshot.metadata;
    if (index <= m.snapshot().metadata.index) return;
    if (index > m.lastIndex() || m.term(index) !== term) throw new SimFailure("disk", `snapshot at ${index} term ${term} does not match the log it was taken from`);
    m.createSnapshot(index, confState, op.snapshot.data);
  } else if (op.index >= m.firstIndex()) {
    m.compact(op.index);
  }
}

/**
 * The disk as a restart reads it (LevelStorage's load): the snapshot, the entries after it, the
 * hard state. Entries kept behind the snapshot for catching up are not read back.
 */
function reload(m: MemoryStorage): MemoryStorage {
  const r = new MemoryStorage();
  const snap = m.snapshot();
  r.applySnapshot(snap);
  const lo = Math.max(m.firstIndex(), snap.metadata.index + 1);
  if (m.lastIndex() >= lo) r.append(m.entries(lo, m.lastIndex() + 1, Number.MAX_SAFE_INTEGER));
  const hs = m.initialState().hardState;
  r.setHardState(hs);
  if (hs.commit > r.lastIndex()) {
    throw new SimFailure("disk", `after a crash the hard state's commit ${hs.commit} is beyond the last entry ${r.lastIndex()}: LevelStorage would refuse to load`);
  }
  return r;
}

/** The bytes up to the end of the frame the cut fell in, that frame's tail overwritten with garbage. */
function damageTail(log: Uint8Array, cut: number, prng: Prng): Uint8Array {
  let frameEnd = 0;
  while (frameEnd <= cut) frameEnd += 8 + new DataView(log.buffer, log.byteOffset + frameEnd, 8).getUint32(0);
  const out = log.slice(0, Math.min(frameEnd, log.length));
  const from = Math.max(cut, 8);
  for (let i = from; i < out.length; i += 1) out[i] = prng.int(256);
  return out;
}
