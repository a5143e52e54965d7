// One accepted connection: the listener's side of the handshake, then a message or snapshot stream.
import type net from "node:net";
import type { Message, NodeId } from "../../raft/index.js";
import type { TransportContext } from "./context.js";
import { CodecError, errorText, FrameError, TransportError } from "./errors.js";
import { FrameDecoder, FrameType, encodeFrame, type Frame } from "./frame.js";
import { checkHello, decodeHello, encodeAccept, encodeReject, type Hello, type Reject } from "./handshake.js";
import { decodeMessage } from "./codec.js";
import { SnapshotAssembly, encodeSnapAck } from "./snapshot-frames.js";

export interface InboundHost {
  readonly ctx: TransportContext;
  isRemoved(id: NodeId): boolean;
  /** Reserves one of snapshot_receives_max; false when all are taken. */
  acquireSnapshotSlot(): boolean;
  releaseSnapshotSlot(): void;
  /** A newer message stream from the same node replaces this one (e.g. after the peer restarted). */
  adoptMessageStream(from: NodeId, conn: InboundConnection): void;
  /** Hands a decoded message to the driver; returns why it is refused, or null. */
  deliver(m: Message, from: NodeId, frame_bytes: number): string | null;
  forget(conn: InboundConnection): void;
}

type State = "hello" | "messages" | "snapshot" | "done";

export class InboundConnection {
  private state: State = "hello";
  private readonly decoder: FrameDecoder;
  private hello: Hello | null = null;
  private assembly: SnapshotAssembly | null = null;
  private holds_snapshot_slot = false;
  private timer: NodeJS.Timeout | null;
  private readonly remote: string;

  constructor(
    private readonly socket: net.Socket,
    private readonly host: InboundHost,
  ) {
    const l = host.ctx.limits;
    this.remote = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
    this.decoder = new FrameDecoder(l.handshake_frame_bytes_max);
    socket.setNoDelay(true);
    this.timer = setTimeout(() => this.close(`no hello within handshake_timeout_ms = ${l.handshake_timeout_ms}`), l.handshake_timeout_ms);
    this.timer.unref();
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.close(`connection error: ${err.message}`, "debug"));
    socket.on("close", () => {
      this.close("closed by the peer", "debug");
      this.host.forget(this);
    });
  }

  get from(): NodeId | null {
    return this.hello?.from ?? null;
  }

  /** Closes the connection; `reason` is logged (warn by default: something a person may need to see). */
  close(reason: string, level: "debug" | "warn" = "warn"): void {
    if (this.state === "done") return;
    this.state = "done";
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.holds_snapshot_slot) this.host.releaseSnapshotSlot();
    this.holds_snapshot_slot = false;
    this.assembly = null;
    this.socket.destroy();
    this.host.ctx.logger[level](`transport: closed connection from ${this.who()}: ${reason}`, { remote: this.remote });
  }

  /** Ends the connection silently (transport shutdown). */
  destroy(): void {
    this.state = "done";
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.holds_snapshot_slot) this.host.releaseSnapshotSlot();
    this.holds_snapshot_slot = false;
    this.socket.destroy();
  }

  /** Stops reading and lets the last frame written reach the peer; bounded by handshake_timeout_ms. */
  private finishWith(last: Uint8Array): void {
    this.state = "done";
    if (this.holds_snapshot_slot) this.host.releaseSnapshotSlot();
    this.holds_snapshot_slot = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.socket.end(last);
    this.timer = setTimeout(() => this.socket.destroy(), this.host.ctx.limits.handshake_timeout_ms);
    this.timer.unref();
  }

  private who(): string {
    return this.hello ? `node ${this.hello.from} (${this.remote}, ${this.hello.kind})` : this.remote;
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.feed(chunk, (f) => {
        if (this.state !== "done") this.onFrame(f);
      });
    } catch (err) {
      if (err instanceof FrameError) this.close(`protocol error: ${errorText(err)}`);
      else this.refuse(err);
    }
  }

  private refuse(err: unknown): void {
    if (this.state === "snapshot" && this.socket.writable) {
      this.host.ctx.logger.warn(`transport: refused a snapshot from ${this.who()}: ${errorText(err)}`);
      this.finishWith(encodeFrame(FrameType.snap_ack, encodeSnapAck(false, errorText(err))));
      return;
    }
    this.close(err instanceof TransportError ? errorText(err) : `internal error: ${errorText(err)}`);
  }

  private onFrame(f: Frame): void {
    switch (this.state) {
      case "hello":
        return this.onHello(f);
      case "messages":
        return this.onMessage(f);
      case "snapshot":
        return this.onSnapshotFrame(f);
      case "done":
        return;
    }
  }

  private onHello(f: Frame): void {
    if (f.type !== FrameType.hello) throw new CodecError(`expected a hello frame first, got frame type ${f.type}`);
    const h = decodeHello(f.payload);
    const ctx = this.host.ctx;
    let rej: Reject | null = checkHello(h, ctx.local, (id) => this.host.isRemoved(id));
    if (rej === null && h.kind === "snapshot") {
      if (this.host.acquireSnapshotSlot()) this.holds_snapshot_slot = true;
      else rej = { reason: "busy", text: `already receiving snapshot_receives_max = ${ctx.limits.snapshot_receives_max} snapshots; retry later` };
    }
    if (rej !== null) {
      ctx.logger.warn(`transport: refused a connection from ${this.remote} (node ${h.from}): ${rej.text}`, { reason: rej.reason });
      this.finishWith(encodeFrame(FrameType.hello_reject, encodeReject(rej)));
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.hello = h;
    this.state = h.kind;
    this.decoder.frame_bytes_max = ctx.limits.frame_bytes_max;
    this.socket.setKeepAlive(true, ctx.limits.keepalive_ms);
    this.socket.write(encodeFrame(FrameType.hello_accept, encodeAccept(ctx.local.node_id)));
    if (h.kind === "messages") this.host.adoptMessageStream(h.from, this);
    ctx.logger.debug(`transport: accepted ${this.who()}`);
  }

  private onMessage(f: Frame): void {
    if (f.type !== FrameType.message) throw new CodecError(`expected message frames, got frame type ${f.type}`);
    const m = decodeMessage(f.payload);
    const refused = this.host.deliver(m, this.hello!.from, f.payload.byteLength);
    if (refused !== null) throw new CodecError(refused);
  }

  private onSnapshotFrame(f: Frame): void {
    const from = this.hello!.from;
    const ctx = this.host.ctx;
    if (this.assembly === null) {
      if (f.type !== FrameType.snap_begin) throw new CodecError(`expected a snapshot begin frame, got frame type ${f.type}`);
      this.assembly = SnapshotAssembly.begin(f.payload, ctx.limits.snapshot_bytes_max, from, ctx.local.node_id);
      return;
    }
    if (f.type === FrameType.snap_chunk) {
      this.assembly.chunk(f.payload);
      return;
    }
    if (f.type !== FrameType.snap_end) throw new CodecError(`expected a snapshot chunk or end frame, got frame type ${f.type}`);
    const m = this.assembly.finish();
    this.assembly = null;
    const refused = this.host.deliver(m, from, m.snapshot?.data.byteLength ?? 0);
    if (refused !== null) throw new CodecError(refused);
    ctx.counters.of(from).snapshots_received++;
    this.finishWith(encodeFrame(FrameType.snap_ack, encodeSnapAck(true, "")));
  }
}
