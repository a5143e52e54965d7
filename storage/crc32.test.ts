// CRC32C against the standard check value and a bit-by-bit reference.
import { describe, expect, it } from "vitest";
import { SeededRand } from "../raft/index.js";
import { crc32c, crc32cUpdate } from "./crc32.js";

function reference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe("crc32c", () => {
  it("matches the Castagnoli check value", () => {
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it("matches the bitwise reference, in one go and in parts (seed 7)", () => {
    const rand = new SeededRand(7);
    for (let n = 0; n < 200; n++) {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = rand.intn(256);
      const cut = rand.intn(n + 1);
      expect(crc32c(bytes)).toBe(reference(bytes));
      expect(crc32cUpdate(crc32cUpdate(0, bytes.subarray(0, cut)), bytes.subarray(cut))).toBe(reference(bytes));
    }
  });

  it("gives the same at every alignment of the same bytes (word reads start on a 4-byte boundary)", () => {
    const rand = new SeededRand(11);
    const backing = new Uint8Array(3_000);
    for (let i = 0; i < backing.length; i++) backing[i] = rand.intn(256);
    for (const len of [0, 3, 8, 15, 16, 17, 1_500, 2_900]) {
      const want = reference(backing.subarray(0, len));
      for (let offset = 0; offset < 8; offset++) {
        const copy = new Uint8Array(backing.length + 8);
        copy.set(backing.subarray(0, len), offset);
        expect(crc32c(copy.subarray(offset, offset + len))).toBe(want);
      }
    }
  });
});
