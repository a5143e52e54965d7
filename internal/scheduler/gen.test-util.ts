// Seeded generators of clusters and pending work, and an independent checker of placement rules.
import { parseConstraint } from "./constraint.js";
import { intn, SeededRng } from "./rng.js";
import type { NodeView, PendingTask, PlaceResult, Rng } from "./types.js";

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[intn(rng, items.length)]!;
}

export interface ClusterShape {
  readonly nodes: number;
  /** Leave every node empty, ready and without ports or groups (for packing comparisons). */
  readonly empty?: boolean;
}

export function genCluster(rng: Rng, shape: ClusterShape): NodeView[] {
  return Array.from({ length: shape.nodes }, (_, i): NodeView => {
    const cpus = pick(rng, [2, 4, 8, 16]);
    const memory_bytes = pick(rng, [4, 8, 16, 32]) * GiB;
    const disk_bytes = pick(rng, [20, 50, 100]) * GiB;
    const empty = shape.empty === true;
    // A few nodes are over-committed already (a node that shrank): nothing may land there.
    const over = !empty && intn(rng, 50) === 0;
    const frac = (): number => (empty ? 0 : over ? 1 + intn(rng, 3) / 10 : intn(rng, 90) / 100);
    const attributes: Record<string, string> = { hostname: `host-${i}`, os: intn(rng, 5) === 0 ? "windows" : "linux", arch: intn(rng, 3) === 0 ? "arm64" : "amd64" };
    if (intn(rng, 6) !== 0) attributes.rack = `r${intn(rng, 4)}`;
    const groups: Record<string, number> = {};
    if (!empty) for (let g = 0; g < 10; g++) if (intn(rng, 12) === 0) groups[`g${g}`] = 1 + intn(rng, 2);
    return {
      node_id: `n${i}`,
      name: `host-${i}`,
      ready: empty || intn(rng, 10) !== 0,
      total: { cpus, memory_bytes, disk_bytes },
      used: { cpus: Math.round(cpus * frac() * 1000) / 1000, memory_bytes: Math.floor(memory_bytes * frac()), disk_bytes: Math.floor(disk_bytes * frac()) },
      attributes,
      ports_used: empty ? [] : [80, 443, 8080, 9000].filter(() => intn(rng, 8) === 0),
      groups,
    };
  });
}

/** Constraint sets a group may carry; zone==z1 matches no node on purpose. */
export const constraint_sets: readonly (readonly string[])[] = [
  [], [], [], ["os==linux"], ["arch!=arm64"], ["rack=~r[01]"], ["unique"], ["os==linux", "unique"],
  ["rack==r3"], ["zone==z1"], ["os!=windows", "arch=~amd64|arm64"], ["rack!=r2", "unique"],
];

export interface WorkShape {
  readonly tasks: number;
  readonly groups?: number;
  /** Only small tasks without constraints or ports (for packing comparisons). */
  readonly plain?: boolean;
}

export function genTasks(rng: Rng, shape: WorkShape): PendingTask[] {
  const groups = Array.from({ length: shape.groups ?? 10 }, (_, g) => ({
    group: `g${g}`,
    role: `role${g % 3}`,
    constraints: shape.plain === true ? [] : pick(rng, constraint_sets).map(parseConstraint),
    host_ports: shape.plain === true || intn(rng, 5) !== 0 ? [] : [pick(rng, [80, 8080, 9000])],
  }));
  return Array.from({ length: shape.tasks }, (_, i) => {
    const g = pick(rng, groups);
    const cpus = shape.plain === true ? pick(rng, [0.25, 0.5, 1]) : pick(rng, [0.1, 0.25, 0.5, 1, 2, 3]);
    return {
      task_id: `t${i}`,
      group: g.group,
      role: g.role,
      resources: { cpus, memory_bytes: pick(rng, [128, 256, 512, 1024, 4096]) * MiB, disk_bytes: pick(rng, [0, GiB]) },
      host_ports: g.host_ports,
      constraints: g.constraints,
    };
  });
}

export function seeded(seed: number): SeededRng {
  return new SeededRng(seed);
}

// ---- An independent model of the rules, written plainly so it can disagree with the scheduler. ----

export interface ModelNode {
  view: NodeView;
  free_cpu_millis: number;
  free_memory_bytes: number;
  free_disk_bytes: number;
  ports: Set<number>;
  groups: Map<string, number>;
}

export function modelOf(view: readonly NodeView[]): Map<string, ModelNode> {
  return new Map(view.map((v) => [v.node_id, {
    view: v,
    free_cpu_millis: Math.round(v.total.cpus * 1000) - Math.round(v.used.cpus * 1000),
    free_memory_bytes: v.total.memory_bytes - v.used.memory_bytes,
    free_disk_bytes: v.total.disk_bytes - v.used.disk_bytes,
    ports: new Set(v.ports_used),
    groups: new Map(Object.entries(v.groups)),
  }]));
}

function constraintHolds(text: string, attributes: Readonly<Record<string, string>>): boolean {
  const m = /^([^=!]+)(==|!=|=~)(.*)$/.exec(text);
  if (m === null) throw new Error(`model cannot read constraint ${text}`);
  const [, attr, op, value] = m as unknown as [string, string, string, string];
  const has = Object.prototype.hasOwnProperty.call(attributes, attr);
  const actual = has ? attributes[attr] : undefined;
  if (op === "==") return actual === value;
  if (op === "!=") return actual !== value;
  return actual !== undefined && new RegExp(`^(?:${value})$`).test(actual);
}

/** Why task t cannot go on node m now, or undefined when it can. */
export function blocker(m: ModelNode, t: PendingTask): string | undefined {
  if (!m.view.ready) return "node not ready";
  for (const c of t.constraints) {
    if (c.kind === "unique") {
      if ((m.groups.get(t.group) ?? 0) > 0) return `unique: group ${t.group} already there`;
    } else if (!constraintHolds(c.text, m.view.attributes)) return `constraint ${c.text} fails`;
  }
  for (const p of t.host_ports) if (m.ports.has(p)) return `port ${p} taken`;
  if (Math.round(t.resources.cpus * 1000) > m.free_cpu_millis) return "cpus over-committed";
  if (t.resources.memory_bytes > m.free_memory_bytes) return "memory over-committed";
  if (t.resources.disk_bytes > m.free_disk_bytes) return "disk over-committed";
  return undefined;
}

export function charge(m: ModelNode, t: PendingTask): void {
  m.free_cpu_millis -= Math.round(t.resources.cpus * 1000);
  m.free_memory_bytes -= t.resources.memory_bytes;
  m.free_disk_bytes -= t.resources.disk_bytes;
  for (const p of t.host_ports) m.ports.add(p);
  m.groups.set(t.group, (m.groups.get(t.group) ?? 0) + 1);
}

/**
 * Every rule place() promises, checked by replaying its placements in order on the model:
 * each placement legal when made (no over-commit, ports free, constraints, unique, ready),
 * every task answered exactly once, and no unplaced task fits any node at the end.
 */
export function violations(view: readonly NodeView[], pending: readonly PendingTask[], result: PlaceResult): string[] {
  const out: string[] = [];
  const model = modelOf(view);
  const tasks = new Map(pending.map((t) => [t.task_id, t]));
  const answered = new Set<string>();
  for (const p of result.placements) {
    const t = tasks.get(p.task_id);
    const m = model.get(p.node_id);
    if (t === undefined || m === undefined) {
      out.push(`placement ${p.task_id} → ${p.node_id} names an unknown task or node`);
      continue;
    }
    if (answered.has(p.task_id)) out.push(`task ${p.task_id} answered twice`);
    answered.add(p.task_id);
    const why = blocker(m, t);
    if (why !== undefined) out.push(`task ${p.task_id} on ${p.node_id}: ${why}`);
    charge(m, t);
  }
  for (const u of result.unplaced) {
    if (answered.has(u.task_id)) out.push(`task ${u.task_id} answered twice`);
    answered.add(u.task_id);
    if (u.reason.length === 0) out.push(`task ${u.task_id} unplaced without a reason`);
    const t = tasks.get(u.task_id);
    if (t === undefined) continue;
    for (const m of model.values()) {
      if (blocker(m, t) === undefined) {
        out.push(`task ${u.task_id} left unplaced ("${u.reason}") but fits ${m.view.node_id}`);
        break;
      }
    }
  }
  for (const t of pending) if (!answered.has(t.task_id)) out.push(`task ${t.task_id} never answered`);
  return out;
}

/** Runs one seeded case; anything it throws is rethrown with the seed, so the failure replays. */
export function withSeed<T>(seed: number, run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw new Error(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export { intn as intnOf } from "./rng.js";
