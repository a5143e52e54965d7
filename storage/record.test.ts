import { describe, expect, it } from "vitest";
import { SeededRand, type Entry } from "../raft/index.js";
import { CorruptRecordError, decodeEntry, encodeEntry } from "./record.js";

describe("entry records", () => {
  it("round-trip entries of every size and type, and catch any flipped byte (seed 5)", () => {
    const rand = new SeededRand(5);
    for (let n = 0; n < 200; n++) {
      const data = new Uint8Array(rand.intn(2000));
      for (let i = 0; i < data.length; i++) data[i] = rand.intn(256);
      const e: Entry = { index: 1 + rand.intn(1e9) * 1000, term: 1 + rand.intn(1000), type: n % 5 === 0 ? "ConfChange" : "Normal", data };
      const rec = encodeEntry(e);
      expect(decodeEntry(rec, "e")).toEqual(e);
      const bad = rec.slice();
      const at = rand.intn(bad.length);
      bad[at] = bad[at]! ^ (1 + rand.intn(255));
      expect(() => decodeEntry(bad, "e")).toThrow(CorruptRecordError);
    }
  });

  it("refuses an index that is not a safe integer", () => {
    expect(() => encodeEntry({ index: 2 ** 53, term: 1, type: "Normal", data: new Uint8Array(0) })).toThrow(RangeError);
  });
});
