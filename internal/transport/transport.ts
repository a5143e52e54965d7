// The server-to-server Raft transport: listener, one sender per peer, snapshot streams, handlers.
import net from "node:net";
import { isLocalMsg, type Message, type NodeId, type SnapshotStatus } from "../../raft/index.js";
import { formatAddress, parseAddress, type PeerAddress } from "./address.js";
import type { TransportContext } from "./context.js";
import { CounterBook, newPeerCounters, type PeerCounters } from "./counters.js";
import { errorText, TransportConfigError } from "./errors.js";
import { encodeMessageFrame } from "./frame.js";
import { CLUSTER_ID_BYTES_MAX } from "./handshake.js";
import { InboundConnection, type InboundHost } from "./inbound.js";
import { compileLimits, type TransportLimits } from "./limits.js";
import { silentLogger, type Logger } from "./logger.js";
import { PeerSender, type PeerSendStats } from "./peer.js";
import { sendSnapshot, type SnapshotSend } from "./snapshot-sender.js";

export interface TransportOptions {
  readonly cluster_id: string;
  /** This server's raft node id, non-zero. */
  readonly node_id: NodeId;
  /** Address to listen on; tests use "127.0.0.1". */
  readonly listen_host: string;
  /** 0 picks a free port (see address() after start()). */
  readonly listen_port: number;
  readonly limits?: Partial<TransportLimits>;
  readonly logger?: Logger;
  /** Uniform in [0, 1) for reconnect jitter; Math.random by default. */
  readonly random?: () => number;
}

export type MessageHandler = (m: Message) => void;
export type UnreachableHandler = (id: NodeId) => void;
export type SnapshotStatusHandler = (id: NodeId, status: SnapshotStatus) => void;
export type DroppedProposalHandler = (m: Message) => void;

export interface PeerStats extends PeerCounters, PeerSendStats {
  readonly snapshot_in_flight: boolean;
}

export interface TransportStats {
  readonly inbound_connections: number;
  readonly snapshot_receives: number;
  /** Messages sent to ids that are not peers (dropped). */
  readonly messages_dropped_unknown_peer: number;
  readonly peers: ReadonlyMap<NodeId, PeerStats>;
}

export class Transport {
  readonly limits: TransportLimits;
  private readonly ctx: TransportContext;
  private readonly logger: Logger;
  private readonly counters = new CounterBook();
  private readonly peers = new Map<NodeId, PeerSender>();
  private readonly snapshots = new Map<NodeId, SnapshotSend>();
  private readonly removed = new Set<NodeId>();
  private readonly inbound = new Set<InboundConnection>();
  private readonly message_streams = new Map<NodeId, InboundConnection>();
  private readonly message_handlers = new Set<MessageHandler>();
  private readonly unreachable_handlers = new Set<UnreachableHandler>();
  private readonly snapshot_handlers = new Set<SnapshotStatusHandler>();
  private readonly dropped_proposal_handlers = new Set<DroppedProposalHandler>();
  private snapshot_receives = 0;
  private dropped_unknown_peer = 0;
  private server: net.Server | null = null;
  private bound: PeerAddress | null = null;
  private closed = false;

  constructor(options: TransportOptions) {
    if (!Number.isSafeInteger(options.node_id) || options.node_id <= 0) {
      throw new TransportConfigError(`node_id = ${options.node_id} must be a positive integer`);
    }
    const cluster_bytes = new TextEncoder().encode(options.cluster_id).byteLength;
    if (cluster_bytes === 0 || cluster_bytes > CLUSTER_ID_BYTES_MAX) {
      throw new TransportConfigError(`cluster_id ${JSON.stringify(options.cluster_id)} must be 1..${CLUSTER_ID_BYTES_MAX} bytes`);
    }
    this.limits = compileLimits(options.limits);
    this.logger = options.logger ?? silentLogger;
    this.listen = { host: options.listen_host, port: options.listen_port };
    this.ctx = {
      local: { cluster_id: options.cluster_id, node_id: options.node_id },
      limits: this.limits,
      logger: this.logger,
      counters: this.counters,
      random: options.random ?? Math.random,
      now_ms: () => Date.now(),
      reportUnreachable: (id) => this.emitLater(() => this.emitUnreachable(id)),
      reportDroppedProposal: (m) => this.emitLater(() => this.emitDroppedProposal(m)),
    };
    this.inboundHost = this.makeInboundHost();
  }

  private readonly listen: PeerAddress;
  private readonly inboundHost: InboundHost;

  get node_id(): NodeId {
    return this.ctx.local.node_id;
  }

  /** Starts listening; resolves with the bound address (the real port when listen_port was 0). */
  async start(): Promise<PeerAddress> {
    if (this.server !== null || this.closed) throw new TransportConfigError("start() may be called once, before close()");
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: this.listen.host, port: this.listen.port }, () => {
        server.off("error", reject);
        resolve();
      });
    }).catch((err: unknown) => {
      this.server = null;
      throw new TransportConfigError(`cannot listen on ${formatAddress(this.listen)}: ${errorText(err)}`);
    });
    server.on("error", (err) => this.logger.error(`transport: listener error: ${err.message}`));
    const a = server.address() as net.AddressInfo;
    this.bound = { host: a.address, port: a.port };
    this.logger.info(`transport: node ${this.node_id} listening on ${formatAddress(this.bound)}`);
    return this.bound;
  }

  /** The bound address, as "host:port" to give to other nodes' addPeer. */
  address(): string {
    if (this.bound === null) throw new TransportConfigError("address() needs start() first");
    return formatAddress(this.bound);
  }

  /** Starts a persistent connection to a peer. Throws if the id is already a peer or the address is bad. */
  addPeer(id: NodeId, address: string): void {
    if (this.closed) return;
    if (!Number.isSafeInteger(id) || id <= 0 || id === this.node_id) {
      throw new TransportConfigError(`peer id ${id} must be a positive integer other than this node's id ${this.node_id}`);
    }
    if (this.peers.has(id)) throw new TransportConfigError(`peer ${id} is already added; use updatePeer to change its address`);
    const parsed = parseAddress(address);
    this.removed.delete(id);
    this.peers.set(id, new PeerSender(id, parsed, this.ctx));
  }

  /** Changes a peer's address; the connection is re-established there. */
  updatePeer(id: NodeId, address: string): void {
    const peer = this.peers.get(id);
    if (peer === undefined) throw new TransportConfigError(`updatePeer: ${id} is not a peer; addPeer it first`);
    peer.setAddress(parseAddress(address));
  }

  /** Forgets a peer: closes its connections, drops its queue, and refuses it from now on (until addPeer). */
  removePeer(id: NodeId): void {
    this.peers.get(id)?.close();
    this.peers.delete(id);
    this.snapshots.get(id)?.cancel("the peer was removed");
    this.removed.add(id);
    this.message_streams.get(id)?.close(`node ${id} was removed`, "debug");
  }

  hasPeer(id: NodeId): boolean {
    return this.peers.has(id);
  }

  /**
   * Queues messages for their peers and returns at once. A message whose queue is full is
   * dropped and its peer reported unreachable; MsgSnap goes on its own stream and its outcome
   * comes back through onSnapshotStatus. Handlers are never called from inside send().
   */
  send(messages: readonly Message[]): void {
    if (this.closed) {
      for (const m of messages) if (m.type === "MsgProp") this.ctx.reportDroppedProposal(m);
      return;
    }
    const unreachable = new Set<NodeId>();
    const touched = new Set<PeerSender>();
    for (const m of messages) {
      const peer = this.peers.get(m.to);
      if (isLocalMsg(m.type) || m.to === this.node_id) {
        this.logger.error(`transport: refusing to send ${m.type} to ${m.to}: local messages never leave the node (driver bug)`);
        continue;
      }
      const proposal = m.type === "MsgProp" ? m : undefined;
      if (peer === undefined) {
        this.dropped_unknown_peer++;
        this.logger.debug(`transport: dropped ${m.type} to unknown peer ${m.to}`);
        if (proposal !== undefined) this.ctx.reportDroppedProposal(proposal);
        continue;
      }
      const c = this.counters.of(m.to);
      if (m.type === "MsgSnap") {
        this.startSnapshot(m, peer);
        continue;
      }
      let frame: Uint8Array;
      try {
        frame = encodeMessageFrame(m, this.limits.frame_bytes_max);
      } catch (err) {
        c.messages_dropped++;
        this.logger.error(`transport: cannot send ${m.type} to ${m.to}: ${errorText(err)}`);
        if (proposal !== undefined) this.ctx.reportDroppedProposal(proposal);
        continue;
      }
      // A proposal for a peer that is not connected now is dropped at once, not queued for a
      // reconnect that may never come (the leader was killed): its waiter hears at once.
      const was_connected = peer.is_connected;
      if (!peer.enqueue(frame, proposal)) {
        c.messages_dropped++;
        if (proposal !== undefined) this.ctx.reportDroppedProposal(proposal);
        if (proposal === undefined || was_connected) unreachable.add(m.to);
      } else touched.add(peer);
    }
    // Out now, in one write per peer: a leader sends its appends just before it writes the same
    // entries to its own disk, and waiting for the next tick put that write in the way.
    for (const peer of touched) peer.flushNow();
    for (const id of unreachable) this.emitLater(() => this.emitUnreachable(id));
  }

  /** Registers a handler for every message received; returns a function that unregisters it. */
  onMessage(handler: MessageHandler): () => void {
    return register(this.message_handlers, handler);
  }

  /** Called when a peer could not be reached (dial failure, lost connection, full queue). */
  onUnreachable(handler: UnreachableHandler): () => void {
    return register(this.unreachable_handlers, handler);
  }

  /**
   * Called for each MsgProp the transport discarded without handing it to a socket (peer unknown
   * or not connected, queue full, connection lost or transport closed before it was written):
   * no server received it and none ever will, so its proposal cannot be in any log.
   */
  onProposalDropped(handler: DroppedProposalHandler): () => void {
    return register(this.dropped_proposal_handlers, handler);
  }

  /** Called once per MsgSnap sent: "finish" when the peer acknowledged it, "failure" otherwise. */
  onSnapshotStatus(handler: SnapshotStatusHandler): () => void {
    return register(this.snapshot_handlers, handler);
  }

  /** Counters of one peer (zeros if nothing happened yet). */
  peerStats(id: NodeId): PeerStats {
    const send = this.peers.get(id)?.stats() ?? { connected: false, queue_messages: 0, queue_bytes: 0, socket_buffered_bytes: 0 };
    return { ...newPeerCounters(), ...this.counters.peek(id), ...send, snapshot_in_flight: this.snapshots.has(id) };
  }

  stats(): TransportStats {
    const ids = new Set<NodeId>([...this.peers.keys(), ...this.counters.ids()]);
    return {
      inbound_connections: this.inbound.size,
      snapshot_receives: this.snapshot_receives,
      messages_dropped_unknown_peer: this.dropped_unknown_peer,
      peers: new Map([...ids].map((id) => [id, this.peerStats(id)])),
    };
  }

  /** Stops listening and closes every connection; queued messages are discarded. No handler runs after it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.peers.values()) p.close();
    this.peers.clear();
    for (const s of this.snapshots.values()) s.cancel("the transport is closing");
    for (const c of this.inbound) c.destroy();
    const server = this.server;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.logger.debug(`transport: node ${this.node_id} closed`);
  }

  private accept(socket: net.Socket): void {
    if (this.closed || this.inbound.size >= this.limits.inbound_connections_max) {
      this.logger.warn(
        `transport: refused a connection from ${socket.remoteAddress ?? "?"}: ` +
          (this.closed ? "closing" : `inbound_connections_max = ${this.limits.inbound_connections_max} reached`),
      );
      socket.destroy();
      return;
    }
    this.inbound.add(new InboundConnection(socket, this.inboundHost));
  }

  private makeInboundHost(): InboundHost {
    return {
      ctx: this.ctx,
      isRemoved: (id) => this.removed.has(id),
      acquireSnapshotSlot: () => {
        if (this.snapshot_receives >= this.limits.snapshot_receives_max) return false;
        this.snapshot_receives++;
        return true;
      },
      releaseSnapshotSlot: () => {
        this.snapshot_receives--;
      },
      adoptMessageStream: (from, conn) => {
        const old = this.message_streams.get(from);
        this.message_streams.set(from, conn);
        old?.close(`replaced by a newer connection from node ${from}`, "debug");
      },
      deliver: (m, from, frame_bytes) => this.deliver(m, from, frame_bytes),
      forget: (conn) => {
        this.inbound.delete(conn);
        const from = conn.from;
        if (from !== null && this.message_streams.get(from) === conn) this.message_streams.delete(from);
      },
    };
  }

  private deliver(m: Message, from: NodeId, frame_bytes: number): string | null {
    // Raft forwards client requests with their origin kept (the leader answers a read to the
    // node that asked), so a request may arrive on the stream of the node that passed it on.
    const forwarded = m.type === "MsgProp" || m.type === "MsgReadIndex" || m.type === "MsgTransferLeader";
    if (m.from !== from && !forwarded) return `${m.type} claims to come from node ${m.from} on the stream of node ${from}`;
    if (m.to !== this.node_id) return `${m.type} is addressed to node ${m.to}, but this is node ${this.node_id}`;
    if (isLocalMsg(m.type)) return `${m.type} is a local message and never travels between nodes`;
    if (this.closed) return null;
    const c = this.counters.of(from);
    c.messages_received++;
    c.bytes_received += frame_bytes;
    for (const h of this.message_handlers) {
      try {
        h(m);
      } catch (err) {
        this.logger.error(`transport: onMessage handler threw on ${m.type} from ${from}: ${errorText(err)}`);
      }
    }
    return null;
  }

  private startSnapshot(m: Message, peer: PeerSender): void {
    const c = this.counters.of(m.to);
    if (this.snapshots.has(m.to)) {
      c.messages_dropped++;
      this.logger.warn(`transport: dropped a MsgSnap to ${m.to}: a snapshot to it is still streaming`);
      return;
    }
    let send: SnapshotSend;
    try {
      send = sendSnapshot(m, peer.peer_address, this.ctx);
    } catch (err) {
      c.snapshots_failed++;
      this.logger.error(`transport: cannot send a snapshot to ${m.to}: ${errorText(err)}`);
      this.emitLater(() => this.emitSnapshot(m.to, "failure"));
      return;
    }
    this.snapshots.set(m.to, send);
    const bytes = m.snapshot?.data.byteLength ?? 0;
    this.logger.info(`transport: streaming a snapshot of ${bytes} bytes (index ${m.snapshot?.metadata.index}) to ${m.to}`);
    send.done.then(
      () => {
        this.snapshots.delete(m.to);
        c.snapshots_sent++;
        c.messages_sent++;
        c.bytes_sent += bytes;
        this.logger.info(`transport: snapshot to ${m.to} delivered`);
        this.emitSnapshot(m.to, "finish");
      },
      (err: unknown) => {
        this.snapshots.delete(m.to);
        c.snapshots_failed++;
        this.logger.warn(`transport: snapshot to ${m.to} failed: ${errorText(err)}`);
        this.emitSnapshot(m.to, "failure");
      },
    );
  }

  private emitLater(fn: () => void): void {
    queueMicrotask(fn);
  }

  private emitUnreachable(id: NodeId): void {
    if (this.closed || !this.peers.has(id)) return;
    for (const h of this.unreachable_handlers) {
      try {
        h(id);
      } catch (err) {
        this.logger.error(`transport: onUnreachable handler threw for ${id}: ${errorText(err)}`);
      }
    }
  }

  /** Unlike the other events, reported after close() too: a waiter on the proposal must hear. */
  private emitDroppedProposal(m: Message): void {
    for (const h of this.dropped_proposal_handlers) {
      try {
        h(m);
      } catch (err) {
        this.logger.error(`transport: onProposalDropped handler threw: ${errorText(err)}`);
      }
    }
  }

  private emitSnapshot(id: NodeId, status: SnapshotStatus): void {
    if (this.closed || !this.peers.has(id)) return;
    for (const h of this.snapshot_handlers) {
      try {
        h(id, status);
      } catch (err) {
        this.logger.error(`transport: onSnapshotStatus handler threw for ${id}: ${errorText(err)}`);
      }
    }
  }
}

function register<H>(set: Set<H>, handler: H): () => void {
  set.add(handler);
  return () => {
    set.delete(handler);
  };
}
