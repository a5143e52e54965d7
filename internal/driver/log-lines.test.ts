// Tests cutting frames into lines: partial lines, over-long lines, timestamps, split UTF-8.
import { describe, expect, test } from "vitest";
import { LineSplitter, log_line_bytes_max } from "./log-lines.js";

const out = (text: string | Buffer) => ({ stream: "stdout" as const, payload: Buffer.from(text) });
const err = (text: string) => ({ stream: "stderr" as const, payload: Buffer.from(text) });

describe("LineSplitter", () => {
  test("joins a line across frames and keeps streams apart", () => {
    const splitter = new LineSplitter(false);
    expect(splitter.push(out("hel"))).toEqual([]);
    expect(splitter.push(err("bad\n"))).toEqual([{ stream: "stderr", text: "bad" }]);
    expect(splitter.push(out("lo\nnext\nta"))).toEqual([
      { stream: "stdout", text: "hello" },
      { stream: "stdout", text: "next" },
    ]);
    expect(splitter.flush()).toEqual([{ stream: "stdout", text: "ta" }]);
  });

  test("a multi-byte character cut between frames survives", () => {
    const bytes = Buffer.from("grüße\n");
    const splitter = new LineSplitter(false);
    expect([...splitter.push(out(bytes.subarray(0, 3))), ...splitter.push(out(bytes.subarray(3)))]).toEqual([
      { stream: "stdout", text: "grüße" },
    ]);
  });

  test("a line over the bound arrives in pieces of the bound", () => {
    const splitter = new LineSplitter(false);
    const lines = splitter.push(out(`${"x".repeat(log_line_bytes_max + 10)}\n`));
    expect(lines.map((line) => line.text.length)).toEqual([log_line_bytes_max, 10]);
    const exact = splitter.push(out(`${"y".repeat(log_line_bytes_max)}\n\n`));
    expect(exact.map((line) => line.text.length)).toEqual([log_line_bytes_max, 0]);
  });

  test("timestamps are peeled per frame; a line keeps its first piece's time", () => {
    const splitter = new LineSplitter(true);
    expect(splitter.push(out("2026-11-21T14:41:28.494166155Z first\n"))).toEqual([
      { stream: "stdout", text: "first", timestamp: "2026-11-21T14:41:28.494166155Z" },
    ]);
    // The engine stores a long message as pieces, each with its own prefix.
    expect(splitter.push(out("2026-11-21T14:41:29.000000001Z long-"))).toEqual([]);
    expect(splitter.push(out("2026-11-21T14:41:29.000000002Z line\n"))).toEqual([
      { stream: "stdout", text: "long-line", timestamp: "2026-11-21T14:41:29.000000001Z" },
    ]);
  });
});
