// ReadOnly: ReadIndex requests waiting for a heartbeat quorum that confirms leadership.
import type { Message, NodeId } from "./types.js";

export interface ReadIndexStatus {
  readonly req: Message;
  readonly index: number;
  readonly acks: Set<NodeId>;
}

function key(ctx: Uint8Array): string {
  let s = "";
  for (const b of ctx) s += String.fromCharCode(b);
  return s;
}

/** Requests in arrival order; a heartbeat ack for one request confirms all before it. */
export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  size(): number {
    return this.queue.length;
  }

  /** Queue a read at commit index `index`; a duplicate context is ignored. */
  addRequest(index: number, m: Message): void {
    const k = key(m.context);
    if (this.pending.has(k)) return;
    this.pending.set(k, { req: m, index, acks: new Set() });
    this.queue.push(k);
  }

  /** Record an ack for ctx and return the acks so far (undefined if unknown). */
  recvAck(id: NodeId, ctx: Uint8Array): ReadonlySet<NodeId> | undefined {
    const rs = this.pending.get(key(ctx));
    if (rs === undefined) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /** Dequeue every request up to and including ctx; they are all confirmed. */
  advance(ctx: Uint8Array): ReadIndexStatus[] {
    const k = key(ctx);
    const i = this.queue.indexOf(k);
    if (i < 0) return [];
    const done = this.queue.slice(0, i + 1);
    this.queue = this.queue.slice(i + 1);
    const out: ReadIndexStatus[] = [];
    for (const q of done) {
      const rs = this.pending.get(q);
      if (rs !== undefined) out.push(rs);
      this.pending.delete(q);
    }
    return out;
  }

  /** The context of the newest pending request, if any. */
  lastPendingContext(): Uint8Array | undefined {
    const k = this.queue[this.queue.length - 1];
    return k === undefined ? undefined : this.pending.get(k)?.req.context;
  }
}
