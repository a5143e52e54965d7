// Why a task fits no node, summarised across nodes: counts per cause, the dominant cause first.
//   "no node has 2 cpus free: 3 nodes exhausted on cpus, 1 filtered by constraint os==windows, 1 down; ..."
// Static causes (down, constraints) are counted once per constraint set; the rest is one tight
// pass over the nodes that pass the constraints, so even a thousand explanations stay cheap.
import { attributesSatisfy } from "./constraint.js";
import { reason_causes_max, unplaced_explained_max } from "./limits.js";
import type { NodeTable } from "./node-table.js";
import { dims, dim_names, formatAmount, formatDim } from "./resources.js";
import type { CompiledTask } from "./task-check.js";

interface Cause {
  readonly label: string;
  readonly headline: string;
  readonly hint: string;
  /** Breaks ties between equal counts: resources first, down last. */
  readonly rank: number;
  readonly count: number;
}

interface StaticCounts {
  readonly down: number;
  /** Nodes failing each constraint (counted under the first one they fail), by constraint text. */
  readonly filtered: ReadonlyMap<string, number>;
  readonly passing: Int32Array;
}

export class Explainer {
  private readonly statics = new Map<string, StaticCounts>();
  private explained = 0;

  constructor(private readonly table: NodeTable) {}

  /** The reason for a task that fit no node; past unplaced_explained_max, a brief one. */
  explain(task: CompiledTask): string {
    if (this.table.count === 0) return "no nodes have registered; start an agent with `orch agent --join SERVERS`";
    if (this.explained >= unplaced_explained_max) return explainBriefly(task);
    this.explained++;
    return render(this.causes(task));
  }

  private causes(task: CompiledTask): Cause[] {
    const t = this.table;
    const s = this.staticCounts(task);
    const causes: Cause[] = [];
    const { need, unique } = task;
    const group = task.task.group;
    const ports = task.task.host_ports;
    const short = [0, 0, 0];
    const port_counts = new Map<number, number>();
    let held = 0;
    const holders = t.holders(group);
    for (const i of s.passing) {
      if (unique && holders.has(i)) {
        held++;
        continue;
      }
      if (ports.length > 0) {
        const p = t.portConflict(i, ports);
        if (p !== undefined) {
          port_counts.set(p, (port_counts.get(p) ?? 0) + 1);
          continue;
        }
      }
      // Counted under the dimension the node lacks most, relative to the request.
      const d = worstShortfall(need.cpu_millis, t.free_cpu_millis[i]!, need.memory_bytes, t.free_memory_bytes[i]!, need.disk_bytes, t.free_disk_bytes[i]!);
      if (d < 0) throw new Error(`scheduler invariant: task ${task.task.task_id} was left unplaced but fits node ${t.view(i).node_id}`);
      short[d]!++;
    }
    dims.forEach((d, k) => {
      const count = short[k]!;
      if (count > 0) causes.push({ label: `exhausted on ${dim_names[d]}`, headline: `no node has ${formatDim(d, need[d])} free`, hint: "add nodes or ask for less", rank: 0, count });
    });
    for (const [p, count] of port_counts) {
      causes.push({ label: `port ${p} in use`, headline: `no node has port ${p} free`, hint: "free the port or let the task use a dynamic port", rank: 1, count });
    }
    if (held > 0) {
      causes.push({ label: `already running group ${group} (unique)`, headline: `every eligible node already runs a task of group ${group} (unique)`, hint: "add nodes or run fewer replicas", rank: 2, count: held });
    }
    for (const [text, count] of s.filtered) {
      causes.push({ label: `filtered by constraint ${text}`, headline: `no node satisfies ${text}`, hint: "compare the constraint with `orch nodes`", rank: 3, count });
    }
    if (s.down > 0) causes.push({ label: "down", headline: "no node is ready", hint: "start or repair agents", rank: 4, count: s.down });
    return causes;
  }

  private staticCounts(task: CompiledTask): StaticCounts {
    const found = this.statics.get(task.filter_key);
    if (found !== undefined) return found;
    const t = this.table;
    let down = 0;
    const filtered = new Map<string, number>();
    const passing: number[] = [];
    for (let i = 0; i < t.count; i++) {
      const v = t.view(i);
      if (!v.ready) {
        down++;
        continue;
      }
      const failed = task.attr_constraints.find((c) => !attributesSatisfy(c, v.attributes));
      if (failed === undefined) passing.push(i);
      else filtered.set(failed.text, (filtered.get(failed.text) ?? 0) + 1);
    }
    const counts = { down, filtered, passing: Int32Array.from(passing) };
    this.statics.set(task.filter_key, counts);
    return counts;
  }
}

/** The reason when the explanation budget is spent: the request, without per-node counts. */
export function explainBriefly(task: CompiledTask): string {
  return `no node fits ${formatAmount(task.need)} with the task's constraints and ports (per-node causes not counted: over ${unplaced_explained_max} task shapes failed in one call); add nodes or ask for less`;
}

function render(causes: Cause[]): string {
  causes.sort((a, b) => b.count - a.count || a.rank - b.rank || (a.label < b.label ? -1 : 1));
  const top = causes[0]!;
  const shown = causes.slice(0, reason_causes_max).map((c, k) => (k === 0 ? `${c.count} ${c.count === 1 ? "node" : "nodes"} ${c.label}` : `${c.count} ${c.label}`));
  const rest = causes.slice(reason_causes_max).reduce((sum, c) => sum + c.count, 0);
  if (rest > 0) shown.push(`${rest} for other causes`);
  return `${top.headline}: ${shown.join(", ")}; ${top.hint}`;
}

/** Index into dims of the largest relative shortfall, or -1 when everything fits. */
function worstShortfall(nc: number, fc: number, nm: number, fm: number, nd: number, fd: number): number {
  // Unrolled, no closure: this runs once per node per explanation.
  let worst = -1;
  let worst_ratio = -1;
  if (nc > fc) {
    worst = 0;
    worst_ratio = nc > 0 ? (nc - fc) / nc : Infinity;
  }
  if (nm > fm) {
    const r = nm > 0 ? (nm - fm) / nm : Infinity;
    if (r > worst_ratio) {
      worst = 1;
      worst_ratio = r;
    }
  }
  if (nd > fd) {
    const r = nd > 0 ? (nd - fd) / nd : Infinity;
    if (r > worst_ratio) worst = 2;
  }
  return worst;
}
