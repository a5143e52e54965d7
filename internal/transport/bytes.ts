// Bounds-checked big-endian byte writer and reader shared by the codecs; every read names its field.
import { CodecError } from "./errors.js";

const TWO_32 = 0x1_0000_0000;
/** The high 32-bit word of a safe integer is at most 2^21 - 1. */
const U53_HIGH_MAX = 0x1f_ffff;

/** Writes into a buffer sized exactly beforehand; overrunning it is a bug in the size math. */
export class ByteWriter {
  private readonly view: DataView;
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  u8(v: number): void {
    this.view.setUint8(this.offset, v);
    this.offset += 1;
  }
  u16(v: number): void {
    this.view.setUint16(this.offset, v);
    this.offset += 2;
  }
  u32(v: number): void {
    this.view.setUint32(this.offset, v);
    this.offset += 4;
  }
  /** A non-negative safe integer as 8 bytes; `field` names it in the error if it is not one. */
  u53(v: number, field: string): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new CodecError(`${field} = ${v} is not a non-negative safe integer`);
    this.view.setUint32(this.offset, Math.floor(v / TWO_32));
    this.view.setUint32(this.offset + 4, v >>> 0);
    this.offset += 8;
  }
  raw(b: Uint8Array): void {
    this.bytes.set(b, this.offset);
    this.offset += b.byteLength;
  }
  /** u32 length then the bytes. */
  blob(b: Uint8Array): void {
    this.u32(b.byteLength);
    this.raw(b);
  }
}

/** Reads a payload; any read past the end throws a CodecError naming the field, never a RangeError. */
export class ByteReader {
  private readonly view: DataView;
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  private need(n: number, field: string): void {
    if (this.remaining < n) {
      throw new CodecError(
        `${this.what} truncated: ${field} needs ${n} bytes at offset ${this.offset}, only ${this.remaining} left`,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    const v = this.view.getUint8(this.offset);
    this.offset += 1;
    return v;
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.offset);
    this.offset += 2;
    return v;
  }
  u32(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }
  u53(field: string): number {
    this.need(8, field);
    const hi = this.view.getUint32(this.offset);
    const lo = this.view.getUint32(this.offset + 4);
    if (hi > U53_HIGH_MAX) throw new CodecError(`${this.what}: ${field} at offset ${this.offset} is above 2^53 - 1`);
    this.offset += 8;
    return hi * TWO_32 + lo;
  }
  /** A copy, so a decoded message never pins the (larger) frame buffer it came from. */
  raw(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = new Uint8Array(n);
    out.set(this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return out;
  }
  /** A view without copying, for payloads the caller copies anyway (snapshot chunks). */
  view_of(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  blob(field: string): Uint8Array {
    const n = this.u32(`${field} length`);
    return this.raw(n, field);
  }
  /** A count of items of at least `item_bytes_min` each, checked against what is left before any allocation. */
  count(field: string, item_bytes_min: number): number {
    const n = this.u32(field);
    if (n * item_bytes_min > this.remaining) {
      throw new CodecError(
        `${this.what}: ${field} = ${n} cannot fit in the ${this.remaining} bytes left (at least ${item_bytes_min} bytes each)`,
      );
    }
    return n;
  }
  /** The payload must be fully consumed: trailing bytes mean a writer and reader disagree. */
  end(): void {
    if (this.remaining !== 0) {
      throw new CodecError(`${this.what}: ${this.remaining} unexpected trailing bytes at offset ${this.offset}`);
    }
  }
}
