// checkPlan(): the plan applier's re-check of placements against the current view, entry by entry.
// Each accepted entry is charged before the next is checked, so an accepted set never over-commits
// a node even when two schedulers planned against the same older snapshot (as Nomad's applier).
import { attributesSatisfy } from "./constraint.js";
import { tasks_per_call_max } from "./limits.js";
import { NodeTable } from "./node-table.js";
import { dims, formatDim } from "./resources.js";
import { compileTask, type CompiledTask } from "./task-check.js";
import type { NodeView, PlanCheck, PlanEntry, StaleEntry } from "./types.js";

/**
 * `view` is the state the plan would commit onto: its `used`, `ports_used` and `groups` must not
 * yet include the plan's own tasks. Entries are checked in order; the first of a conflicting pair wins.
 */
export function checkPlan(view: readonly NodeView[], plan: readonly PlanEntry[]): PlanCheck {
  if (plan.length > tasks_per_call_max) {
    throw new RangeError(`checkPlan: ${plan.length} entries in one plan; the limit is tasks_per_call_max = ${tasks_per_call_max}`);
  }
  const table = new NodeTable(view);
  const seen = new Set<string>();
  const accepted: PlanEntry[] = [];
  const stale: StaleEntry[] = [];
  for (const entry of plan) {
    const checked = check(table, seen, entry);
    if (typeof checked === "string") {
      stale.push({ task_id: String(entry.task?.task_id), node_id: String(entry.node_id), reason: checked });
      continue;
    }
    table.take(checked.node, checked.task.need, entry.task.host_ports, entry.task.group);
    accepted.push(entry);
  }
  return { accepted, stale };
}

/** Why the entry is stale, or the node index and compiled task when it still holds. */
function check(table: NodeTable, seen: Set<string>, entry: PlanEntry): string | { node: number; task: CompiledTask } {
  const compiled = compileTask(entry.task);
  if (typeof compiled === "string") return compiled;
  const task = entry.task;
  if (seen.has(task.task_id)) return `task ${task.task_id} appears more than once in the plan; only its first placement was checked`;
  seen.add(task.task_id);
  const i = table.index.get(entry.node_id);
  if (i === undefined) return `node ${entry.node_id} is no longer in the cluster; place the task again`;
  const v = table.view(i);
  const node = `node ${v.name} (${v.node_id})`;
  if (!v.ready) return `${node} is down; place the task again`;
  const failed = compiled.attr_constraints.find((c) => !attributesSatisfy(c, v.attributes));
  if (failed !== undefined) return `${node} no longer satisfies ${failed.text}; place the task again`;
  if (compiled.unique && table.groupCount(i, task.group) > 0) {
    return `${node} already runs a task of group ${task.group} (unique); place the task again`;
  }
  const port = table.portConflict(i, task.host_ports);
  if (port !== undefined) return `port ${port} is already in use on ${node}; place the task again`;
  if (!table.fits(i, compiled.need)) {
    const free = table.free(i);
    const short = dims
      .filter((d) => compiled.need[d] > free[d])
      .map((d) => `${formatDim(d, Math.max(0, free[d]))} free, needs ${formatDim(d, compiled.need[d])}`);
    return `${node} has ${short.join("; ")}; place the task again`;
  }
  return { node: i, task: compiled };
}
