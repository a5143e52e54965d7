// Cuts demultiplexed frames into lines per stream, and peels off engine timestamps when asked.
import type { Frame } from "./demux.js";
import type { LogLine } from "./types.js";

/** A line longer than this is handed on in pieces so one runaway line cannot exhaust memory. */
export const log_line_bytes_max = 64 * 1024;

const newline = 0x0a;

export class LineSplitter {
  private readonly partial = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  private readonly partial_bytes = { stdout: 0, stderr: 0 };

  constructor(private readonly timestamps: boolean) {}

  push(frame: Frame): LogLine[] {
    const lines: LogLine[] = [];
    let rest = frame.payload;
    for (;;) {
      const at = rest.indexOf(newline);
      if (at < 0) break;
      lines.push(this.finish(frame.stream, rest.subarray(0, at)));
      rest = rest.subarray(at + 1);
    }
    while (rest.length > 0) {
      const room = log_line_bytes_max - this.partial_bytes[frame.stream];
      this.partial[frame.stream].push(rest.subarray(0, room));
      this.partial_bytes[frame.stream] += Math.min(room, rest.length);
      rest = rest.subarray(room);
      if (this.partial_bytes[frame.stream] >= log_line_bytes_max) {
        lines.push(this.finish(frame.stream, Buffer.alloc(0)));
      }
    }
    return lines;
  }

  /** Lines left without a final newline when the stream ends. */
  flush(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial_bytes[stream] > 0) lines.push(this.finish(stream, Buffer.alloc(0)));
    }
    return lines;
  }

  private finish(stream: "stdout" | "stderr", tail: Buffer): LogLine {
    const bytes = Buffer.concat([...this.partial[stream], tail]);
    this.partial[stream] = [];
    this.partial_bytes[stream] = 0;
    const text = bytes.toString("utf8");
    if (!this.timestamps) return { stream, text };
    const space = text.indexOf(" ");
    // A piece of an over-long line has no timestamp of its own.
    if (space < 0 || !/^\d{4}-\d\d-\d\dT/.test(text)) return { stream, text };
    return { stream, text: text.slice(space + 1), timestamp: text.slice(0, space) };
  }
}
