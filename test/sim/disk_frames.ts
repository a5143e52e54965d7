// The simulated disk's write-ahead log bytes: each write a frame [length u32][crc32c u32][payload],
// its log records in storage/record.ts's format. Recovery replays whole frames and stops at the
// first torn one, as LevelDB's log reader drops a torn tail.
import type { Snapshot, StorageWrite } from "../../raft/index.js";
import { crc32c } from "../../storage/crc32.js";
import { decodeEntry, decodeHardState, decodeSnapshotRecord, encodeEntry, encodeHardState, encodeSnapshot } from "../../storage/record.js";

/** One write the disk was asked for, in the order asked. */
export type DiskOp =
  | { readonly kind: "save"; readonly write: StorageWrite }
  | { readonly kind: "snapshot"; readonly snapshot: Snapshot }
  | { readonly kind: "compact"; readonly index: number };

const kind_save = 1;
const kind_snapshot = 2;
const kind_compact = 3;
const has_snapshot = 1;
const has_hard_state = 2;
const frame_head_bytes = 8;

export function encodeFrame(op: DiskOp): Uint8Array {
  const parts: Uint8Array[] = [];
  if (op.kind === "save") {
    const w = op.write;
    const flags = (w.snapshot !== undefined ? has_snapshot : 0) | (w.hardState !== undefined ? has_hard_state : 0);
    parts.push(Uint8Array.of(kind_save, flags));
    if (w.snapshot !== undefined) parts.push(sized(encodeSnapshot(w.snapshot)));
    parts.push(u32(w.entries.length));
    for (const e of w.entries) parts.push(sized(encodeEntry(e)));
    if (w.hardState !== undefined) parts.push(sized(encodeHardState(w.hardState)));
  } else if (op.kind === "snapshot") {
    parts.push(Uint8Array.of(kind_snapshot), sized(encodeSnapshot(op.snapshot)));
  } else {
    parts.push(Uint8Array.of(kind_compact), u32(op.index));
  }
  const payload = concat(parts);
  const frame = new Uint8Array(frame_head_bytes + payload.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, payload.length);
  view.setUint32(4, crc32c(payload));
  frame.set(payload, frame_head_bytes);
  return frame;
}

/** The ops of every whole, intact frame from the start; `torn` if bytes after them were cut or damaged. */
export function decodeFrames(log: Uint8Array): { ops: DiskOp[]; torn: boolean } {
  const ops: DiskOp[] = [];
  let at = 0;
  while (at < log.length) {
    if (log.length - at < frame_head_bytes) return { ops, torn: true };
    const view = new DataView(log.buffer, log.byteOffset + at, frame_head_bytes);
    const length = view.getUint32(0);
    const end = at + frame_head_bytes + length;
    if (end > log.length) return { ops, torn: true };
    const payload = log.subarray(at + frame_head_bytes, end);
    if (crc32c(payload) !== view.getUint32(4)) return { ops, torn: true };
    ops.push(decodePayload(payload));
    at = end;
  }
  return { ops, torn: false };
}

function decodePayload(payload: Uint8Array): DiskOp {
  const r = new PartReader(payload);
  const kind = r.u8();
  if (kind === kind_compact) return { kind: "compact", index: r.u32() };
  if (kind === kind_snapshot) return { kind: "snapshot", snapshot: inlineSnapshot(r.part()) };
  if (kind !== kind_save) throw new Error(`sim disk: unknown frame kind ${kind}`);
  const flags = r.u8();
  const snapshot = (flags & has_snapshot) !== 0 ? inlineSnapshot(r.part()) : undefined;
  const count = r.u32();
  const entries = [];
  for (let i = 0; i < count; i += 1) entries.push(decodeEntry(r.part(), "sim disk entry"));
  const hardState = (flags & has_hard_state) !== 0 ? decodeHardState(r.part(), "sim disk hard state") : undefined;
  return {
    kind: "save",
    write: { entries, ...(snapshot !== undefined ? { snapshot } : {}), ...(hardState !== undefined ? { hardState } : {}) },
  };
}

function inlineSnapshot(record: Uint8Array): Snapshot {
  const decoded = decodeSnapshotRecord(record, "sim disk snapshot");
  if (!("inline" in decoded)) throw new Error("sim disk: snapshot frame holds a chunked header");
  return decoded.inline;
}

class PartReader {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  u8(): number {
    return this.view.getUint8(this.at++);
  }
  u32(): number {
    const v = this.view.getUint32(this.at);
    this.at += 4;
    return v;
  }
  part(): Uint8Array {
    const n = this.u32();
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

function u32(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v);
  return out;
}

function sized(record: Uint8Array): Uint8Array {
  return concat([u32(record.length), record]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
