// Cuts demultiplexed frames into lines per stream, and peels off engine timestamps when asked.
//
// The engine writes one log message per frame. A message over 16 KiB is stored in pieces
// (only the last ends in a newline) and, with timestamps on, every piece carries its own
// timestamp prefix; so prefixes are removed per frame and a line keeps its first piece's time.
import type { Frame } from "./demux.js";
import type { LogLine } from "./types.js";

/** A line longer than this is handed on in pieces so one runaway line cannot exhaust memory. */
export const log_line_bytes_max = 64 * 1024;

const newline = 0x0a;
const space = 0x20;
/** "2026-11-21T14:41:28.494166155Z" and offsets fit well within this. */
const timestamp_bytes_max = 40;

type Stream = "stdout" | "stderr";

interface Partial {
  pieces: Buffer[];
  bytes: number;
  timestamp: string | undefined;
}

export class LineSplitter {
  private readonly partial: Record<Stream, Partial> = {
    stdout: { pieces: [], bytes: 0, timestamp: undefined },
    stderr: { pieces: [], bytes: 0, timestamp: undefined },
  };

  constructor(private readonly timestamps: boolean) {}

  push(frame: Frame): LogLine[] {
    const lines: LogLine[] = [];
    const partial = this.partial[frame.stream];
    let rest = frame.payload;
    let frame_timestamp: string | undefined;
    if (this.timestamps) [frame_timestamp, rest] = splitTimestamp(rest);
    for (;;) {
      if (partial.bytes === 0) partial.timestamp = frame_timestamp;
      const at = rest.indexOf(newline);
      const segment = at < 0 ? rest : rest.subarray(0, at);
      this.append(frame.stream, segment, lines);
      if (at < 0) break;
      // A line that ended exactly at the bound was already handed on by append().
      if (segment.length === 0 || partial.bytes > 0) lines.push(this.finish(frame.stream));
      rest = rest.subarray(at + 1);
    }
    return lines;
  }

  /** Lines left without a final newline when the stream ends. */
  flush(): LogLine[] {
    const lines: LogLine[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream].bytes > 0) lines.push(this.finish(stream));
    }
    return lines;
  }

  /** Adds bytes of the current line, handing on a piece whenever the line reaches the bound. */
  private append(stream: Stream, bytes: Buffer, lines: LogLine[]): void {
    const partial = this.partial[stream];
    let rest = bytes;
    while (rest.length > 0) {
      const room = log_line_bytes_max - partial.bytes;
      partial.pieces.push(rest.subarray(0, room));
      partial.bytes += Math.min(room, rest.length);
      rest = rest.subarray(room);
      if (partial.bytes >= log_line_bytes_max) lines.push(this.finish(stream));
    }
  }

  private finish(stream: Stream): LogLine {
    const partial = this.partial[stream];
    const text = Buffer.concat(partial.pieces).toString("utf8");
    const timestamp = partial.timestamp;
    partial.pieces = [];
    partial.bytes = 0;
    partial.timestamp = undefined;
    return timestamp === undefined ? { stream, text } : { stream, text, timestamp };
  }
}

function splitTimestamp(payload: Buffer): [string | undefined, Buffer] {
  const at = payload.subarray(0, timestamp_bytes_max).indexOf(space);
  if (at < 0) return [undefined, payload];
  const candidate = payload.subarray(0, at).toString("ascii");
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)$/.test(candidate)) return [undefined, payload];
  return [candidate, payload.subarray(at + 1)];
}
