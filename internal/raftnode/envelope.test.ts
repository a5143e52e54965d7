import { describe, expect, it } from "vitest";
import { SeededRand } from "../../raft/index.js";
import { CommandType, type Envelope } from "../fsm/commands.js";
import { decodeEnvelope, encodeEnvelope } from "./envelope.js";

function b64(bytes: number[]): string {
  return Buffer.from(bytes).toString("base64");
}

describe("log entry envelopes", () => {
  it("round-trips key-value puts in binary, with and without cas, empty and odd-sized values (seed 11)", () => {
    const rand = new SeededRand(11);
    for (let n = 0; n < 300; n++) {
      const value = Array.from({ length: rand.intn(3000) }, () => rand.intn(256));
      const env: Envelope = {
        rid: `3-${n}`,
        at_ms: 1_795_000_000_000 + n,
        cmd: { type: CommandType.kv_put, key: `k/${n}/ü€😀`, value_b64: b64(value), ...(n % 3 === 0 ? { cas: n * 1000 } : {}) },
      };
      const data = encodeEnvelope(env);
      expect(data[0]).toBe(0x01);
      expect(decodeEnvelope(data)).toEqual(env);
      // Smaller than the JSON form: the value is not base64 inside JSON.
      if (value.length > 100) expect(data.byteLength).toBeLessThan(JSON.stringify(env).length);
    }
  });

  it("keeps other commands, and keys with a lone surrogate, as JSON", () => {
    const stop: Envelope = { rid: "1-1", at_ms: 5, cmd: { type: CommandType.service_stop, name: "web" } };
    expect(decodeEnvelope(encodeEnvelope(stop))).toEqual(stop);
    const odd: Envelope = { rid: "1-2", at_ms: 5, cmd: { type: CommandType.kv_put, key: "a\uD800b", value_b64: b64([1, 2]) } };
    const data = encodeEnvelope(odd);
    expect(data[0]).toBe(0x7b);
    expect(decodeEnvelope(data)).toEqual(odd);
  });

  it("reads entries written as JSON by earlier versions", () => {
    const old: Envelope = { rid: "2-9", at_ms: 7, cmd: { type: CommandType.kv_put, key: "x", value_b64: b64([9, 9, 9]), cas: 0 } };
    expect(decodeEnvelope(new TextEncoder().encode(JSON.stringify(old)))).toEqual(old);
  });

  it("refuses an entry in no known encoding, or cut short", () => {
    expect(() => decodeEnvelope(Uint8Array.of(0x02, 1, 2, 3))).toThrow(/unknown encoding/);
    const full = encodeEnvelope({ rid: "1-1", at_ms: 1, cmd: { type: CommandType.kv_put, key: "long-key-name", value_b64: "" } });
    expect(() => decodeEnvelope(full.subarray(0, 20))).toThrow(/cut short|out of range/);
  });
});
