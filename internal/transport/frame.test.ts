// Frames: any split of the stream decodes the same; bad checksums, types and lengths are refused.
import { describe, expect, it } from "vitest";
import { newMessage, SeededRand } from "../../raft/index.js";
import { decodeMessage } from "./codec.js";
import { FrameError } from "./errors.js";
import { FrameDecoder, FrameType, FRAME_HEADER_BYTES, encodeFrame, encodeMessageFrame, frameHeader, type Frame } from "./frame.js";
import { bytes } from "./gen.test-util.js";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function text(f: Frame): string {
  return `${f.type}:${Buffer.from(f.payload).toString("hex")}`;
}

function frameError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FrameError);
    return (err as FrameError).message;
  }
  throw new Error("expected a FrameError");
}

describe("frames", () => {
  it("decode the same frames however the stream is cut (seed 5)", () => {
    const rand = new SeededRand(5);
    const sent: Frame[] = [];
    for (let i = 0; i < 50; i++) {
      sent.push({ type: (1 + rand.intn(8)) as FrameType, payload: bytes(rand, rand.intn(3) === 0 ? 0 : rand.intn(2000)) });
    }
    const stream = concat(sent.map((f) => encodeFrame(f.type, f.payload)));
    for (let trial = 0; trial < 20; trial++) {
      const d = new FrameDecoder(4096);
      const got: Frame[] = [];
      for (let at = 0; at < stream.byteLength; ) {
        const n = 1 + rand.intn(trial < 5 ? 8 : 3000);
        got.push(...d.push(stream.subarray(at, at + n)));
        at += n;
      }
      // As text: vitest's deep equality on byte arrays is slow.
      expect(got.map(text).join()).toBe(sent.map(text).join());
      expect(d.buffered_bytes).toBe(0);
    }
  });

  it("a message frame decodes back to the message; a header plus parts equals the whole frame", () => {
    const m = newMessage({ type: "MsgHeartbeat", to: 2, from: 1, term: 3, commit: 7 });
    const [f] = new FrameDecoder(1024).push(encodeMessageFrame(m, 1024));
    expect(f?.type).toBe(FrameType.message);
    expect(decodeMessage(f!.payload)).toEqual(m);
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([4, 5]);
    expect(concat([frameHeader(FrameType.snap_chunk, [a, b]), a, b])).toEqual(encodeFrame(FrameType.snap_chunk, concat([a, b])));
  });

  it("refuses a corrupted payload or header with a checksum error", () => {
    const wire = encodeFrame(FrameType.message, new Uint8Array([1, 2, 3, 4]));
    const bad = wire.slice();
    bad[FRAME_HEADER_BYTES + 2] = bad[FRAME_HEADER_BYTES + 2]! ^ 0x10;
    expect(frameError(() => new FrameDecoder(64).push(bad))).toContain("checksum mismatch");
    const bad_type = wire.slice();
    bad_type[4] = FrameType.snap_end;
    expect(frameError(() => new FrameDecoder(64).push(bad_type))).toContain("checksum mismatch");
  });

  it("refuses an oversized length prefix from the header alone, before allocating", () => {
    const header = new Uint8Array(FRAME_HEADER_BYTES);
    new DataView(header.buffer).setUint32(0, 0xffff_ffff);
    header[4] = FrameType.message;
    const d = new FrameDecoder(16 * 1024 * 1024);
    expect(frameError(() => d.push(header))).toContain("length prefix 4294967295 is over frame_bytes_max = 16777216");
    expect(d.buffered_bytes).toBe(FRAME_HEADER_BYTES);
    // Poisoned: the stream position is lost, so later bytes are refused too.
    expect(frameError(() => d.push(new Uint8Array(1)))).toContain("length prefix");
  });

  it("refuses an unknown frame type", () => {
    const wire = encodeFrame(FrameType.message, new Uint8Array(0));
    wire[4] = 42;
    expect(frameError(() => new FrameDecoder(64).push(wire))).toContain("unknown frame type 42");
  });

  it("refuses to encode a message over frame_bytes_max", () => {
    const m = { ...newMessage({ type: "MsgApp", to: 2, from: 1 }), context: new Uint8Array(5000) };
    expect(frameError(() => encodeMessageFrame(m, 4096))).toMatch(/MsgApp to 2 of \d+ bytes is over frame_bytes_max = 4096/);
  });
});
