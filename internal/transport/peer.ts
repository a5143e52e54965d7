// The persistent outgoing message stream to one peer: bounded queue, dial, backoff, batched writes.
import type net from "node:net";
import type { Message, NodeId } from "../../raft/index.js";
import { formatAddress, type PeerAddress } from "./address.js";
import { Backoff } from "./backoff.js";
import type { TransportContext } from "./context.js";
import { dial, DialError, type Dialed } from "./dial.js";
import { errorText } from "./errors.js";
import { FrameQueue } from "./frame-queue.js";

export interface PeerSendStats {
  readonly connected: boolean;
  readonly queue_messages: number;
  readonly queue_bytes: number;
  /** Bytes handed to the socket and not yet flushed to the kernel (bounded by backpressure). */
  readonly socket_buffered_bytes: number;
}

/**
 * Proposals (MsgProp) get one guarantee the other messages do not need: when the transport
 * reports one dropped, no server received it and none ever will. A MsgProp is queued only while
 * the connection is up; written to the socket, it leaves `proposals` (from then on its fate is
 * unknown: the peer may have read it); still queued when the connection breaks or the sender
 * closes, it is taken out of the queue and reported, so a later reconnect cannot deliver it.
 */
export class PeerSender {
  private readonly queue: FrameQueue;
  /** MsgProp frames in the queue, not yet handed to any socket, with the message each carries. */
  private readonly proposals = new Map<Uint8Array, Message>();
  private readonly backoff: Backoff;
  /** The dialing or connected socket; null while waiting to redial. */
  private socket: net.Socket | null = null;
  private connected = false;
  /** write() returned false: wait for 'drain' before writing more. */
  private blocked = false;
  private flush_scheduled = false;
  private redial_timer: NodeJS.Timeout | null = null;
  private closed = false;
  private ever_connected = false;
  /** Failures since the last good connection; the first is logged at warn, the rest at debug. */
  private failures = 0;
  private drops_logged = false;
  private last_refusal: string | null = null;

  constructor(
    readonly id: NodeId,
    private address: PeerAddress,
    private readonly ctx: TransportContext,
  ) {
    this.queue = new FrameQueue(ctx.limits.send_queue_messages_max, ctx.limits.send_queue_bytes_max);
    this.backoff = new Backoff(ctx.limits, ctx.random);
    this.connect();
  }

  get peer_address(): PeerAddress {
    return this.address;
  }

  /** True while a handshaken connection is up (a frame queued now goes out on it, or is reported). */
  get is_connected(): boolean {
    return this.connected && !this.closed;
  }

  /**
   * Queues an encoded frame; false means the queue is full and the frame was dropped. A
   * proposal (its message given) is queued only while connected: see the class comment.
   */
  enqueue(frame: Uint8Array, proposal?: Message): boolean {
    if (this.closed) return false;
    if (proposal !== undefined && !this.connected) return false;
    if (!this.queue.push(frame)) {
      if (!this.drops_logged) {
        this.drops_logged = true;
        const l = this.ctx.limits;
        this.ctx.logger.warn(
          `transport: send queue to node ${this.id} is full (${this.queue.length} messages, ${this.queue.bytes} bytes; ` +
            `send_queue_messages_max = ${l.send_queue_messages_max}, send_queue_bytes_max = ${l.send_queue_bytes_max}); ` +
            `dropping messages until it drains, raft will retransmit`,
          { peer: this.id, connected: this.connected },
        );
      }
      return false;
    }
    if (proposal !== undefined) this.proposals.set(frame, proposal);
    this.scheduleFlush();
    return true;
  }

  stats(): PeerSendStats {
    return {
      connected: this.connected,
      queue_messages: this.queue.length,
      queue_bytes: this.queue.bytes,
      socket_buffered_bytes: this.socket?.writableLength ?? 0,
    };
  }

  /** A new address: drop the current connection and dial the new one (queued messages are kept). */
  setAddress(address: PeerAddress): void {
    if (address.host === this.address.host && address.port === this.address.port) return;
    this.ctx.logger.info(`transport: node ${this.id} moves from ${formatAddress(this.address)} to ${formatAddress(address)}`);
    this.address = address;
    if (this.redial_timer !== null) clearTimeout(this.redial_timer);
    this.redial_timer = null;
    this.socket?.destroy();
    this.socket = null;
    this.connected = false;
    this.blocked = false;
    this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.redial_timer !== null) clearTimeout(this.redial_timer);
    this.redial_timer = null;
    this.socket?.destroy();
    this.socket = null;
    this.connected = false;
    this.dropQueuedProposals();
    this.queue.clear();
  }

  /** Takes every proposal not yet written out of the queue and reports it: it will never be sent. */
  private dropQueuedProposals(): void {
    if (this.proposals.size === 0) return;
    const dropped = this.proposals;
    this.queue.removeWhere((frame) => dropped.has(frame));
    const c = this.ctx.counters.of(this.id);
    for (const m of dropped.values()) {
      c.messages_dropped++;
      this.ctx.reportDroppedProposal(m);
    }
    dropped.clear();
  }

  private connect(): void {
    if (this.closed || this.socket !== null) return;
    this.backoff.attempted(this.ctx.now_ms());
    const { socket, done } = dial(
      this.address,
      { kind: "messages", cluster_id: this.ctx.local.cluster_id, from: this.ctx.local.node_id, to: this.id },
      this.ctx.limits,
    );
    this.socket = socket;
    done.then(
      (d) => this.onConnected(d),
      (err: unknown) => this.onDialFailed(socket, err),
    );
  }

  private onConnected(d: Dialed): void {
    const s = d.socket;
    if (this.socket !== s || this.closed) {
      s.destroy();
      return;
    }
    this.connected = true;
    this.backoff.succeeded();
    const c = this.ctx.counters.of(this.id);
    if (this.ever_connected) c.reconnects++;
    const where = `node ${this.id} at ${formatAddress(this.address)}`;
    if (this.failures > 0) this.ctx.logger.info(`transport: reconnected to ${where} after ${this.failures} failed attempts`);
    else this.ctx.logger.debug(`transport: connected to ${where}`);
    this.ever_connected = true;
    this.failures = 0;
    s.setKeepAlive(true, this.ctx.limits.keepalive_ms);
    // The listener never writes on a message stream after accepting: bytes here mean a confused peer.
    s.on("data", () => this.lost(s, "it sent data on a send-only stream"));
    s.on("error", (err) => this.lost(s, err.message));
    s.on("close", () => this.lost(s, "the connection closed"));
    s.resume();
    this.flush();
  }

  private onDialFailed(socket: net.Socket, err: unknown): void {
    if (this.socket !== socket) return; // cancelled: closed, or moved to another address
    this.socket = null;
    const c = this.ctx.counters.of(this.id);
    c.dial_failures++;
    const refused = err instanceof DialError && err.refused !== undefined;
    if (refused) c.handshake_refusals++;
    this.failed(`transport: ${errorText(err)}`, refused);
  }

  private lost(s: net.Socket, reason: string): void {
    if (this.socket !== s) return;
    this.socket = null;
    this.connected = false;
    this.blocked = false;
    s.destroy();
    this.dropQueuedProposals();
    this.failed(`transport: lost the connection to node ${this.id} at ${formatAddress(this.address)}: ${reason}`, false);
  }

  private failed(text: string, refused: boolean): void {
    if (this.closed) return;
    this.failures++;
    const last_refusal = this.last_refusal;
    this.last_refusal = refused ? text : null;
    const delay_ms = this.backoff.nextDelayMs(this.ctx.now_ms());
    const fields = { peer: this.id, attempt: this.failures, retry_in_ms: delay_ms };
    // A refusal is a configuration problem a person must fix: keep it visible, not just the first time.
    if (refused && (text !== last_refusal || this.failures % 10 === 0)) this.ctx.logger.error(text, fields);
    else if (this.failures === 1) this.ctx.logger.warn(text, fields);
    else this.ctx.logger.debug(text, fields);
    this.ctx.reportUnreachable(this.id);
    this.redial_timer = setTimeout(() => {
      this.redial_timer = null;
      this.connect();
    }, delay_ms);
    this.redial_timer.unref();
  }

  /** Writes what is queued now (one corked write) instead of on the next tick. */
  flushNow(): void {
    this.flush();
  }

  private scheduleFlush(): void {
    if (this.flush_scheduled) return;
    this.flush_scheduled = true;
    // Deferred so every message queued in this turn goes out in one corked write.
    process.nextTick(() => {
      this.flush_scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const s = this.socket;
    if (!this.connected || s === null || this.blocked) return;
    const c = this.ctx.counters.of(this.id);
    let ok = true;
    s.cork();
    // Bounded by the queue length; stops early when the socket asks us to wait.
    while (ok) {
      const frame = this.queue.shift();
      if (frame === undefined) break;
      // Handed to the socket: the peer may read it, so it is never reported dropped from here on.
      if (this.proposals.size > 0) this.proposals.delete(frame);
      ok = s.write(frame);
      c.messages_sent++;
      c.bytes_sent += frame.byteLength;
    }
    s.uncork();
    if (this.queue.length === 0) this.drops_logged = false;
    if (!ok) {
      this.blocked = true;
      s.once("drain", () => {
        if (this.socket !== s) return;
        this.blocked = false;
        this.flush();
      });
    }
  }
}
