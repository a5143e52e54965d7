// A max-tree over nodes in a fixed order: finds the first node from a position with enough free
// cpu, memory and disk in O(log n) steps, so placement never scans every node per task.
import type { NodeTable } from "./node-table.js";

export class FitTree {
  /** Leaves, a power of two; leaf p holds the node at position p of `order`. */
  private readonly size: number;
  // Per tree vertex: the largest free amount of any node below it (per dimension, independently,
  // so a vertex can promise more than one node has; the leaf check settles it).
  private readonly cpu: Float64Array;
  private readonly memory: Float64Array;
  private readonly disk: Float64Array;
  /** Node index → position in `order`, or -1 when the node is not in this tree. */
  private readonly position: Int32Array;
  // The query in flight, kept in fields so the recursion allocates nothing.
  private q_from = 0;
  private q_to = 0;
  private q_cpu = 0;
  private q_memory = 0;
  private q_disk = 0;
  private q_accept: (node: number) => boolean = () => true;

  constructor(readonly order: Int32Array, private readonly table: NodeTable) {
    let size = 1;
    while (size < order.length) size *= 2;
    this.size = size;
    this.cpu = new Float64Array(2 * size).fill(-Infinity);
    this.memory = new Float64Array(2 * size).fill(-Infinity);
    this.disk = new Float64Array(2 * size).fill(-Infinity);
    this.position = new Int32Array(table.count).fill(-1);
    for (let p = 0; p < order.length; p++) {
      const node = order[p]!;
      this.position[node] = p;
      this.cpu[size + p] = table.free_cpu_millis[node]!;
      this.memory[size + p] = table.free_memory_bytes[node]!;
      this.disk[size + p] = table.free_disk_bytes[node]!;
    }
    for (let v = size - 1; v >= 1; v--) this.pull(v);
  }

  get length(): number {
    return this.order.length;
  }

  /** Re-reads node's free amounts after the table charged it; no-op if the node is not here. */
  update(node: number): void {
    const p = this.position[node]!;
    if (p < 0) return;
    let v = this.size + p;
    this.cpu[v] = this.table.free_cpu_millis[node]!;
    this.memory[v] = this.table.free_memory_bytes[node]!;
    this.disk[v] = this.table.free_disk_bytes[node]!;
    for (v >>= 1; v >= 1; v >>= 1) this.pull(v);
  }

  /** The first position in [from, to) whose node has the amounts free and passes accept; -1 if none. */
  firstFit(from: number, to: number, cpu: number, memory: number, disk: number, accept: (node: number) => boolean): number {
    if (from >= to) return -1;
    this.q_from = from;
    this.q_to = to;
    this.q_cpu = cpu;
    this.q_memory = memory;
    this.q_disk = disk;
    this.q_accept = accept;
    return this.search(1, 0, this.size);
  }

  private search(v: number, lo: number, hi: number): number {
    if (hi <= this.q_from || lo >= this.q_to) return -1;
    if (this.cpu[v]! < this.q_cpu || this.memory[v]! < this.q_memory || this.disk[v]! < this.q_disk) return -1;
    if (hi - lo === 1) return this.q_accept(this.order[lo]!) ? lo : -1;
    const mid = (lo + hi) >>> 1;
    const left = this.search(2 * v, lo, mid);
    return left >= 0 ? left : this.search(2 * v + 1, mid, hi);
  }

  private pull(v: number): void {
    this.cpu[v] = Math.max(this.cpu[2 * v]!, this.cpu[2 * v + 1]!);
    this.memory[v] = Math.max(this.memory[2 * v]!, this.memory[2 * v + 1]!);
    this.disk[v] = Math.max(this.disk[2 * v]!, this.disk[2 * v + 1]!);
  }
}
