// Handlers for nodes, services and tasks: registration, liveness, status updates, plans.
// Deterministic: times come from the command envelope, ids from the leader's plan.
import type { StatusUpdate } from "../api/agent.js";
import { assignments_per_node_max } from "../api/agent.js";
import type { CommandPayloads, CommandType, NewTask } from "./commands.js";
import type { NodeRecord } from "./nodes.js";
import type { ServiceRecord } from "./services.js";
import { isTerminalState, type TaskEvent, type TaskRecord } from "./tasks.js";
import { frameworkTaskChanged } from "./framework-handlers.js";
import { charge, heldBy, overLimit, roleOf } from "./role-limits.js";
import type { ApplyResult, Tables } from "./tables.js";

type P<T extends CommandType> = CommandPayloads[T];

export function applyNodeRegister(s: Tables, at_ms: number, c: P<typeof CommandType.node_register>): ApplyResult {
  const same_name = s.nodes.byName(c.name);
  if (same_name !== undefined && same_name.node_id !== c.node_id && same_name.status === "ready") {
    return { ok: false, code: "rejected", message: `a live node is already named ${c.name} (${same_name.node_id}): give this agent another --name` };
  }
  const cur = s.nodes.get(c.node_id);
  const n: NodeRecord = {
    node_id: c.node_id,
    name: c.name,
    http_addr: c.http_addr,
    resources: c.resources,
    attributes: c.attributes,
    driver: c.driver,
    version: c.version,
    status: "ready",
    status_reason: cur === undefined ? "registered" : cur.status === "down" ? "came back after being down" : "re-registered",
    registered_at_ms: cur?.registered_at_ms ?? at_ms,
    status_at_ms: cur?.status === "ready" ? cur.status_at_ms : at_ms,
  };
  s.nodes.upsert(n);
  s.touch(n.node_id);
  return { ok: true, node: n };
}

export function applyNodeStatus(s: Tables, index: number, at_ms: number, c: P<typeof CommandType.node_status>): ApplyResult {
  const n = s.nodes.get(c.node_id);
  if (n === undefined) return { ok: false, code: "rejected", message: `no node ${c.node_id}` };
  if (n.status === c.status) return { ok: true, node: n };
  n.status = c.status;
  n.status_reason = c.reason;
  n.status_at_ms = at_ms;
  if (c.status === "down") {
    for (const t of s.tasks.onNode(n.node_id)) {
      if (isTerminalState(t.state)) continue;
      const ev = { state: "LOST", reason: "node_down", message: `node ${n.name} went down (${c.reason}); the task is replaced elsewhere if its service wants it`, at_ms } as const;
      endTask(s, t, ev);
      frameworkTaskChanged(s, index, t, ev, "SOURCE_MASTER");
    }
  }
  s.touch(n.node_id);
  return { ok: true, node: n };
}

export function applyTaskStatus(s: Tables, index: number, c: P<typeof CommandType.task_status>): ApplyResult {
  const acked: string[] = [];
  for (const u of c.updates) {
    acked.push(u.update_id);
    const t = s.tasks.get(u.task_id);
    if (t === undefined || t.node_id !== c.node_id || u.seq <= t.last_seq) continue;
    t.last_seq = u.seq;
    if (isTerminalState(t.state)) continue; // an ended task stays ended; the agent stops what still runs
    const desired = t.desired;
    const state = t.state;
    applyObserved(s, t, u);
    if (t.state !== state) frameworkTaskChanged(s, index, t, t.history[t.history.length - 1]!, "SOURCE_AGENT");
    // The node's assignment list changes only when a task's desired state does (it ended);
    // a plain status change must not resend the whole list to the agent.
    if (t.desired !== desired) s.touch(c.node_id);
    else if (isTerminalState(t.state)) s.changed();
  }
  return { ok: true, acked };
}

function applyObserved(s: Tables, t: TaskRecord, u: StatusUpdate): void {
  const st = u.status;
  if (st.container_id !== undefined) t.container_id = st.container_id;
  if (st.ports !== undefined) t.ports = st.ports;
  if (st.exit_code !== undefined) t.exit_code = st.exit_code;
  const ev = { state: st.state, reason: st.reason, message: st.message, at_ms: u.at_ms };
  if (isTerminalState(st.state)) endTask(s, t, ev);
  else if (t.state !== st.state || t.reason !== st.reason) s.tasks.transition(t, ev);
}

/** A task reached a terminal state: count it against its service. */
function endTask(s: Tables, t: TaskRecord, ev: TaskEvent): void {
  s.tasks.transition(t, ev);
  const svc = s.services.get(t.service);
  if (svc === undefined) return;
  if (ev.state === "FINISHED") svc.completions += 1;
  else if (ev.state === "FAILED" || ev.state === "LOST") svc.failures += 1;
  svc.updated_at_ms = ev.at_ms;
}

export function applyServicePut(s: Tables, index: number, at_ms: number, c: P<typeof CommandType.service_put>): ApplyResult {
  const cur = s.services.get(c.spec.name);
  const svc: ServiceRecord =
    cur === undefined
      ? { spec: c.spec, state: "running", created_at_ms: at_ms, updated_at_ms: at_ms, version: index, tasks_made: 0, restarts: 0, completions: 0, failures: 0, pending_reason: "", pending_count: 0 }
      : { ...cur, spec: c.spec, state: "running", updated_at_ms: at_ms, version: index, restarts: 0, completions: 0, failures: 0 };
  s.services.upsert(svc);
  s.changed();
  return { ok: true, service: svc };
}

export function applyServiceStop(s: Tables, at_ms: number, c: P<typeof CommandType.service_stop>): ApplyResult {
  const svc = s.services.get(c.name);
  if (svc === undefined) return { ok: false, code: "unknown", message: `no service or job named ${c.name}` };
  svc.state = "stopped";
  svc.updated_at_ms = at_ms;
  svc.pending_reason = "";
  svc.pending_count = 0;
  for (const t of s.tasks.ofService(c.name)) stopTask(s, t);
  s.changed();
  return { ok: true, service: svc };
}

export function applyServiceScale(s: Tables, at_ms: number, c: P<typeof CommandType.service_scale>): ApplyResult {
  const svc = s.services.get(c.name);
  if (svc === undefined) return { ok: false, code: "unknown", message: `no service named ${c.name}` };
  if (svc.spec.kind !== "service") return { ok: false, code: "rejected", message: `${c.name} is a job; only services scale` };
  svc.spec = { ...svc.spec, count: c.count };
  svc.state = "running";
  svc.updated_at_ms = at_ms;
  s.changed();
  return { ok: true, service: svc };
}

/** What a node's tasks hold, as the plan handler counts it (the same count as the scheduler's node views). */
interface NodeHold {
  cpus: number;
  memory_bytes: number;
  disk_bytes: number;
  ports: Set<number>;
  /** Task records the node's assignment list carries (ended ones until forgotten): the agent refuses more than assignments_per_node_max. */
  records: number;
}

/** Resources compare in thousandths of a CPU and whole bytes, as the scheduler does: no float drift. */
const milli = (cpus: number): number => Math.round(cpus * 1000);

function holdOf(s: Tables, node_id: string): NodeHold {
  const h: NodeHold = { cpus: 0, memory_bytes: 0, disk_bytes: 0, ports: new Set(), records: 0 };
  for (const t of s.tasks.onNode(node_id)) {
    h.records += 1;
    if (isTerminalState(t.state)) continue;
    h.cpus += milli(t.spec.cpus);
    h.memory_bytes += t.spec.memory_bytes;
    h.disk_bytes += s.services.get(t.service)?.spec.disk_bytes ?? 0;
    for (const p of t.spec.ports ?? []) if (p.host_port !== 0) h.ports.add(p.host_port);
  }
  return h;
}

/** Why the task cannot go onto the node now, or undefined when it fits. */
function misfit(s: Tables, node: NodeRecord, h: NodeHold, nt: NewTask): string | undefined {
  if (node.status !== "ready") return `node ${node.name} is ${node.status}`;
  if (h.records + 1 > assignments_per_node_max) return `node ${node.name} already carries ${h.records} tasks (assignments_per_node_max ${assignments_per_node_max})`;
  const total = node.resources;
  if (h.cpus + milli(nt.spec.cpus) > milli(total.cpus)) return `node ${node.name} has ${(milli(total.cpus) - h.cpus) / 1000} CPUs free, the task needs ${nt.spec.cpus}`;
  if (h.memory_bytes + nt.spec.memory_bytes > total.memory_bytes) return `node ${node.name} has ${total.memory_bytes - h.memory_bytes} bytes of memory free, the task needs ${nt.spec.memory_bytes}`;
  const disk_bytes = s.services.get(nt.service)?.spec.disk_bytes ?? 0;
  if (disk_bytes > 0 && h.disk_bytes + disk_bytes > total.disk_bytes) return `node ${node.name} has ${total.disk_bytes - h.disk_bytes} bytes of disk free, the task needs ${disk_bytes}`;
  for (const p of nt.spec.ports ?? []) if (p.host_port !== 0 && h.ports.has(p.host_port)) return `port ${p.host_port} is already taken on node ${node.name}`;
  return undefined;
}

/**
 * Commits a plan's placements, stops and service bookkeeping. The plan applier checked the plan
 * against the latest state it knew; this checks each placement again against the state it lands
 * on, entry by entry, so that no sequence of commands (two writers, a plan from an old leader, a
 * node that went down meanwhile) puts more on a node than it has. What no longer fits is dropped
 * and reported; deterministic, as every server applies the same entries to the same state.
 */
export function applyPlan(s: Tables, at_ms: number, c: P<typeof CommandType.plan_apply>): ApplyResult {
  let placed = 0;
  const dropped: { task_id: string; reason: string }[] = [];
  const holds = new Map<string, NodeHold>();
  // Roles with a limit (quota) that this plan places tasks of: what they hold now.
  const limited = new Set(c.tasks.map((nt) => roleOf(s, nt)).filter((r) => Object.keys(s.roles.get(r)?.limit ?? {}).length > 0));
  const role_held = heldBy(s, limited);
  for (const nt of c.tasks) {
    if (s.tasks.get(nt.task_id) !== undefined) continue; // already placed: a repeated plan changes nothing
    const node = s.nodes.get(nt.node_id);
    let why: string | undefined;
    let h: NodeHold | undefined;
    const framework = nt.framework !== undefined ? s.frameworks.get(nt.framework.framework_id) : undefined;
    if (nt.framework !== undefined) {
      if (framework === undefined) why = `framework ${nt.framework.framework_id} is no longer registered`;
    } else if (s.services.get(nt.service) === undefined) why = `service ${nt.service} no longer exists`;
    if (why !== undefined) {
      dropped.push({ task_id: nt.task_id, reason: why });
      continue;
    }
    const role = roleOf(s, nt);
    const need = { cpus: nt.spec.cpus, memory_bytes: nt.spec.memory_bytes, disk_bytes: s.services.get(nt.service)?.spec.disk_bytes ?? 0 };
    const role_holds = role_held.get(role);
    if (node === undefined) why = `node ${nt.node_id} is no longer in the cluster`;
    else {
      h = holds.get(nt.node_id) ?? holdOf(s, nt.node_id);
      holds.set(nt.node_id, h);
      why = misfit(s, node, h, nt);
    }
    if (why === undefined && role_holds !== undefined) why = overLimit(role, s.roles.get(role)!.limit, role_holds, need);
    if (why !== undefined || node === undefined || h === undefined) {
      dropped.push({ task_id: nt.task_id, reason: why ?? "unplaceable" });
      continue;
    }
    if (role_holds !== undefined) charge(role_holds, need);
    h.records += 1;
    h.cpus += milli(nt.spec.cpus);
    h.memory_bytes += nt.spec.memory_bytes;
    h.disk_bytes += s.services.get(nt.service)?.spec.disk_bytes ?? 0;
    for (const p of nt.spec.ports ?? []) if (p.host_port !== 0) h.ports.add(p.host_port);
    s.tasks.insert({
      task_id: nt.task_id,
      service: nt.service,
      version: nt.version,
      node_id: nt.node_id,
      spec: nt.spec,
      desired: "running",
      state: "STAGING",
      reason: "pending",
      message: `placed on ${node.name}`,
      last_seq: 0,
      created_at_ms: at_ms,
      updated_at_ms: at_ms,
      ended_at_ms: 0,
      history: [{ state: "STAGING", reason: "pending", message: `placed on ${node.name}`, at_ms }],
      ...(nt.framework !== undefined ? { framework: { ...nt.framework, pending: [] } } : {}),
      ...(nt.grace_ms !== undefined ? { grace_ms: nt.grace_ms } : {}),
    });
    if (framework !== undefined) {
      const seq = Number(nt.task_id.slice(nt.task_id.lastIndexOf(".") + 1));
      if (Number.isSafeInteger(seq)) framework.tasks_made = Math.max(framework.tasks_made, seq);
    }
    s.touch(nt.node_id);
    placed += 1;
  }
  for (const st of c.stops) {
    const t = s.tasks.get(st.task_id);
    if (t !== undefined) stopTask(s, t);
  }
  for (const u of c.services) {
    const svc = s.services.get(u.name);
    if (svc === undefined) continue;
    svc.tasks_made = Math.max(svc.tasks_made, u.tasks_made);
    svc.restarts = u.restarts;
    svc.pending_reason = u.pending_reason;
    svc.pending_count = u.pending_count;
    if (u.state !== undefined && svc.state === "running") svc.state = u.state;
  }
  s.changed();
  return { ok: true, placed, dropped };
}

export function applyTaskStop(s: Tables, c: P<typeof CommandType.task_stop>): ApplyResult {
  const t = s.tasks.get(c.task_id);
  if (t === undefined) return { ok: false, code: "unknown", message: `no task ${c.task_id}` };
  stopTask(s, t);
  return { ok: true, task: t };
}

export function applyTasksForget(s: Tables, c: P<typeof CommandType.tasks_forget>): ApplyResult {
  let forgotten = 0;
  for (const id of c.task_ids) {
    const t = s.tasks.get(id);
    if (t === undefined || !isTerminalState(t.state)) continue;
    s.tasks.delete(id);
    s.touch(t.node_id);
    forgotten += 1;
  }
  s.changed();
  return { ok: true, placed: forgotten };
}

function stopTask(s: Tables, t: TaskRecord): void {
  if (t.desired === "stopped") return;
  t.desired = "stopped";
  s.touch(t.node_id);
}
