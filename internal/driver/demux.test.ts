// Tests the frame demuxer on hand-built multiplexed streams, cut at every possible byte.
import { describe, expect, test } from "vitest";
import { FrameDemuxer, frame_payload_bytes_max, type Frame } from "./demux.js";

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const show = (frames: Frame[]): string[] => frames.map((f) => `${f.stream}:${f.payload.toString("utf8")}`);

describe("FrameDemuxer", () => {
  const stream = Buffer.concat([frame(1, "hello\n"), frame(2, "oops\n"), frame(1, ""), frame(1, "wörld\n")]);
  const expected = ["stdout:hello\n", "stderr:oops\n", "stdout:wörld\n"];

  test("splits stdout and stderr frames in order, skipping empty frames", () => {
    const demuxer = new FrameDemuxer();
    expect(show(demuxer.push(stream))).toEqual(expected);
    expect(() => demuxer.end()).not.toThrow();
  });

  test("gives the same frames however the stream is cut into two chunks", () => {
    for (let cut = 0; cut <= stream.length; cut += 1) {
      const demuxer = new FrameDemuxer();
      const frames = [...demuxer.push(stream.subarray(0, cut)), ...demuxer.push(stream.subarray(cut))];
      expect(show(frames), `cut at ${cut}`).toEqual(expected);
    }
  });

  test("gives the same frames when fed one byte at a time", () => {
    const demuxer = new FrameDemuxer();
    const frames: Frame[] = [];
    for (const byte of stream) frames.push(...demuxer.push(Buffer.from([byte])));
    expect(show(frames)).toEqual(expected);
  });

  test("a stream cut inside a frame is reported at the end", () => {
    const demuxer = new FrameDemuxer();
    demuxer.push(stream.subarray(0, stream.length - 2));
    expect(() => demuxer.end()).toThrow(/ended inside a frame/);
  });

  test("TTY (raw) output is refused with the likely cause", () => {
    expect(() => new FrameDemuxer().push(Buffer.from("plain text, no headers\n"))).toThrow(/not multiplexed.*TTY/);
  });

  test("a frame length over the bound is refused instead of buffered", () => {
    const header = Buffer.alloc(8);
    header[0] = 1;
    header.writeUInt32BE(frame_payload_bytes_max + 1, 4);
    expect(() => new FrameDemuxer().push(header)).toThrow(/exceeds/);
  });
});
