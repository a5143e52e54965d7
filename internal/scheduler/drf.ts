// Dominant Resource Fairness: a role's share is its largest fraction of any one cluster resource,
// divided by its weight; the role with the lowest weighted share is served next (Ghodsi et al. 2011).
import { MinHeap } from "./heap.js";
import { addInto, toAmount, zeroAmount, type Amount } from "./resources.js";
import type { PendingTask, Resources } from "./types.js";

/** What DRF needs to know about a role. A role missing from the map has weight 1 and nothing allocated. */
export interface RoleUsage {
  /** > 0; weight 2 is entitled to twice the share of weight 1. */
  readonly weight: number;
  /** Resources its tasks hold (and, in the allocator, resources offered to its frameworks). */
  readonly allocated: Resources;
}

/** The largest fraction of the cluster one resource of `allocated` takes; resources the cluster lacks are skipped. */
export function dominantShare(allocated: Amount, total: Amount): number {
  let share = 0;
  if (total.cpu_millis > 0) share = Math.max(share, allocated.cpu_millis / total.cpu_millis);
  if (total.memory_bytes > 0) share = Math.max(share, allocated.memory_bytes / total.memory_bytes);
  if (total.disk_bytes > 0) share = Math.max(share, allocated.disk_bytes / total.disk_bytes);
  return share;
}

interface Turn {
  readonly role: string;
  readonly weight: number;
  readonly allocated: Amount;
  readonly queue: PendingTask[];
  next: number;
  share: number;
}

/**
 * Orders pending tasks so roles take turns by DRF: each turn goes to the role with the lowest
 * weighted dominant share, counting the tasks already given turns as allocated; a role's own
 * tasks keep their order. Feed the result to place() so that, when the cluster cannot take
 * everything, each role gets its fair part rather than whoever queued first.
 * O(tasks × log roles).
 */
export function orderByDrf(pending: readonly PendingTask[], roles: ReadonlyMap<string, RoleUsage>, cluster_total: Resources): PendingTask[] {
  const total = toAmount(cluster_total);
  const turns = new Map<string, Turn>();
  for (const task of pending) {
    let turn = turns.get(task.role);
    if (turn === undefined) {
      const usage = roles.get(task.role);
      const weight = usage?.weight ?? 1;
      if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`orderByDrf: role ${task.role} has weight ${weight}; a weight is a finite number > 0`);
      const allocated = usage === undefined ? zeroAmount() : toAmount(usage.allocated);
      turn = { role: task.role, weight, allocated, queue: [], next: 0, share: dominantShare(allocated, total) / weight };
      turns.set(task.role, turn);
    }
    turn.queue.push(task);
  }
  // Equal shares (an empty cluster total, zero-size tasks) fall back to taking turns by name.
  const heap = new MinHeap<Turn>((a, b) => a.share < b.share || (a.share === b.share && (a.next < b.next || (a.next === b.next && a.role < b.role))));
  for (const turn of turns.values()) heap.push(turn);
  const out: PendingTask[] = [];
  for (let turn = heap.pop(); turn !== undefined; turn = heap.pop()) {
    const task = turn.queue[turn.next++]!;
    out.push(task);
    addInto(turn.allocated, toAmount(task.resources));
    turn.share = dominantShare(turn.allocated, total) / turn.weight;
    if (turn.next < turn.queue.length) heap.push(turn);
  }
  return out;
}
