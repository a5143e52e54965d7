import { describe, expect, it } from "vitest";
import { SeededRand } from "../../raft/index.js";
import { CommandType, type Envelope } from "../fsm/commands.js";
import { decodeEnvelope, encodeEnvelope } from "./envelope.js";

const bytes = (b: number[]): Uint8Array => Uint8Array.from(b);

describe("log entry envelopes", () => {
  it("round-trips key-value puts in binary, with and without cas, empty and odd-sized values (seed 11)", () => {
    const rand = new SeededRand(11);
    for (let n = 0; n < 300; n++) {
      const value = Array.from({ length: rand.intn(3000) }, () => rand.intn(256));
      const env: Envelope = {
        rid: `3-${n}`,
        at_ms: 1_795_000_000_000 + n,
        cmd: { type: CommandType.kv_put, key: `k/${n}/ü€😀`, value: bytes(value), ...(n % 3 === 0 ? { cas: n * 1000 } : {}) },
      };
      const data = encodeEnvelope(env);
      expect(data[0]).toBe(0x01);
      const back = decodeEnvelope(data);
      expect(back).toEqual(env);
      // The entry is an allocation of its own, and the applied value a view of it: no copy, and
      // a row keeps nothing larger than its entry alive.
      expect(data.buffer.byteLength).toBe(data.byteLength);
      if (back.cmd.type === CommandType.kv_put) expect(back.cmd.value.buffer).toBe(data.buffer);
      // Smaller than the JSON form: the value is not base64 inside JSON.
      if (value.length > 100) expect(data.byteLength).toBeLessThan(JSON.stringify(env).length);
    }
  });

  it("keeps other commands, and keys with a lone surrogate, as JSON", () => {
    const stop: Envelope = { rid: "1-1", at_ms: 5, cmd: { type: CommandType.service_stop, name: "web" } };
    expect(decodeEnvelope(encodeEnvelope(stop))).toEqual(stop);
    const odd: Envelope = { rid: "1-2", at_ms: 5, cmd: { type: CommandType.kv_put, key: "a\uD800b", value: bytes([1, 2]) } };
    const data = encodeEnvelope(odd);
    expect(data[0]).toBe(0x7b);
    expect(decodeEnvelope(data)).toEqual(odd);
  });

  it("reads entries written as JSON by earlier versions", () => {
    const old = { rid: "2-9", at_ms: 7, cmd: { type: CommandType.kv_put, key: "x", value_b64: Buffer.from([9, 9, 9]).toString("base64"), cas: 0 } };
    expect(decodeEnvelope(new TextEncoder().encode(JSON.stringify(old)))).toEqual({ ...old, cmd: { type: CommandType.kv_put, key: "x", value: bytes([9, 9, 9]), cas: 0 } });
  });

  it("refuses an entry in no known encoding, or cut short", () => {
    expect(() => decodeEnvelope(Uint8Array.of(0x02, 1, 2, 3))).toThrow(/unknown encoding/);
    const full = encodeEnvelope({ rid: "1-1", at_ms: 1, cmd: { type: CommandType.kv_put, key: "long-key-name", value: bytes([]) } });
    expect(() => decodeEnvelope(full.subarray(0, 20))).toThrow(/cut short|out of range/);
  });
});
