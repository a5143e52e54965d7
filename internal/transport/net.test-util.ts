// Helpers for the TCP tests: transports on 127.0.0.1 with recorders, and a bounded wait.
import type { Message, NodeId, SnapshotStatus } from "../../raft/index.js";
import type { TransportLimits } from "./limits.js";
import { MemoryLogger } from "./logger.js";
import { Transport } from "./transport.js";

export const HOST = "127.0.0.1";

/** Fast reconnects so the suite stays quick. */
export const test_limits: Partial<TransportLimits> = {
  reconnect_backoff_ms_min: 5,
  reconnect_backoff_ms_max: 50,
  dial_timeout_ms: 2000,
  handshake_timeout_ms: 2000,
};

export interface TestNode {
  readonly id: NodeId;
  readonly t: Transport;
  readonly log: MemoryLogger;
  readonly received: Message[];
  readonly unreachable: NodeId[];
  readonly snapshot_status: [NodeId, SnapshotStatus][];
  readonly address: string;
}

export interface NodeOptions {
  readonly cluster_id?: string;
  readonly limits?: Partial<TransportLimits>;
  readonly port?: number;
}

const open: Transport[] = [];

export async function startNode(id: NodeId, o: NodeOptions = {}): Promise<TestNode> {
  const log = new MemoryLogger();
  const t = new Transport({
    cluster_id: o.cluster_id ?? "test-cluster",
    node_id: id,
    listen_host: HOST,
    listen_port: o.port ?? 0,
    limits: { ...test_limits, ...o.limits },
    logger: log,
    random: () => 0.5,
  });
  open.push(t);
  await t.start();
  const n: TestNode = { id, t, log, received: [], unreachable: [], snapshot_status: [], address: t.address() };
  t.onMessage((m) => n.received.push(m));
  t.onUnreachable((peer) => n.unreachable.push(peer));
  t.onSnapshotStatus((peer, s) => n.snapshot_status.push([peer, s]));
  return n;
}

/** Every node knows every other. */
export function mesh(nodes: readonly TestNode[]): void {
  for (const a of nodes) for (const b of nodes) if (a !== b) a.t.addPeer(b.id, b.address);
}

export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((t) => t.close()));
}

/** Polls until `cond` holds; fails naming `what` after timeout_ms (the loop is bounded by it). */
export async function waitFor(what: string, cond: () => boolean, timeout_ms = 5000): Promise<void> {
  const deadline = Date.now() + timeout_ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout_ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
