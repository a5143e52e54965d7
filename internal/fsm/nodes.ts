// The replicated table of agent nodes: what each offers, its attributes, and whether it is alive.
import type { NodeResources } from "../api/agent.js";

export type NodeStatus = "ready" | "down";

export interface NodeRecord {
  node_id: string;
  name: string;
  http_addr: string;
  resources: NodeResources;
  attributes: Record<string, string>;
  driver: "docker" | "mock";
  version: string;
  status: NodeStatus;
  /** Why the node is in its status, for `orch nodes`. */
  status_reason: string;
  registered_at_ms: number;
  status_at_ms: number;
}

export class NodeTable {
  private readonly rows = new Map<string, NodeRecord>();
  /** Name → ids of rows with that name (several only while older ones are down). */
  private readonly by_name = new Map<string, Set<string>>();
  /** Insertion order of each id: byName answers the first row in table order, as a scan would. */
  private readonly seq = new Map<string, number>();
  private next_seq = 0;
  /** Rows sorted by name, rebuilt only after an upsert (10,000 nodes take milliseconds to sort). */
  private sorted: NodeRecord[] | undefined;

  get(node_id: string): NodeRecord | undefined {
    return this.rows.get(node_id);
  }

  byName(name: string): NodeRecord | undefined {
    const ids = this.by_name.get(name);
    if (ids === undefined) return undefined;
    let first: string | undefined;
    for (const id of ids) if (first === undefined || this.seq.get(id)! < this.seq.get(first)!) first = id;
    return first === undefined ? undefined : this.rows.get(first);
  }

  /** Every row sorted by name; a fresh array the caller may keep or change. */
  all(): NodeRecord[] {
    this.sorted ??= [...this.rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.sorted.slice();
  }

  get size(): number {
    return this.rows.size;
  }

  upsert(n: NodeRecord): void {
    const cur = this.rows.get(n.node_id);
    if (cur === undefined) this.seq.set(n.node_id, this.next_seq++);
    if (cur === undefined || cur.name !== n.name) {
      if (cur !== undefined) this.unindexName(cur.name, n.node_id);
      let ids = this.by_name.get(n.name);
      if (ids === undefined) this.by_name.set(n.name, (ids = new Set()));
      ids.add(n.node_id);
    }
    this.rows.set(n.node_id, n);
    if (cur !== n) this.sorted = undefined;
  }

  clear(): void {
    this.rows.clear();
    this.by_name.clear();
    this.seq.clear();
    this.next_seq = 0;
    this.sorted = undefined;
  }

  private unindexName(name: string, node_id: string): void {
    const ids = this.by_name.get(name);
    if (ids === undefined) return;
    ids.delete(node_id);
    if (ids.size === 0) this.by_name.delete(name);
  }
}
