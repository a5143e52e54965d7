// The mutable working copy of a cluster view: free resources, ports and group counts per node.
// place() and checkPlan() charge each task they accept here, so one call never over-commits.
import { nodes_max } from "./limits.js";
import { millicpus_per_cpu, resourcesProblem, type Amount } from "./resources.js";
import type { NodeView } from "./types.js";

const no_holders: ReadonlyMap<number, number> = new Map();

export class NodeTable {
  readonly count: number;
  readonly index = new Map<string, number>();
  // Struct of arrays: the fit index reads these in its hot loop.
  readonly total_cpu_millis: Float64Array;
  readonly total_memory_bytes: Float64Array;
  readonly total_disk_bytes: Float64Array;
  /** Invariant after every take(): free = total - used - taken >= 0 in each dimension it took from. */
  readonly free_cpu_millis: Float64Array;
  readonly free_memory_bytes: Float64Array;
  readonly free_disk_bytes: Float64Array;
  private readonly ports_base: ReadonlySet<number>[];
  private readonly ports_taken: (Set<number> | undefined)[];
  /** Group → node → tasks of the group there (view plus taken); built on first use. */
  private group_index: Map<string, Map<number, number>> | undefined;

  constructor(readonly views: readonly NodeView[]) {
    if (views.length > nodes_max) {
      throw new RangeError(`scheduler: ${views.length} nodes in one view; the limit is nodes_max = ${nodes_max}`);
    }
    const n = views.length;
    this.count = n;
    this.total_cpu_millis = new Float64Array(n);
    this.total_memory_bytes = new Float64Array(n);
    this.total_disk_bytes = new Float64Array(n);
    this.free_cpu_millis = new Float64Array(n);
    this.free_memory_bytes = new Float64Array(n);
    this.free_disk_bytes = new Float64Array(n);
    this.ports_base = new Array<ReadonlySet<number>>(n);
    this.ports_taken = new Array<Set<number> | undefined>(n).fill(undefined);
    for (let i = 0; i < n; i++) {
      const v = views[i]!;
      if (this.index.has(v.node_id)) throw new Error(`scheduler: node_id ${JSON.stringify(v.node_id)} appears twice in the view`);
      const problem = resourcesProblem(v.total, `node ${v.node_id} total`) ?? resourcesProblem(v.used, `node ${v.node_id} used`);
      if (problem !== undefined) throw new Error(`scheduler: ${problem}`);
      this.index.set(v.node_id, i);
      this.total_cpu_millis[i] = Math.round(v.total.cpus * millicpus_per_cpu);
      this.total_memory_bytes[i] = v.total.memory_bytes;
      this.total_disk_bytes[i] = v.total.disk_bytes;
      this.free_cpu_millis[i] = this.total_cpu_millis[i]! - Math.round(v.used.cpus * millicpus_per_cpu);
      this.free_memory_bytes[i] = v.total.memory_bytes - v.used.memory_bytes;
      this.free_disk_bytes[i] = v.total.disk_bytes - v.used.disk_bytes;
      this.ports_base[i] = v.ports_used instanceof Set ? v.ports_used : new Set(v.ports_used);
    }
  }

  view(i: number): NodeView {
    return this.views[i]!;
  }

  fits(i: number, need: Amount): boolean {
    return (
      need.cpu_millis <= this.free_cpu_millis[i]! &&
      need.memory_bytes <= this.free_memory_bytes[i]! &&
      need.disk_bytes <= this.free_disk_bytes[i]!
    );
  }

  free(i: number): Amount {
    return { cpu_millis: this.free_cpu_millis[i]!, memory_bytes: this.free_memory_bytes[i]!, disk_bytes: this.free_disk_bytes[i]! };
  }

  /** The first of `ports` already held on node i, or undefined when all are free. */
  portConflict(i: number, ports: readonly number[]): number | undefined {
    if (ports.length === 0) return undefined;
    const base = this.ports_base[i]!;
    const taken = this.ports_taken[i];
    for (const p of ports) if (base.has(p) || (taken?.has(p) ?? false)) return p;
    return undefined;
  }

  groupCount(i: number, group: string): number {
    return this.holders(group).get(i) ?? 0;
  }

  /** Node index → tasks of the group on it, for nodes holding at least one. Read-only for callers. */
  holders(group: string): ReadonlyMap<number, number> {
    return this.groupIndex().get(group) ?? no_holders;
  }

  private groupIndex(): Map<string, Map<number, number>> {
    if (this.group_index !== undefined) return this.group_index;
    const index = new Map<string, Map<number, number>>();
    for (let i = 0; i < this.count; i++) {
      const groups = this.views[i]!.groups;
      for (const g of Object.keys(groups)) {
        const c = groups[g];
        if (typeof c !== "number" || c <= 0) continue;
        let m = index.get(g);
        if (m === undefined) index.set(g, (m = new Map()));
        m.set(i, c);
      }
    }
    this.group_index = index;
    return index;
  }

  /** Fraction of the node in use after adding `extra`, summed over dimensions the node has. */
  loadAfter(i: number, extra: Amount): number {
    let load = 0;
    const tc = this.total_cpu_millis[i]!;
    const tm = this.total_memory_bytes[i]!;
    const td = this.total_disk_bytes[i]!;
    if (tc > 0) load += (tc - this.free_cpu_millis[i]! + extra.cpu_millis) / tc;
    if (tm > 0) load += (tm - this.free_memory_bytes[i]! + extra.memory_bytes) / tm;
    if (td > 0) load += (td - this.free_disk_bytes[i]! + extra.disk_bytes) / td;
    return load;
  }

  /** Charges a task to node i. The caller checked it fits; a miss here is a scheduler bug and stops. */
  take(i: number, need: Amount, ports: readonly number[], group: string): void {
    if (!this.fits(i, need)) {
      throw new Error(`scheduler invariant: taking ${JSON.stringify(need)} would over-commit node ${this.views[i]!.node_id}`);
    }
    const conflict = this.portConflict(i, ports);
    if (conflict !== undefined) {
      throw new Error(`scheduler invariant: port ${conflict} taken twice on node ${this.views[i]!.node_id}`);
    }
    this.free_cpu_millis[i] = this.free_cpu_millis[i]! - need.cpu_millis;
    this.free_memory_bytes[i] = this.free_memory_bytes[i]! - need.memory_bytes;
    this.free_disk_bytes[i] = this.free_disk_bytes[i]! - need.disk_bytes;
    if (ports.length > 0) {
      const taken = (this.ports_taken[i] ??= new Set<number>());
      for (const p of ports) taken.add(p);
    }
    const index = this.groupIndex();
    let m = index.get(group);
    if (m === undefined) index.set(group, (m = new Map()));
    m.set(i, (m.get(i) ?? 0) + 1);
  }
}
