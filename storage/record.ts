// Binary records for the Raft log on disk, each framed with a CRC-32C so damage is found, not replayed.
import type { ConfState, Entry, EntryType, HardState, Snapshot } from "../raft/index.js";
import { crc32c } from "./crc32.js";

/** A stored record failed its checksum or does not parse: the data folder is damaged. */
export class CorruptRecordError extends Error {
  constructor(readonly what: string, detail: string) {
    super(`${what}: ${detail}`);
    this.name = "CorruptRecordError";
  }
}

const record_version = 1;
const entry_types: readonly EntryType[] = ["Normal", "ConfChange"];

/** Appends fields to a growing buffer; numbers up to 2^53 are stored as u64. */
class Writer {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): this {
    this.room(1);
    this.view.setUint8(this.len, v);
    this.len += 1;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.view.setUint32(this.len, v);
    this.len += 4;
    return this;
  }
  u64(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`record: ${v} is not a non-negative safe integer`);
    this.room(8);
    this.view.setBigUint64(this.len, BigInt(v));
    this.len += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  /** The record: [crc32c of the rest: u32][version: u8][fields...]. */
  seal(): Uint8Array {
    const out = new Uint8Array(4 + this.len);
    out.set(this.buf.subarray(0, this.len), 4);
    return sealInPlace(out);
  }
}

/** Writes the CRC-32C of out[4..] into out[0..4]: every record's frame. */
function sealInPlace(out: Uint8Array): Uint8Array {
  new DataView(out.buffer, out.byteOffset, 4).setUint32(0, crc32c(out.subarray(4)));
  return out;
}

class Reader {
  private off = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array, private readonly what: string) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  private need(n: number): void {
    if (this.off + n > this.buf.length) throw new CorruptRecordError(this.what, `truncated at byte ${this.off} (record is ${this.buf.length} bytes)`);
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.off++);
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.off);
    this.off += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.off);
    this.off += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CorruptRecordError(this.what, `number ${v} out of range`);
    return Number(v);
  }
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    // A plain Uint8Array copy: LevelDB hands out Buffers, and the record must not pin them.
    const b = new Uint8Array(n);
    b.set(this.buf.subarray(this.off, this.off + n));
    this.off += n;
    return b;
  }
  end(): void {
    if (this.off !== this.buf.length) throw new CorruptRecordError(this.what, `${this.buf.length - this.off} unexpected trailing bytes`);
  }
}

/** Checks the frame and returns a reader positioned after the version byte, and that version. */
function openAny(buf: Uint8Array, what: string, versions: readonly number[]): { r: Reader; version: number } {
  if (buf.length < 5) throw new CorruptRecordError(what, `record of ${buf.length} bytes is too short`);
  const want = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0);
  const have = crc32c(buf.subarray(4));
  if (want !== have) throw new CorruptRecordError(what, `checksum mismatch (stored ${want.toString(16)}, computed ${have.toString(16)})`);
  const r = new Reader(buf.subarray(4), what);
  const version = r.u8();
  if (!versions.includes(version)) throw new CorruptRecordError(what, `unknown record version ${version}`);
  return { r, version };
}

function open(buf: Uint8Array, what: string): Reader {
  return openAny(buf, what, [record_version]).r;
}

/** The same layout as Writer would make, written once into a buffer of the exact size (entries are the hot record). */
export function encodeEntry(e: Entry): Uint8Array {
  for (const v of [e.index, e.term]) if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`record: ${v} is not a non-negative safe integer`);
  const out = new Uint8Array(4 + 1 + 8 + 8 + 1 + 4 + e.data.length);
  const view = new DataView(out.buffer);
  view.setUint8(4, record_version);
  view.setBigUint64(5, BigInt(e.index));
  view.setBigUint64(13, BigInt(e.term));
  view.setUint8(21, entry_types.indexOf(e.type));
  view.setUint32(22, e.data.length);
  out.set(e.data, 26);
  return sealInPlace(out);
}

export function decodeEntry(buf: Uint8Array, what: string): Entry {
  const r = open(buf, what);
  const index = r.u64();
  const term = r.u64();
  const type = entry_types[r.u8()];
  if (type === undefined) throw new CorruptRecordError(what, "unknown entry type");
  const data = r.bytes();
  r.end();
  return { index, term, type, data };
}

export function encodeHardState(hs: HardState): Uint8Array {
  return new Writer().u8(record_version).u64(hs.term).u64(hs.vote).u64(hs.commit).seal();
}

export function decodeHardState(buf: Uint8Array, what: string): HardState {
  const r = open(buf, what);
  const hs = { term: r.u64(), vote: r.u64(), commit: r.u64() };
  r.end();
  return hs;
}

function writeIds(w: Writer, ids: readonly number[]): void {
  w.u32(ids.length);
  for (const id of ids) w.u64(id);
}

function readIds(r: Reader): number[] {
  const n = r.u32();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(r.u64());
  return ids;
}

/**
 * The snapshot record. Version 1 holds the data inline (written before snapshots were chunked,
 * still read). Version 2, written now, is a header: the data lives in `chunk_count` chunk
 * records of its own (see encodeChunk), so a large snapshot is never one huge LevelDB write.
 */
export interface SnapshotHeader {
  metadata: Snapshot["metadata"];
  data_bytes: number;
  chunk_count: number;
  /** CRC-32C of the whole data, checked once the chunks are joined. */
  data_crc: number;
}

const snapshot_header_version = 2;

export function encodeSnapshotHeader(h: SnapshotHeader): Uint8Array {
  const w = new Writer().u8(snapshot_header_version).u64(h.metadata.index).u64(h.metadata.term);
  writeIds(w, h.metadata.confState.voters);
  writeIds(w, h.metadata.confState.learners);
  return w.u64(h.data_bytes).u32(h.chunk_count).u32(h.data_crc).seal();
}

/** Either an inline snapshot (version 1) or the header of a chunked one (version 2). */
export function decodeSnapshotRecord(buf: Uint8Array, what: string): { inline: Snapshot } | { header: SnapshotHeader } {
  const { r, version } = openAny(buf, what, [record_version, snapshot_header_version]);
  const index = r.u64();
  const term = r.u64();
  const confState: ConfState = { voters: readIds(r), learners: readIds(r) };
  const metadata = { index, term, confState };
  if (version === record_version) {
    const data = r.bytes();
    r.end();
    return { inline: { metadata, data } };
  }
  const header = { metadata, data_bytes: r.u64(), chunk_count: r.u32(), data_crc: r.u32() };
  r.end();
  return { header };
}

/** The version 1 inline form (tests write it to check that old data folders still load). */
export function encodeSnapshot(s: Snapshot): Uint8Array {
  const w = new Writer().u8(record_version).u64(s.metadata.index).u64(s.metadata.term);
  writeIds(w, s.metadata.confState.voters);
  writeIds(w, s.metadata.confState.learners);
  return w.bytes(s.data).seal();
}

/** One chunk of a snapshot's data, checksummed on its own. */
export function encodeChunk(part: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 1 + 4 + part.length);
  const view = new DataView(out.buffer);
  view.setUint8(4, record_version);
  view.setUint32(5, part.length);
  out.set(part, 9);
  return sealInPlace(out);
}

/** The chunk's bytes (a view of buf: the caller copies them into the joined data). */
export function decodeChunk(buf: Uint8Array, what: string): Uint8Array {
  const r = open(buf, what);
  const n = r.u32();
  if (buf.length !== 9 + n) throw new CorruptRecordError(what, `chunk says ${n} bytes, record holds ${buf.length - 9}`);
  return buf.subarray(9);
}

export function encodeJson(value: unknown): Uint8Array {
  return new Writer().u8(record_version).bytes(new TextEncoder().encode(JSON.stringify(value))).seal();
}

export function decodeJson(buf: Uint8Array, what: string): unknown {
  const r = open(buf, what);
  const text = new TextDecoder().decode(r.bytes());
  r.end();
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CorruptRecordError(what, `not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
