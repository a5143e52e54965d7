// Per-peer counters for tests and metrics; plain numbers, only ever incremented.
import type { NodeId } from "../../raft/index.js";

export interface PeerCounters {
  messages_sent: number;
  messages_received: number;
  /** Dropped on send: queue full, frame over the limit, or snapshot already in flight. */
  messages_dropped: number;
  bytes_sent: number;
  bytes_received: number;
  /** Successful connections after the first one. */
  reconnects: number;
  dial_failures: number;
  /** The peer refused our hello (other cluster, wrong node id...). */
  handshake_refusals: number;
  snapshots_sent: number;
  snapshots_failed: number;
  snapshots_received: number;
}

export function newPeerCounters(): PeerCounters {
  return {
    messages_sent: 0,
    messages_received: 0,
    messages_dropped: 0,
    bytes_sent: 0,
    bytes_received: 0,
    reconnects: 0,
    dial_failures: 0,
    handshake_refusals: 0,
    snapshots_sent: 0,
    snapshots_failed: 0,
    snapshots_received: 0,
  };
}

/** Counters by peer id, created on first use. */
export class CounterBook {
  private readonly by_peer = new Map<NodeId, PeerCounters>();

  of(id: NodeId): PeerCounters {
    let c = this.by_peer.get(id);
    if (c === undefined) {
      c = newPeerCounters();
      this.by_peer.set(id, c);
    }
    return c;
  }

  /** A copy of one peer's counters, without creating them. */
  peek(id: NodeId): PeerCounters | undefined {
    const c = this.by_peer.get(id);
    return c === undefined ? undefined : { ...c };
  }

  ids(): NodeId[] {
    return [...this.by_peer.keys()];
  }

  snapshot(): Map<NodeId, PeerCounters> {
    return new Map([...this.by_peer].map(([id, c]) => [id, { ...c }]));
  }
}
