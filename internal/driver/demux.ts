// Splits Docker's multiplexed (non-TTY) attach/logs stream into stdout and stderr frames.
//
// Each frame is an 8-byte header — stream type (0 stdin, 1 stdout, 2 stderr), three zero
// bytes, payload length as big-endian uint32 — followed by the payload.

export const frame_header_bytes = 8;
/** Docker writes frames of at most 32 KiB; anything far larger means the stream is not multiplexed. */
export const frame_payload_bytes_max = 1024 * 1024;

export interface Frame {
  stream: "stdout" | "stderr";
  payload: Buffer;
}

export class FrameDemuxer {
  private pending: Buffer[] = [];
  private pending_bytes = 0;

  /** Feeds one chunk; returns the frames it completed, in order. */
  push(chunk: Buffer): Frame[] {
    if (chunk.length === 0) return [];
    this.pending.push(chunk);
    this.pending_bytes += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.takeFrame();
      if (frame === undefined) break;
      if (frame.payload.length > 0) frames.push(frame);
    }
    return frames;
  }

  /** Call at end of stream: a half frame left over means the stream was cut. */
  end(): void {
    if (this.pending_bytes !== 0) {
      throw new Error(
        `log stream ended inside a frame (${this.pending_bytes} bytes left over); the engine connection was cut — read the logs again`,
      );
    }
  }

  private takeFrame(): Frame | undefined {
    if (this.pending_bytes < frame_header_bytes) return undefined;
    const head = this.peek(frame_header_bytes);
    const type = head[0];
    const length = head.readUInt32BE(4);
    if ((type !== 1 && type !== 2 && type !== 0) || head[1] !== 0 || head[2] !== 0 || head[3] !== 0) {
      throw new Error(
        `log stream is not multiplexed (frame header ${head.toString("hex")}); was the container created with a TTY?`,
      );
    }
    if (length > frame_payload_bytes_max) {
      throw new Error(`log frame of ${length} bytes exceeds ${frame_payload_bytes_max}; the stream is corrupt`);
    }
    if (this.pending_bytes < frame_header_bytes + length) return undefined;
    const whole = this.take(frame_header_bytes + length);
    // stdin frames never appear in logs; treating one as stdout keeps the bytes visible.
    return { stream: type === 2 ? "stderr" : "stdout", payload: whole.subarray(frame_header_bytes) };
  }

  private peek(bytes: number): Buffer {
    this.compact(bytes);
    const first = this.pending[0];
    if (first === undefined) throw new Error("demuxer invariant: peek past the pending bytes");
    return first.subarray(0, bytes);
  }

  private take(bytes: number): Buffer {
    this.compact(bytes);
    const first = this.pending[0];
    if (first === undefined) throw new Error("demuxer invariant: take past the pending bytes");
    const taken = first.subarray(0, bytes);
    const rest = first.subarray(bytes);
    if (rest.length === 0) this.pending.shift();
    else this.pending[0] = rest;
    this.pending_bytes -= bytes;
    return taken;
  }

  /** Joins leading chunks until the first holds at least `bytes`; copies only across chunk borders. */
  private compact(bytes: number): void {
    const first = this.pending[0];
    if (first !== undefined && first.length >= bytes) return;
    const joined = Buffer.concat(this.pending);
    this.pending = [joined];
  }
}
