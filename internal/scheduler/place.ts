// place(): assigns pending tasks to nodes of a view, a pure function (view + pending → plan).
//
// Per task: the nodes that pass its attribute constraints come from a fit index (a max-tree in
// strategy order, built once per distinct constraint set), which finds feasible nodes in about
// log(n) steps; at most `candidates_scored` feasible nodes are scored and the best one is charged
// before the next task is looked at, so one call never over-commits a node.
//
// Within one call nodes only fill up, so a node that cannot take a task of some shape (resources,
// ports, group if unique, constraints) can never take a later task of that same shape. binpack
// keeps, per shape, the position before which no node fits, and a shape that failed once fails
// again at once with the same reason. That keeps 100,000 tasks over 10,000 nodes to about a second.
import { Explainer } from "./explain.js";
import { FilterIndex, type Filter } from "./filter-index.js";
import { attributesSatisfy } from "./constraint.js";
import type { FitTree } from "./fit-tree.js";
import {
  candidates_scored_default_max,
  candidates_scored_default_min,
  candidates_scored_max,
  tasks_per_call_max,
} from "./limits.js";
import { NodeTable } from "./node-table.js";
import { compileTask, type CompiledTask } from "./task-check.js";
import type { NodeView, PendingTask, PlaceOptions, PlaceResult, Placement, Strategy, Unplaced } from "./types.js";

/** What one call remembers per task shape. */
interface Shape {
  /** binpack: no node before this position of the shape's index fits it (nodes only fill up). */
  start: number;
  /** Set when the shape fit no node: later tasks of the shape cannot fit either. */
  reason: string | undefined;
}

export function place(view: readonly NodeView[], pending: readonly PendingTask[], options: PlaceOptions): PlaceResult {
  if (pending.length > tasks_per_call_max) {
    throw new RangeError(`place: ${pending.length} tasks in one call; the limit is tasks_per_call_max = ${tasks_per_call_max}`);
  }
  const strategy: Strategy = options.strategy ?? "binpack";
  if (strategy !== "binpack" && strategy !== "spread") {
    throw new RangeError(`place: strategy ${JSON.stringify(strategy)} is not "binpack" or "spread"`);
  }
  const table = new NodeTable(view);
  const k = candidatesScored(options.candidates_scored, table.count);
  const filters = new FilterIndex(table, strategy, options.rng);
  const shapes = new Map<string, Shape>();
  const seen = new Set<string>();
  const placements: Placement[] = [];
  const unplaced: Unplaced[] = [];
  const explainer = new Explainer(table);

  for (const task of pending) {
    if (seen.has(task.task_id)) {
      unplaced.push({ task_id: task.task_id, reason: `task_id ${task.task_id} appears more than once in this call; it was considered once` });
      continue;
    }
    seen.add(task.task_id);
    const compiled = compileTask(task);
    if (typeof compiled === "string") {
      unplaced.push({ task_id: task.task_id, reason: compiled });
      continue;
    }
    const filter = filters.get(compiled);
    const key = shapeKey(compiled);
    let shape = shapes.get(key);
    if (shape === undefined) {
      shape = { start: 0, reason: undefined };
      shapes.set(key, shape);
    }
    if (shape.reason !== undefined) {
      unplaced.push({ task_id: task.task_id, reason: shape.reason });
      continue;
    }
    const accept = acceptor(table, filter, compiled);
    const node = strategy === "binpack" ? pickBinpack(table, filter.tree, shape, k, compiled, accept) : pickSpread(table, filter, k, compiled, accept);
    if (node < 0) {
      shape.reason = explainer.explain(compiled);
      unplaced.push({ task_id: task.task_id, reason: shape.reason });
      continue;
    }
    table.take(node, compiled.need, task.host_ports, task.group);
    filters.update(node);
    placements.push({ task_id: task.task_id, node_id: table.view(node).node_id });
  }
  return { placements, unplaced };
}

function candidatesScored(asked: number | undefined, nodes: number): number {
  if (asked !== undefined) {
    if (!Number.isInteger(asked) || asked < 1 || asked > candidates_scored_max) {
      throw new RangeError(`place: candidates_scored must be a whole number from 1 to ${candidates_scored_max} (got ${asked})`);
    }
    return asked;
  }
  const log = Math.ceil(Math.log2(Math.max(nodes, 1)));
  return Math.min(candidates_scored_default_max, Math.max(candidates_scored_default_min, log));
}

/** Everything a node's feasibility depends on besides free resources, plus the request itself. */
function shapeKey(t: CompiledTask): string {
  const n = t.need;
  return `${t.filter_key}\u0000${n.cpu_millis},${n.memory_bytes},${n.disk_bytes}\u0000${t.task.host_ports.join(",")}\u0000${t.unique ? t.task.group : ""}`;
}

const always = (): boolean => true;

/** The per-node checks the fit index cannot do: unique, ports, and constraints on a shared index. */
function acceptor(table: NodeTable, filter: Filter, t: CompiledTask): (node: number) => boolean {
  const ports = t.task.host_ports;
  if (!filter.check_attributes && !t.unique && ports.length === 0) return always;
  // Fetched per task: take() may replace the map between tasks, never during one search.
  const holders = table.holders(t.task.group);
  return (node) =>
    (!filter.check_attributes || t.attr_constraints.every((c) => attributesSatisfy(c, table.view(node).attributes))) &&
    (!t.unique || !holders.has(node)) &&
    table.portConflict(node, ports) === undefined;
}

/** The fullest of the first k feasible nodes in fullest-first order; -1 when none fits. */
function pickBinpack(table: NodeTable, tree: FitTree, shape: Shape, k: number, t: CompiledTask, accept: (node: number) => boolean): number {
  const { cpu_millis, memory_bytes, disk_bytes } = t.need;
  let p = tree.firstFit(shape.start, tree.length, cpu_millis, memory_bytes, disk_bytes, accept);
  if (p < 0) return -1;
  shape.start = p;
  let best = tree.order[p]!;
  let best_load = table.loadAfter(best, t.need);
  for (let n = 1; n < k; n++) {
    p = tree.firstFit(p + 1, tree.length, cpu_millis, memory_bytes, disk_bytes, accept);
    if (p < 0) break;
    const node = tree.order[p]!;
    const load = table.loadAfter(node, t.need);
    if (load > best_load) {
      best = node;
      best_load = load;
    }
  }
  return best;
}

/** Of k feasible nodes from the index's cursor on, the one with fewest tasks of the group, then least load. */
function pickSpread(table: NodeTable, filter: Filter, k: number, t: CompiledTask, accept: (node: number) => boolean): number {
  const tree = filter.tree;
  const { cpu_millis, memory_bytes, disk_bytes } = t.need;
  const group = t.task.group;
  const cursor = filter.cursor < tree.length ? filter.cursor : 0;
  let best = -1;
  let best_pos = -1;
  let best_group = 0;
  let best_load = 0;
  let found = 0;
  for (const [from, to] of [[cursor, tree.length], [0, cursor]] as const) {
    let p = from;
    while (found < k) {
      p = tree.firstFit(p, to, cpu_millis, memory_bytes, disk_bytes, accept);
      if (p < 0) break;
      const node = tree.order[p]!;
      const in_group = table.groupCount(node, group);
      const load = table.loadAfter(node, t.need);
      if (best < 0 || in_group < best_group || (in_group === best_group && load < best_load)) {
        best = node;
        best_pos = p;
        best_group = in_group;
        best_load = load;
      }
      found++;
      p++;
    }
  }
  if (best >= 0) filter.cursor = best_pos + 1;
  return best;
}
