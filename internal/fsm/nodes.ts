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

  get(node_id: string): NodeRecord | undefined {
    return this.rows.get(node_id);
  }

  byName(name: string): NodeRecord | undefined {
    for (const n of this.rows.values()) if (n.name === name) return n;
    return undefined;
  }

  all(): NodeRecord[] {
    return [...this.rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get size(): number {
    return this.rows.size;
  }

  upsert(n: NodeRecord): void {
    this.rows.set(n.node_id, n);
  }

  clear(): void {
    this.rows.clear();
  }
}
