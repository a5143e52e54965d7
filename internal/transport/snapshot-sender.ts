// Streams one MsgSnap to a peer on its own connection, in chunks, and waits for the receiver's ack.
import type net from "node:net";
import type { Message } from "../../raft/index.js";
import type { PeerAddress } from "./address.js";
import type { TransportContext } from "./context.js";
import { dial } from "./dial.js";
import { TransportError } from "./errors.js";
import { FrameType, encodeFrame, frameHeader, type FrameDecoder } from "./frame.js";
import { decodeSnapAck, encodeChunkOffset, encodeSnapBegin } from "./snapshot-frames.js";

export interface SnapshotSend {
  /** Resolves once the receiver delivered the snapshot; rejects with the reason otherwise. */
  readonly done: Promise<void>;
  /** Stops the stream (peer removed, transport closed); done rejects. */
  cancel(reason: string): void;
}

/** `m.snapshot.data` is read while streaming: the caller must not change it until done settles. */
export function sendSnapshot(m: Message, address: PeerAddress, ctx: TransportContext): SnapshotSend {
  const l = ctx.limits;
  const snap = m.snapshot;
  if (snap === undefined) throw new TransportError("codec", `${m.type} to ${m.to} carries no snapshot`);
  if (snap.data.byteLength > l.snapshot_bytes_max) {
    throw new TransportError(
      "limit",
      `snapshot of ${snap.data.byteLength} bytes for node ${m.to} is over snapshot_bytes_max = ${l.snapshot_bytes_max}`,
    );
  }
  const dialing = dial(address, { kind: "snapshot", cluster_id: ctx.local.cluster_id, from: ctx.local.node_id, to: m.to }, l);
  let stop_reason: string | null = null;
  const timer = setTimeout(() => cancel(`not acknowledged within snapshot_send_timeout_ms = ${l.snapshot_send_timeout_ms}`), l.snapshot_send_timeout_ms);
  timer.unref();
  const cancel = (reason: string): void => {
    stop_reason ??= reason;
    dialing.socket.destroy();
  };
  const run = async (): Promise<void> => {
    const { socket, decoder } = await dialing.done;
    const stream = new StreamWatch(socket, decoder, () => stop_reason);
    socket.resume();
    socket.write(encodeFrame(FrameType.snap_begin, encodeSnapBegin(m)));
    const total = snap.data.byteLength;
    // Bounded by total / snapshot_chunk_bytes turns.
    for (let offset = 0; offset < total; offset += l.snapshot_chunk_bytes) {
      const off = encodeChunkOffset(offset);
      const data = snap.data.subarray(offset, Math.min(total, offset + l.snapshot_chunk_bytes));
      socket.cork();
      socket.write(frameHeader(FrameType.snap_chunk, [off, data]));
      socket.write(off);
      const ok = socket.write(data);
      socket.uncork();
      if (!ok) await stream.drained();
      stream.check();
    }
    socket.write(encodeFrame(FrameType.snap_end, new Uint8Array(0)));
    const ack = await stream.ack();
    socket.end();
    if (!ack.ok) throw new TransportError("handshake", `node ${m.to} refused the snapshot: ${ack.text}`);
  };
  const done = run().finally(() => {
    clearTimeout(timer);
    dialing.socket.destroy();
  });
  // On dial failure the cancel reason (if any) is the better explanation.
  const explained = done.catch((err: unknown) => {
    if (stop_reason !== null) throw new TransportError("limit", `snapshot to node ${m.to} stopped: ${stop_reason}`, { cause: err });
    throw err;
  });
  return { done: explained, cancel };
}

/** Turns socket events into awaitable steps; any close or error fails the step being waited on. */
class StreamWatch {
  private failure: Error | null = null;
  private waiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private ack_payload: Uint8Array | null = null;

  constructor(
    private readonly socket: net.Socket,
    private readonly decoder: FrameDecoder,
    private readonly stopped: () => string | null,
  ) {
    socket.on("drain", () => this.wake());
    socket.on("error", (err) => this.fail(new Error(`connection error: ${err.message}`)));
    socket.on("close", () => this.fail(new Error(this.stopped() ?? "the receiver closed the connection")));
    socket.on("data", (chunk: Buffer) => {
      try {
        for (const f of this.decoder.push(chunk)) {
          if (f.type !== FrameType.snap_ack || this.ack_payload !== null) {
            throw new Error(`unexpected frame type ${f.type} from the receiver`);
          }
          this.ack_payload = f.payload;
        }
        this.wake();
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  check(): void {
    if (this.failure !== null) throw this.failure;
  }

  drained(): Promise<void> {
    return this.wait(() => !this.socket.writableNeedDrain);
  }

  async ack(): Promise<{ ok: boolean; text: string }> {
    await this.wait(() => this.ack_payload !== null);
    return decodeSnapAck(this.ack_payload!);
  }

  private wait(ready: () => boolean): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiter = {
        resolve: () => {
          if (ready()) {
            this.waiter = null;
            resolve();
          }
        },
        reject,
      };
    });
  }

  private wake(): void {
    this.waiter?.resolve();
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(err);
  }
}
