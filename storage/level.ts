// LevelDB-backed Raft storage: the log, hard state and snapshot on disk, read through an
// in-memory copy so the Raft core's synchronous Storage reads never touch the disk.
import { Level } from "level";
import {
  ErrSnapOutOfDate,
  MemoryStorage,
  RaftInvariantError,
  type ConfState,
  type Entry,
  type HardState,
  type InitialState,
  type Snapshot,
  type Storage,
  type StorageWrite,
} from "../raft/index.js";
import { crc32c, crc32cUpdate } from "./crc32.js";
import {
  CorruptRecordError,
  decodeChunk,
  decodeEntry,
  decodeHardState,
  decodeJson,
  decodeSnapshotRecord,
  encodeChunk,
  encodeEntry,
  encodeHardState,
  encodeJson,
  encodeSnapshotHeader,
  type SnapshotHeader,
} from "./record.js";

/** What one Ready asks to make durable (raft's StorageWrite); written as one LevelDB batch. */
export type { StorageWrite } from "../raft/index.js";

/** The data folder failed to open or holds damaged records; the message says what to do. */
export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageError";
  }
}

type Op = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

const key_hard_state = Uint8Array.of(0x68); // "h"
const key_snapshot = Uint8Array.of(0x73); // "s"
const key_meta = Uint8Array.of(0x6d); // "m"
const entry_prefix = 0x65; // "e", then the index as u64 big-endian so keys sort by index
const chunk_prefix = 0x63; // "c", then the snapshot's index (u64) and the chunk number (u32), big-endian
/**
 * Snapshot data goes to LevelDB in chunks of this size, one synced batch each, so a large
 * snapshot never stalls the log's writes behind one huge write (an 85 MB snapshot written at
 * once held every server's Raft loop for 2.5 s).
 */
export const snapshot_chunk_bytes = 1 << 20;
/** Bound on one batch of deletes when clearing chunks left by an interrupted snapshot. */
const stray_chunks_per_batch = 1_000;

/**
 * One atomic LevelDB write. The chained form: the array form of db.batch() spends about 16 µs
 * of main-thread time per operation in abstract-level's checks and copies (1 ms for a Ready of
 * 64 entries, measured), the chained form about a quarter of that.
 */
async function writeBatch(db: Level<Uint8Array, Uint8Array>, ops: readonly Op[], sync: boolean): Promise<void> {
  const b = db.batch();
  try {
    for (const op of ops) {
      if (op.type === "put") b.put(op.key, op.value);
      else b.del(op.key);
    }
  } catch (err) {
    await b.close();
    throw err;
  }
  await b.write({ sync });
}

function entryKey(index: number): Uint8Array {
  const k = new Uint8Array(9);
  k[0] = entry_prefix;
  new DataView(k.buffer).setBigUint64(1, BigInt(index));
  return k;
}

function chunkKey(index: number, n: number): Uint8Array {
  const k = new Uint8Array(13);
  const view = new DataView(k.buffer);
  k[0] = chunk_prefix;
  view.setBigUint64(1, BigInt(index));
  view.setUint32(9, n);
  return k;
}

/** Where a snapshot's chunks are: its index and how many. */
interface ChunkSet {
  index: number;
  count: number;
}

function indexOfKey(k: Uint8Array): number {
  return Number(new DataView(k.buffer, k.byteOffset, k.byteLength).getBigUint64(1));
}

/**
 * Invariant: the cache equals what the disk holds, from the snapshot on. Every write goes
 * to LevelDB first (one batch) and reaches the cache only once the batch succeeded, so a
 * failed write leaves both as they were. Memory: the log since the last compaction, which
 * the node driver bounds by snapshotting every so many entries.
 */
export class LevelStorage implements Storage {
  /** Snapshot writes (local or from the leader) and compactions, one at a time and in order. */
  private snapshot_chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Level<Uint8Array, Uint8Array>,
    private readonly cache: MemoryStorage,
    private metaValue: unknown,
    readonly path: string,
    /** The chunks of the snapshot on disk (none for an inline or absent one). */
    private chunks: ChunkSet | undefined,
  ) {}

  static async open(dir: string): Promise<LevelStorage> {
    const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    try {
      await db.open();
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      const busy = /LOCK|lock|temporarily unavailable/.test(cause);
      throw new StorageError(
        busy
          ? `data folder ${dir} is in use by another process (LevelDB lock held): stop the other orch process or choose another --data-dir`
          : `cannot open the Raft log in ${dir}: ${cause}`,
        { cause: err },
      );
    }
    try {
      const { cache, meta, chunks } = await load(db, dir);
      return new LevelStorage(db, cache, meta, dir, chunks);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  // ---- Storage (read side), answered from the cache.
  initialState(): InitialState {
    return this.cache.initialState();
  }
  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    return this.cache.entries(lo, hi, maxBytes);
  }
  term(i: number): number {
    return this.cache.term(i);
  }
  firstIndex(): number {
    return this.cache.firstIndex();
  }
  lastIndex(): number {
    return this.cache.lastIndex();
  }
  snapshot(): Snapshot {
    return this.cache.snapshot();
  }

  /** Cluster identity and other facts the server keeps beside the log (JSON). */
  meta(): unknown {
    return this.metaValue;
  }

  async setMeta(value: unknown): Promise<void> {
    await this.db.put(key_meta, encodeJson(value), { sync: true });
    this.metaValue = value;
  }

  /**
   * The initial membership of a brand-new cluster, as MemoryStorage.bootstrap: a snapshot
   * at index 1, term 1, holding `data` (the state machine's initial state, if any).
   */
  async bootstrap(confState: ConfState, data: Uint8Array = new Uint8Array(0)): Promise<void> {
    if (this.cache.lastIndex() !== 0 || this.cache.initialState().hardState.term !== 0) {
      throw new StorageError(`${this.path} already holds a Raft log; bootstrap only an empty data folder`);
    }
    await this.save({
      snapshot: { metadata: { index: 1, term: 1, confState }, data },
      entries: [],
      hardState: { term: 1, vote: 0, commit: 1 },
    });
  }

  /**
   * Makes one Ready durable in a single LevelDB batch (group commit): the snapshot, the
   * entries (truncating a conflicting suffix), then the hard state. `sync` fsyncs.
   */
  async save(w: StorageWrite, sync = true): Promise<void> {
    // A snapshot from the leader waits for a local snapshot still being written, then goes in
    // chunks like one; the batch below makes it current (and so is the atomic step).
    if (w.snapshot !== undefined) return this.serial(() => this.saveNow(w, sync));
    return this.saveNow(w, sync);
  }

  private async saveNow(w: StorageWrite, sync: boolean): Promise<void> {
    const ops: Op[] = [];
    let first = this.cache.firstIndex();
    let last = this.cache.lastIndex();
    let chunks: ChunkSet | undefined;
    if (w.snapshot !== undefined) {
      const held = this.cache.snapshot().metadata.index;
      if (w.snapshot.metadata.index <= held && held > 0) {
        throw new ErrSnapOutOfDate(`storage: snapshot at ${w.snapshot.metadata.index} is not newer than the held one at ${held}`);
      }
      const written = await this.writeChunks(w.snapshot);
      chunks = written.chunks;
      ops.push(...written.ops);
      for (let i = first; i <= last; i++) ops.push({ type: "del", key: entryKey(i) });
      first = w.snapshot.metadata.index + 1;
      last = w.snapshot.metadata.index;
    }
    const head = w.entries[0];
    if (head !== undefined) {
      if (head.index > last + 1) {
        throw new RaftInvariantError(`storage: append at ${head.index} leaves a gap after the last index ${last}`);
      }
      const newLast = head.index + w.entries.length - 1;
      for (const e of w.entries) if (e.index >= first) ops.push({ type: "put", key: entryKey(e.index), value: encodeEntry(e) });
      for (let i = Math.max(newLast + 1, first); i <= last; i++) ops.push({ type: "del", key: entryKey(i) });
    }
    if (w.hardState !== undefined) ops.push({ type: "put", key: key_hard_state, value: encodeHardState(w.hardState) });
    if (ops.length === 0) return;
    await writeBatch(this.db, ops, sync);
    if (w.snapshot !== undefined) {
      this.chunks = chunks;
      this.cache.applySnapshot(w.snapshot);
    }
    this.cache.append(w.entries);
    if (w.hardState !== undefined) this.cache.setHardState(w.hardState);
  }

  // The write side of the shared storage contract, one durable batch each.
  append(entries: readonly Entry[]): Promise<void> {
    return this.save({ entries });
  }
  setHardState(hardState: HardState): Promise<void> {
    return this.save({ entries: [], hardState });
  }
  applySnapshot(snapshot: Snapshot): Promise<void> {
    return this.save({ snapshot, entries: [] });
  }

  /**
   * Records a snapshot of the state machine at applied index i (i <= lastIndex). The data goes
   * in chunks, each its own synced batch, so log writes keep going in between; the header
   * written last makes it current. The caller may go on saving Readies meanwhile.
   */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Promise<Snapshot> {
    return this.serial(async () => {
      const held = this.cache.snapshot().metadata.index;
      if (i <= held) throw new ErrSnapOutOfDate(`storage: createSnapshot(${i}): already have a snapshot at ${held}`);
      if (i > this.cache.lastIndex()) throw new RaftInvariantError(`storage: createSnapshot(${i}) is beyond the last index ${this.cache.lastIndex()}`);
      const snap: Snapshot = { metadata: { index: i, term: this.cache.term(i), confState }, data };
      const { ops, chunks } = await this.writeChunks(snap);
      await writeBatch(this.db, ops, true);
      this.chunks = chunks;
      return this.cache.createSnapshot(i, confState, data);
    });
  }

  /** Drops entries up to and including compactIndex, which must be covered by the snapshot. */
  compact(compactIndex: number): Promise<void> {
    return this.serial(async () => {
      const snapIndex = this.cache.snapshot().metadata.index;
      if (compactIndex > snapIndex) {
        throw new RaftInvariantError(`storage: compact(${compactIndex}) goes past the snapshot at ${snapIndex}; snapshot first`);
      }
      const ops: Op[] = [];
      for (let i = this.cache.firstIndex(); i <= compactIndex; i++) ops.push({ type: "del", key: entryKey(i) });
      if (ops.length === 0) return;
      await writeBatch(this.db, ops, false);
      this.cache.compact(compactIndex);
    });
  }

  /**
   * Writes the snapshot's data as chunks (synced, one batch each) and returns the operations
   * that make it current: its header, and deleting the chunks of the one it replaces.
   */
  private async writeChunks(snap: Snapshot): Promise<{ ops: Op[]; chunks: ChunkSet }> {
    const { data, metadata } = snap;
    const count = Math.ceil(data.length / snapshot_chunk_bytes);
    // The whole data's checksum grows chunk by chunk, not in one pass over it at the end.
    let data_crc = 0;
    for (let n = 0; n < count; n++) {
      const part = data.subarray(n * snapshot_chunk_bytes, (n + 1) * snapshot_chunk_bytes);
      data_crc = crc32cUpdate(data_crc, part);
      await writeBatch(this.db, [{ type: "put", key: chunkKey(metadata.index, n), value: encodeChunk(part) }], true);
    }
    const header: SnapshotHeader = { metadata, data_bytes: data.length, chunk_count: count, data_crc };
    const ops: Op[] = [{ type: "put", key: key_snapshot, value: encodeSnapshotHeader(header) }];
    const old = this.chunks;
    if (old !== undefined && old.index !== metadata.index) for (let n = 0; n < old.count; n++) ops.push({ type: "del", key: chunkKey(old.index, n) });
    return { ops, chunks: { index: metadata.index, count } };
  }

  /** Runs f after every earlier snapshot write or compaction has finished (failed or not). */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.snapshot_chain.then(f, f);
    this.snapshot_chain = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.snapshot_chain;
    await this.db.close();
  }
}

/** Reads and checks everything: a damaged record stops the load with a clear error. */
async function load(db: Level<Uint8Array, Uint8Array>, dir: string): Promise<{ cache: MemoryStorage; meta: unknown; chunks: ChunkSet | undefined }> {
  const damaged = (err: unknown): never => {
    if (err instanceof CorruptRecordError) {
      throw new StorageError(
        `the Raft log in ${dir} is damaged (${err.message}); it is not replayed. ` +
          `Move the data folder aside and re-add this server to its cluster (orch members remove, then orch server --join), ` +
          `or restore the folder from a backup`,
        { cause: err },
      );
    }
    throw err;
  };
  try {
    const cache = new MemoryStorage();
    const metaRaw = await db.get(key_meta);
    const meta = metaRaw === undefined ? undefined : decodeJson(metaRaw, "meta record");
    const snapRaw = await db.get(key_snapshot);
    const record = snapRaw === undefined ? undefined : decodeSnapshotRecord(snapRaw, "snapshot record");
    let snap: Snapshot | undefined;
    let chunks: ChunkSet | undefined;
    if (record !== undefined && "inline" in record) snap = record.inline;
    if (record !== undefined && "header" in record) {
      snap = { metadata: record.header.metadata, data: await readChunks(db, record.header) };
      chunks = { index: record.header.metadata.index, count: record.header.chunk_count };
    }
    await dropStrayChunks(db, chunks);
    if (snap !== undefined) cache.applySnapshot(snap);
    const hsRaw = await db.get(key_hard_state);
    if (hsRaw !== undefined) cache.setHardState(decodeHardState(hsRaw, "hard state record"));

    const snapIndex = snap?.metadata.index ?? 0;
    const batch: Entry[] = [];
    let expect = snapIndex + 1;
    for await (const [k, v] of db.iterator({ gt: entryKey(snapIndex), lt: Uint8Array.of(entry_prefix + 1) })) {
      const index = indexOfKey(k);
      const e = decodeEntry(v, `log entry ${index}`);
      if (e.index !== index) throw new CorruptRecordError(`log entry ${index}`, `record says index ${e.index}`);
      if (index !== expect) throw new CorruptRecordError(`log entry ${index}`, `gap: expected entry ${expect} next`);
      batch.push(e);
      expect++;
    }
    if (snap !== undefined && batch[0] !== undefined && batch[0].term < snap.metadata.term) {
      throw new CorruptRecordError(`log entry ${batch[0].index}`, `term ${batch[0].term} is older than the snapshot's term ${snap.metadata.term}`);
    }
    cache.append(batch);
    const hs = cache.initialState().hardState;
    if (hs.commit > cache.lastIndex()) {
      throw new CorruptRecordError("hard state record", `commit index ${hs.commit} is beyond the last log entry ${cache.lastIndex()}`);
    }
    return { cache, meta, chunks };
  } catch (err) {
    return damaged(err);
  }
}

/** Joins a chunked snapshot's data, checking each chunk, their number and the whole. */
async function readChunks(db: Level<Uint8Array, Uint8Array>, h: SnapshotHeader): Promise<Uint8Array> {
  const what = `snapshot ${h.metadata.index}`;
  const data = new Uint8Array(h.data_bytes);
  let at = 0;
  for (let n = 0; n < h.chunk_count; n++) {
    const raw = await db.get(chunkKey(h.metadata.index, n));
    if (raw === undefined) throw new CorruptRecordError(what, `chunk ${n} of ${h.chunk_count} is missing`);
    const part = decodeChunk(raw, `${what} chunk ${n}`);
    if (at + part.length > data.length) throw new CorruptRecordError(what, `chunks hold more than the ${h.data_bytes} bytes its header says`);
    data.set(part, at);
    at += part.length;
  }
  if (at !== data.length) throw new CorruptRecordError(what, `chunks hold ${at} bytes, its header says ${h.data_bytes}`);
  if (crc32c(data) !== h.data_crc) throw new CorruptRecordError(what, "checksum of the joined chunks does not match its header");
  return data;
}

/** Deletes chunks no header points at (a snapshot write cut short by a crash). */
async function dropStrayChunks(db: Level<Uint8Array, Uint8Array>, keep: ChunkSet | undefined): Promise<void> {
  const stray: Op[] = [];
  for await (const k of db.keys({ gte: Uint8Array.of(chunk_prefix), lt: Uint8Array.of(chunk_prefix + 1) })) {
    const index = indexOfKey(k);
    if (keep === undefined || index !== keep.index) stray.push({ type: "del", key: k });
    if (stray.length >= stray_chunks_per_batch) {
      await writeBatch(db, stray.splice(0), false);
    }
  }
  if (stray.length > 0) await writeBatch(db, stray, false);
}
