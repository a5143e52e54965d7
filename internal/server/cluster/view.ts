// Builds the scheduler's NodeView from the replicated tables: what each node holds right now.
import { assignments_per_node_max } from "../../api/agent.js";
import type { NodeRecord } from "../../fsm/nodes.js";
import type { StateMachine } from "../../fsm/state.js";
import { isTerminalState, type TaskRecord } from "../../fsm/tasks.js";
import type { NodeView, PendingTask } from "../../scheduler/types.js";
import { parseConstraints } from "../../scheduler/constraint.js";
import type { ServiceSpec } from "../../fsm/services.js";

/** Tasks that hold resources on their node: not ended (a KILLING task still runs). */
export function holdsResources(t: TaskRecord): boolean {
  return !isTerminalState(t.state);
}

export function nodeViews(fsm: StateMachine): NodeView[] {
  return fsm.nodes.all().map((n) => nodeView(fsm, n));
}

function nodeView(fsm: StateMachine, n: NodeRecord): NodeView {
  let cpus = 0;
  let memory_bytes = 0;
  let disk_bytes = 0;
  const ports = new Set<number>();
  const groups: Record<string, number> = {};
  const records = fsm.tasks.onNode(n.node_id);
  for (const t of records) {
    if (!holdsResources(t)) continue;
    cpus += t.spec.cpus;
    memory_bytes += t.spec.memory_bytes;
    disk_bytes += fsm.services.get(t.service)?.spec.disk_bytes ?? 0;
    for (const p of t.spec.ports ?? []) if (p.host_port !== 0) ports.add(p.host_port);
    groups[t.service] = (groups[t.service] ?? 0) + 1;
  }
  return {
    node_id: n.node_id,
    name: n.name,
    // A node whose assignment list is full (the state machine and the agent refuse more) takes nothing new.
    ready: n.status === "ready" && records.length < assignments_per_node_max,
    total: n.resources,
    used: { cpus, memory_bytes, disk_bytes },
    attributes: n.attributes,
    ports_used: ports,
    groups,
  };
}

/**
 * nodeViews() kept between evaluations: a view is rebuilt only when its node changed (the state
 * machine counts touches) or a service it counts changed its disk_bytes. With 10,000 nodes and
 * 100,000 tasks a full rebuild costs tens of ms on every evaluation; this costs a pass of lookups.
 * Same result as nodeViews(fsm), same order; the views are shared, so callers must not change them.
 */
export class NodeViewCache {
  private readonly views = new Map<string, { view: NodeView; at: number }>();
  /** disk_bytes of each service as last counted into a view. */
  private readonly disk_counted = new Map<string, number>();

  constructor(private readonly fsm: StateMachine) {}

  current(): NodeView[] {
    this.dropStaleDisk();
    const nodes = this.fsm.nodes.all();
    const out = new Array<NodeView>(nodes.length);
    for (let i = 0; i < nodes.length; i++) out[i] = this.viewOf(nodes[i]!);
    if (this.views.size > nodes.length) this.forgetMissing(nodes);
    return out;
  }

  /** The views of just these nodes (those still in the cluster), e.g. the nodes one plan touches. */
  viewsOf(node_ids: Iterable<string>): NodeView[] {
    this.dropStaleDisk();
    const out: NodeView[] = [];
    for (const id of new Set(node_ids)) {
      const n = this.fsm.nodes.get(id);
      if (n !== undefined) out.push(this.viewOf(n));
    }
    return out;
  }

  private viewOf(n: NodeRecord): NodeView {
    const fsm = this.fsm;
    let c = this.views.get(n.node_id);
    if (c === undefined || fsm.nodeChangedAt(n.node_id) > c.at) {
      const view = nodeView(fsm, n);
      for (const service of Object.keys(view.groups)) if (!this.disk_counted.has(service)) this.disk_counted.set(service, fsm.services.get(service)?.spec.disk_bytes ?? 0);
      c = { view, at: fsm.change_generation };
      this.views.set(n.node_id, c);
    }
    return c.view;
  }

  /** A service whose disk_bytes changed invalidates the views that counted it. */
  private dropStaleDisk(): void {
    const fsm = this.fsm;
    for (const [service, disk_bytes] of this.disk_counted) {
      const now = fsm.services.get(service)?.spec.disk_bytes ?? 0;
      if (now === disk_bytes) continue;
      for (const t of fsm.tasks.ofService(service)) this.views.delete(t.node_id);
      this.disk_counted.set(service, now);
    }
  }

  /** After a restore the table may have lost nodes: drop their views. */
  private forgetMissing(nodes: readonly NodeRecord[]): void {
    const live = new Set(nodes.map((n) => n.node_id));
    for (const id of this.views.keys()) if (!live.has(id)) this.views.delete(id);
  }
}

export function pendingTask(task_id: string, spec: ServiceSpec): PendingTask {
  return {
    task_id,
    group: spec.name,
    role: spec.role,
    resources: { cpus: spec.cpus, memory_bytes: spec.memory_bytes, disk_bytes: spec.disk_bytes },
    host_ports: spec.ports.map((p) => p.host_port).filter((p) => p !== 0),
    constraints: parseConstraints(spec.constraints),
  };
}

/** The view with `entries` charged to their nodes (a new array; untouched nodes are shared). */
export function withPlacements(view: NodeView[], entries: readonly { task: PendingTask; node_id: string }[]): NodeView[] {
  if (entries.length === 0) return view;
  const by = new Map<string, PendingTask[]>();
  for (const e of entries) {
    const list = by.get(e.node_id);
    if (list === undefined) by.set(e.node_id, [e.task]);
    else list.push(e.task);
  }
  return view.map((n) => {
    const add = by.get(n.node_id);
    if (add === undefined) return n;
    const used = { cpus: n.used.cpus, memory_bytes: n.used.memory_bytes, disk_bytes: n.used.disk_bytes };
    const ports = new Set(n.ports_used);
    const groups = { ...n.groups };
    for (const t of add) {
      used.cpus += t.resources.cpus;
      used.memory_bytes += t.resources.memory_bytes;
      used.disk_bytes += t.resources.disk_bytes;
      for (const p of t.host_ports) ports.add(p);
      groups[t.group] = (groups[t.group] ?? 0) + 1;
    }
    return { ...n, used, ports_used: ports, groups };
  });
}
