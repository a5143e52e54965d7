// The message codec: round trips for every message type, strict and clear refusals.
import { describe, expect, it } from "vitest";
import { newMessage, SeededRand, type Message } from "../../raft/index.js";
import { decodeMessage, encodeMessage } from "./codec.js";
import { CodecError } from "./errors.js";
import { MESSAGE_TYPES, randomMessage } from "./gen.test-util.js";

const SEED = 20240611;

/** Stable text of a message; byte arrays as hex, tagged so a plain array would not compare equal. */
function canonical(m: Message): string {
  return JSON.stringify(m, (_k, v: unknown) =>
    v instanceof Uint8Array ? `u8:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}` : v,
  );
}

function decodeError(payload: Uint8Array): CodecError {
  try {
    decodeMessage(payload);
  } catch (err) {
    if (err instanceof CodecError) return err;
    throw new Error(`expected a CodecError, got ${String(err)}`);
  }
  throw new Error("expected a CodecError, but the payload decoded");
}

const sample: Message = {
  ...newMessage({ type: "MsgApp", to: 2, from: 1, term: 5, logTerm: 4, index: 10, commit: 9 }),
  entries: [
    { term: 5, index: 11, type: "Normal", data: new Uint8Array([1, 2, 3]) },
    { term: 5, index: 12, type: "ConfChange", data: new Uint8Array([9]) },
  ],
  context: new Uint8Array([7, 7]),
  snapshot: { metadata: { index: 3, term: 2, confState: { voters: [1, 2, 3], learners: [4] } }, data: new Uint8Array([5, 6]) },
};

describe("message codec", () => {
  it(`round-trips 100 random messages of each of the ${MESSAGE_TYPES.length} types (seed ${SEED})`, () => {
    expect(MESSAGE_TYPES.length).toBe(19);
    const rand = new SeededRand(SEED);
    for (const type of MESSAGE_TYPES) {
      for (let i = 0; i < 100; i++) {
        const m = randomMessage(rand, type);
        const back = decodeMessage(encodeMessage(m));
        // Compared as canonical text: vitest's deep equality on byte arrays is slow.
        if (canonical(back) !== canonical(m)) expect(canonical(back), `seed ${SEED}, ${type} #${i}`).toBe(canonical(m));
        expect(Object.keys(back).sort()).toEqual(Object.keys(m).sort());
      }
    }
  });

  it("decodes into fresh buffers that do not alias the frame", () => {
    const wire = encodeMessage(sample);
    const back = decodeMessage(wire);
    wire.fill(0);
    expect(back).toStrictEqual(sample);
  });

  it("refuses every truncation with a CodecError that says truncated", () => {
    const wire = encodeMessage(sample);
    for (let n = 0; n < wire.byteLength; n++) {
      expect(decodeError(wire.subarray(0, n)).message).toMatch(/truncated|cannot fit/);
    }
  });

  it("never crashes on corrupted bytes: each flip decodes or throws a CodecError (seed 99)", () => {
    const rand = new SeededRand(99);
    const wire = encodeMessage(sample);
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const bad = wire.slice();
      const k = 1 + rand.intn(3);
      for (let j = 0; j < k; j++) bad[rand.intn(bad.byteLength)] = rand.intn(256);
      try {
        decodeMessage(bad);
      } catch (err) {
        expect(err).toBeInstanceOf(CodecError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it("names what is wrong", () => {
    const wire = encodeMessage(sample);
    const at = (i: number, v: number): Uint8Array => {
      const b = wire.slice();
      b[i] = v;
      return b;
    };
    expect(decodeError(at(0, 2)).message).toContain("codec version 2 is not supported");
    expect(decodeError(at(1, 77)).message).toContain("type code 77 is unknown");
    expect(decodeError(at(2, 0x80)).message).toContain("unknown flag bits");
    expect(decodeError(at(3, 0xff)).message).toContain("to at offset 3 is above 2^53 - 1");
    const trailing = new Uint8Array(wire.byteLength + 1);
    trailing.set(wire);
    expect(decodeError(trailing).message).toContain("1 unexpected trailing bytes");
    // The entry count sits after 3 + 7*8 header bytes and the context (4 + 2 bytes).
    const huge = wire.slice();
    new DataView(huge.buffer).setUint32(3 + 56 + 6, 0xffff_ffff);
    expect(decodeError(huge).message).toContain("entry count = 4294967295 cannot fit");
    // First entry's type byte: after its term and index.
    expect(decodeError(at(3 + 56 + 6 + 4 + 16, 9)).message).toContain("entries[0].type code 9 is unknown");
  });

  it("refuses to encode a field that is not a non-negative safe integer, naming it", () => {
    expect(() => encodeMessage({ ...sample, term: -1 })).toThrow(/term = -1/);
    expect(() => encodeMessage({ ...sample, commit: 1.5 })).toThrow(/commit = 1.5/);
    const e = sample.entries[0]!;
    expect(() => encodeMessage({ ...sample, entries: [{ ...e, index: 2 ** 53 }] })).toThrow(/entries\[0\].index/);
  });
});
