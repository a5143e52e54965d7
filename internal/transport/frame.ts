// Length-prefixed, checksummed frames over a byte stream: encoder and incremental decoder.
//
// Header (9 bytes, big-endian): u32 payload length | u8 frame type | u32 CRC32C over the
// first 5 header bytes and the payload. The checksum covers the length and type too, so a
// flipped bit anywhere is caught instead of being read as a different frame.
import type { Message } from "../../raft/index.js";
import { ByteWriter } from "./bytes.js";
import { messageSizeBytes, writeMessage } from "./codec.js";
import { crc32cUpdate } from "../../storage/crc32.js";
import { FrameError } from "./errors.js";

export const FRAME_HEADER_BYTES = 9;

export const FrameType = {
  hello: 1, // dialer → listener: version, cluster, sender and intended receiver
  hello_accept: 2,
  hello_reject: 3, // reason code and text; the listener then closes
  message: 4, // one raft Message (codec.ts)
  snap_begin: 5, // the MsgSnap without its data, and the data's total size
  snap_chunk: 6, // offset and a slice of the snapshot data
  snap_end: 7,
  snap_ack: 8, // receiver → sender: the snapshot was delivered, or why not
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];
const FRAME_TYPE_MAX = 8;

export interface Frame {
  readonly type: FrameType;
  readonly payload: Uint8Array;
}

/** Refuses a payload over the limit before anything is allocated or sent. */
export function checkFrameSize(payload_bytes: number, frame_bytes_max: number, what: string): void {
  if (payload_bytes > frame_bytes_max) {
    throw new FrameError(`${what} of ${payload_bytes} bytes is over frame_bytes_max = ${frame_bytes_max}`);
  }
}

function writeHeader(out: Uint8Array, type: FrameType, payload_bytes: number): void {
  const w = new ByteWriter(out);
  w.u32(payload_bytes);
  w.u8(type);
}

/** The header for a payload given as parts, so big payloads (snapshot chunks) are written without a copy. */
export function frameHeader(type: FrameType, parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.byteLength;
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  writeHeader(header, type, n);
  let crc = crc32cUpdate(0, header.subarray(0, 5));
  for (const p of parts) crc = crc32cUpdate(crc, p);
  new DataView(header.buffer).setUint32(5, crc);
  return header;
}

/** One buffer holding header and payload. */
export function encodeFrame(type: FrameType, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.byteLength);
  out.set(frameHeader(type, [payload]), 0);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** A message frame in a single allocation: the codec writes straight after the header. */
export function encodeMessageFrame(m: Message, frame_bytes_max: number): Uint8Array {
  const size = messageSizeBytes(m);
  checkFrameSize(size, frame_bytes_max, `${m.type} to ${m.to}`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + size);
  writeHeader(out, FrameType.message, size);
  writeMessage(new ByteWriter(out, FRAME_HEADER_BYTES), m);
  const crc = crc32cUpdate(crc32cUpdate(0, out.subarray(0, 5)), out.subarray(FRAME_HEADER_BYTES));
  new DataView(out.buffer, out.byteOffset).setUint32(5, crc);
  return out;
}

/**
 * Cuts a byte stream into frames. The payload buffer is allocated only once the length is
 * checked against the limit, so a hostile length prefix costs nothing. After a FrameError the
 * decoder is poisoned: the stream position is lost and the connection must be closed.
 */
export class FrameDecoder {
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private header_fill = 0;
  private payload: Uint8Array | null = null;
  private payload_fill = 0;
  private type: FrameType = FrameType.hello;
  private crc_expected = 0;
  private failed: FrameError | null = null;

  /** `frame_bytes_max` may be raised later (small before the handshake, full size after). */
  constructor(public frame_bytes_max: number) {}

  /** Bytes held for a frame not yet complete (bounded by frame_bytes_max + header). */
  get buffered_bytes(): number {
    return this.header_fill + this.payload_fill;
  }

  /** Feeds bytes; returns the frames they complete. Throws FrameError on a bad frame. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    this.feed(chunk, (f) => frames.push(f));
    return frames;
  }

  /**
   * Feeds bytes and calls `on_frame` as each frame completes, before the next header is read,
   * so a handler may change frame_bytes_max between frames (the hello and what follows it).
   */
  feed(chunk: Uint8Array, on_frame: (f: Frame) => void): void {
    if (this.failed !== null) throw this.failed;
    try {
      this.consume(chunk, on_frame);
    } catch (err) {
      if (err instanceof FrameError) this.failed = err;
      throw err;
    }
  }

  private consume(chunk: Uint8Array, on_frame: (f: Frame) => void): void {
    let at = 0;
    // Each turn consumes at least one byte or completes a frame, so the loop ends within chunk.length turns.
    while (at < chunk.byteLength || (this.payload !== null && this.payload_fill === this.payload.byteLength)) {
      if (this.payload === null) {
        const take = Math.min(FRAME_HEADER_BYTES - this.header_fill, chunk.byteLength - at);
        this.header.set(chunk.subarray(at, at + take), this.header_fill);
        this.header_fill += take;
        at += take;
        if (this.header_fill < FRAME_HEADER_BYTES) break;
        this.startPayload();
        continue;
      }
      const take = Math.min(this.payload.byteLength - this.payload_fill, chunk.byteLength - at);
      this.payload.set(chunk.subarray(at, at + take), this.payload_fill);
      this.payload_fill += take;
      at += take;
      if (this.payload_fill === this.payload.byteLength) on_frame(this.finishPayload());
    }
  }

  private startPayload(): void {
    const view = new DataView(this.header.buffer);
    const length = view.getUint32(0);
    const type = view.getUint8(4);
    if (type < 1 || type > FRAME_TYPE_MAX) throw new FrameError(`unknown frame type ${type}`);
    if (length > this.frame_bytes_max) {
      throw new FrameError(`length prefix ${length} is over frame_bytes_max = ${this.frame_bytes_max}`);
    }
    this.type = type as FrameType;
    this.crc_expected = view.getUint32(5);
    this.payload = new Uint8Array(length);
    this.payload_fill = 0;
  }

  private finishPayload(): Frame {
    const payload = this.payload!;
    const crc = crc32cUpdate(crc32cUpdate(0, this.header.subarray(0, 5)), payload);
    if (crc !== this.crc_expected) {
      throw new FrameError(
        `checksum mismatch on a frame of type ${this.type} and ${payload.byteLength} bytes ` +
          `(got 0x${crc.toString(16)}, header says 0x${this.crc_expected.toString(16)}): the stream is corrupted`,
      );
    }
    this.payload = null;
    this.payload_fill = 0;
    this.header_fill = 0;
    return { type: this.type, payload };
  }
}
