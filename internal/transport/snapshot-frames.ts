// Frames of a snapshot stream (begin, chunk, end, ack) and the receiver's bounded reassembly.
import type { Message, NodeId } from "../../raft/index.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import { decodeMessage, encodeMessage } from "./codec.js";
import { CodecError, TransportError } from "./errors.js";

const EMPTY = new Uint8Array(0);

/** The MsgSnap without its data (sent in chunks after it), preceded by the data's size. */
export function encodeSnapBegin(m: Message): Uint8Array {
  if (m.snapshot === undefined) throw new CodecError(`${m.type} to ${m.to} has no snapshot to stream`);
  const head = encodeMessage({ ...m, snapshot: { ...m.snapshot, data: EMPTY } });
  const out = new Uint8Array(8 + head.byteLength);
  const w = new ByteWriter(out);
  w.u53(m.snapshot.data.byteLength, "snapshot size");
  w.raw(head);
  return out;
}

/** The 8-byte offset that precedes a chunk's bytes (the bytes go out as a second part, uncopied). */
export function encodeChunkOffset(offset: number): Uint8Array {
  const out = new Uint8Array(8);
  new ByteWriter(out).u53(offset, "chunk offset");
  return out;
}

export function encodeSnapAck(ok: boolean, text: string): Uint8Array {
  const t = new TextEncoder().encode(text).subarray(0, 1024);
  const out = new Uint8Array(1 + 2 + t.byteLength);
  const w = new ByteWriter(out);
  w.u8(ok ? 0 : 1);
  w.u16(t.byteLength);
  w.raw(t);
  return out;
}

export function decodeSnapAck(payload: Uint8Array): { ok: boolean; text: string } {
  const r = new ByteReader(payload, "snapshot ack");
  const status = r.u8("status");
  if (status > 1) throw new CodecError(`snapshot ack: status ${status} is unknown`);
  const text = new TextDecoder().decode(r.raw(r.u16("text length"), "text"));
  r.end();
  return { ok: status === 0, text };
}

/**
 * Rebuilds one MsgSnap from its stream. The data buffer is allocated once, at the declared size,
 * after that size is checked against snapshot_bytes_max; chunks must arrive in order and fill it exactly.
 */
export class SnapshotAssembly {
  private filled = 0;

  private constructor(
    private readonly head: Message,
    private readonly data: Uint8Array,
  ) {}

  static begin(payload: Uint8Array, snapshot_bytes_max: number, from: NodeId, local: NodeId): SnapshotAssembly {
    const r = new ByteReader(payload, "snapshot begin");
    const size = r.u53("snapshot size");
    const head = decodeMessage(r.view_of(r.remaining, "message"));
    if (head.type !== "MsgSnap" || head.snapshot === undefined) {
      throw new CodecError(`snapshot begin carries ${head.type}${head.snapshot ? "" : " without snapshot metadata"}, not a MsgSnap`);
    }
    if (head.from !== from || head.to !== local) {
      throw new CodecError(`snapshot begin says ${head.from} → ${head.to}, but the stream is ${from} → ${local}`);
    }
    if (head.snapshot.data.byteLength !== 0) throw new CodecError(`snapshot begin must not carry data inline`);
    if (size > snapshot_bytes_max) {
      throw new TransportError("limit", `snapshot of ${size} bytes from node ${from} is over snapshot_bytes_max = ${snapshot_bytes_max}`);
    }
    return new SnapshotAssembly(head, new Uint8Array(size));
  }

  get size_bytes(): number {
    return this.data.byteLength;
  }

  chunk(payload: Uint8Array): void {
    const r = new ByteReader(payload, "snapshot chunk");
    const offset = r.u53("offset");
    if (offset !== this.filled) throw new CodecError(`snapshot chunk at offset ${offset}, expected ${this.filled}`);
    const bytes = r.view_of(r.remaining, "data");
    if (this.filled + bytes.byteLength > this.data.byteLength) {
      throw new CodecError(`snapshot chunk runs past the declared size ${this.data.byteLength} bytes`);
    }
    this.data.set(bytes, this.filled);
    this.filled += bytes.byteLength;
  }

  finish(): Message {
    if (this.filled !== this.data.byteLength) {
      throw new CodecError(`snapshot ended after ${this.filled} of ${this.data.byteLength} bytes`);
    }
    const snap = this.head.snapshot!;
    return { ...this.head, snapshot: { metadata: snap.metadata, data: this.data } };
  }
}
