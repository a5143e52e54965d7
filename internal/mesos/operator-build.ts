// orch's state as the operator API's protobuf messages (master.proto Response.Get*, mesos.proto Task,
// TaskStatus, Resource, Role): agents, frameworks, tasks with their statuses, roles.
import { mergeRanges } from "./resources.js";
import type { NodeRecord } from "../fsm/nodes.js";
import type { TaskRecord } from "../fsm/tasks.js";
import { isTerminalState } from "../fsm/tasks.js";
import {
  frameworkIdOf, isListedActive, mesos_version_compat, type OperatorFramework, type OperatorInput,
} from "./operator-input.js";
import { mesosStateOf } from "./status-map.js";
import { timestampSeconds } from "./task-status.js";
import type { Attribute, Range, TimeInfo } from "./types-common.js";
import type { FrameworkCapability, FrameworkInfo, MasterInfo } from "./types-framework.js";
import type {
  GetAgents, GetFrameworks, GetState, GetTasks, OperatorAgent, OperatorFrameworkMessage, OperatorRole, OperatorTask, VersionInfo,
} from "./types-operator.js";
import type { Resource } from "./types-resource.js";
import type { ContainerStatus, TaskState, TaskStatus } from "./types-status.js";

const mib = 1024 * 1024;

/** Resource amounts as Mesos counts them: cores, MiB, MiB, and port ranges. */
export interface Amounts {
  cpus: number;
  mem: number;
  disk: number;
  ports: Range[];
}

export function zeroAmounts(): Amounts {
  return { cpus: 0, mem: 0, disk: 0, ports: [] };
}

/** Thousandths of a CPU, as Mesos keeps scalars (three decimals): sums do not drift. */
function milli(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function addAmounts(a: Amounts, b: Amounts): Amounts {
  return { cpus: milli(a.cpus + b.cpus), mem: milli(a.mem + b.mem), disk: milli(a.disk + b.disk), ports: coalesce([...a.ports, ...b.ports]) };
}

/** Sorted, merged ranges (Mesos writes ports as "[31000-31002, 31005-31005]"). */
export const coalesce = mergeRanges;

export function agentAmounts(n: NodeRecord, ports: OperatorInput["agent_ports"]): Amounts {
  return { cpus: n.resources.cpus, mem: Math.floor(n.resources.memory_bytes / mib), disk: Math.floor(n.resources.disk_bytes / mib), ports: coalesce(ports.map(([begin, end]) => ({ begin, end }))) };
}

/** The host ports a task holds: those it bound, else those its spec asked for. */
function hostPorts(t: TaskRecord): number[] {
  const bound = (t.ports ?? []).map((p) => p.host_port).filter((p) => p > 0);
  if (bound.length > 0) return bound;
  return (t.spec.ports ?? []).map((p) => p.host_port).filter((p) => p > 0);
}

export function taskAmounts(t: TaskRecord, input: Pick<OperatorInput, "services">): Amounts {
  const disk_bytes = t.framework === undefined ? (input.services.get(t.service)?.spec.disk_bytes ?? 0) : 0;
  return {
    cpus: t.spec.cpus,
    mem: Math.floor(t.spec.memory_bytes / mib),
    disk: Math.floor(disk_bytes / mib),
    ports: coalesce(hostPorts(t).map((p) => ({ begin: p, end: p }))),
  };
}

/** Amounts as Resource messages: cpus, mem, disk when not zero, ports when any; `role` or allocation as given. */
export function resourcesOf(a: Amounts, allocation_role?: string): Resource[] {
  const tag = allocation_role === undefined ? { role: "*" } : { role: "*", allocation_info: { role: allocation_role } };
  const out: Resource[] = [];
  if (a.cpus > 0) out.push({ name: "cpus", type: "SCALAR", scalar: { value: a.cpus }, ...tag });
  if (a.mem > 0) out.push({ name: "mem", type: "SCALAR", scalar: { value: a.mem }, ...tag });
  if (a.disk > 0) out.push({ name: "disk", type: "SCALAR", scalar: { value: a.disk }, ...tag });
  if (a.ports.length > 0) out.push({ name: "ports", type: "RANGES", ranges: { range: a.ports.map((r) => ({ ...r })) }, ...tag });
  return out;
}

export function timeInfo(at_ms: number): TimeInfo {
  return { nanoseconds: Math.round(at_ms) * 1_000_000 };
}

/** The host part of "host:port" ("[::1]:80" → "::1"). */
export function hostOf(addr: string): string {
  const cut = addr.lastIndexOf(":");
  return (cut > 0 ? addr.slice(0, cut) : addr).replace(/^\[|\]$/g, "");
}

export function portOf(addr: string): number {
  const cut = addr.lastIndexOf(":");
  const port = cut > 0 ? Number(addr.slice(cut + 1)) : NaN;
  return Number.isInteger(port) ? port : 0;
}

const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The agent's address when it is an IP literal (DNS tools read task IPs from network_infos). */
export function ipOf(addr: string): string | undefined {
  const host = hostOf(addr);
  if (ipv4.test(host) || (host.includes(":") && /^[0-9a-fA-F:.]+$/.test(host))) return host;
  return undefined;
}

export function attributesOf(n: NodeRecord): Attribute[] {
  return Object.entries(n.attributes).map(([name, value]) =>
    /^-?\d+(\.\d+)?$/.test(value) ? { name, type: "SCALAR", scalar: { value: Number(value) } } : { name, type: "TEXT", text: { value } },
  );
}

export function agentHostname(n: NodeRecord): string {
  return n.attributes["hostname"] ?? n.name;
}

/** The Mesos id a task is known by: the framework's own TaskID for external frameworks, orch's id for built-ins. */
export function mesosTaskId(t: TaskRecord): string {
  return t.framework?.task_id ?? t.task_id;
}

export function mesosTaskName(t: TaskRecord): string {
  return t.framework?.name ?? t.service;
}

function containerStatus(t: TaskRecord, agent_ip: string | undefined): ContainerStatus | undefined {
  if (t.container_id === undefined && agent_ip === undefined) return undefined;
  return {
    ...(t.container_id !== undefined ? { container_id: { value: t.container_id } } : {}),
    ...(agent_ip !== undefined ? { network_infos: [{ ip_addresses: [{ ip_address: agent_ip }] }] } : {}),
  };
}

/**
 * The task's status updates as Mesos records them on the task: STAGING is no update, so it is left
 * out, and an update in the same state as the one before replaces it (Master::updateTask).
 */
export function taskStatuses(t: TaskRecord, agent_ip: string | undefined): TaskStatus[] {
  const out: TaskStatus[] = [];
  const cs = containerStatus(t, agent_ip);
  for (const ev of t.history) {
    const m = mesosStateOf(ev.state, ev.reason);
    if (m.state === "TASK_STAGING") continue;
    if (out[out.length - 1]?.state === m.state) out.pop();
    out.push({
      task_id: { value: mesosTaskId(t) },
      state: m.state,
      ...(ev.message !== "" ? { message: ev.message } : {}),
      source: m.source,
      ...(m.reason !== undefined ? { reason: m.reason } : {}),
      agent_id: { value: t.node_id },
      timestamp: timestampSeconds(ev.at_ms),
      ...(cs !== undefined ? { container_status: cs } : {}),
    });
  }
  return out;
}

export function taskState(t: TaskRecord): TaskState {
  return mesosStateOf(t.state, t.reason).state;
}

/** The Mesos Task message of one orch task. */
export function operatorTask(t: TaskRecord, input: Pick<OperatorInput, "services">, agent_ip: string | undefined): OperatorTask {
  const statuses = taskStatuses(t, agent_ip);
  const last = statuses[statuses.length - 1];
  const labels = t.framework?.labels ?? [];
  return {
    name: mesosTaskName(t),
    task_id: { value: mesosTaskId(t) },
    framework_id: { value: frameworkIdOf(t, input.services) },
    agent_id: { value: t.node_id },
    state: taskState(t),
    resources: resourcesOf(taskAmounts(t, input), t.role ?? "*"),
    statuses,
    ...(last !== undefined ? { status_update_state: last.state } : {}),
    ...(labels.length > 0 ? { labels: { labels: labels.map((l) => ({ key: l.key, value: l.value })) } } : {}),
  };
}

export function frameworkInfo(f: OperatorFramework): FrameworkInfo {
  const i = f.info;
  return {
    user: i.user,
    name: i.name,
    id: { value: f.framework_id },
    failover_timeout: i.failover_timeout_s,
    checkpoint: i.checkpoint,
    ...(i.multi_role ? { roles: [...i.roles] } : { role: i.roles[0] ?? "*" }),
    hostname: i.hostname,
    ...(i.principal !== "" ? { principal: i.principal } : {}),
    webui_url: i.webui_url,
    capabilities: i.capabilities.map((type) => ({ type: type as FrameworkCapability })),
    ...(i.labels.length > 0 ? { labels: { labels: i.labels.map((l) => ({ key: l.key, value: l.value })) } } : {}),
  };
}

/** Whether a framework is active (Mesos: connected and not deactivated; orch never deactivates one). */
export function frameworkActive(f: OperatorFramework): boolean {
  return f.removed_at_ms === 0 && f.connected;
}

/** `allocated`: what its active tasks hold, by role (a MULTI_ROLE framework's tasks run under several). */
export function operatorFramework(f: OperatorFramework, allocated: ReadonlyMap<string, Amounts>): OperatorFrameworkMessage {
  return {
    framework_info: frameworkInfo(f),
    active: frameworkActive(f),
    connected: f.removed_at_ms === 0 && f.connected,
    recovered: false,
    ...(f.registered_at_ms > 0 ? { registered_time: timeInfo(f.registered_at_ms) } : {}),
    ...(f.disconnected_at_ms > 0 ? { unregistered_time: timeInfo(f.disconnected_at_ms) } : {}),
    offers: [],
    inverse_offers: [],
    allocated_resources: [...allocated].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([role, a]) => resourcesOf(a, role)),
    offered_resources: [],
  };
}

export function operatorAgent(n: NodeRecord, input: Pick<OperatorInput, "agent_ports">, allocated: Amounts): OperatorAgent {
  const total = resourcesOf(agentAmounts(n, input.agent_ports));
  return {
    agent_info: { hostname: agentHostname(n), port: portOf(n.http_addr), resources: total, attributes: attributesOf(n), id: { value: n.node_id } },
    active: n.status === "ready",
    deactivated: false,
    version: n.version,
    pid: `slave(1)@${n.http_addr}`,
    registered_time: timeInfo(n.registered_at_ms),
    ...(n.status_reason === "came back after being down" || n.status_reason === "re-registered" ? { reregistered_time: timeInfo(n.status_at_ms) } : {}),
    total_resources: total,
    allocated_resources: resourcesOf(allocated),
    offered_resources: [],
    capabilities: [{ type: "MULTI_ROLE" }],
  };
}

/** Every lookup a builder needs, made in one pass over the tasks. */
export interface StateIndex {
  /** Tasks by framework id, in table order. */
  by_framework: Map<string, TaskRecord[]>;
  /** What active tasks hold, by node and by framework. */
  node_used: Map<string, Amounts>;
  framework_used: Map<string, Amounts>;
  /** Framework id → role → what its active tasks under that role hold. */
  framework_role_used: Map<string, Map<string, Amounts>>;
  role_used: Map<string, Amounts>;
  /** Agent IPs by node id (absent when its address is a name). */
  agent_ip: Map<string, string>;
}

export function indexState(input: OperatorInput): StateIndex {
  const ix: StateIndex = { by_framework: new Map(), node_used: new Map(), framework_used: new Map(), framework_role_used: new Map(), role_used: new Map(), agent_ip: new Map() };
  for (const n of input.nodes) {
    const ip = ipOf(n.http_addr);
    if (ip !== undefined) ix.agent_ip.set(n.node_id, ip);
  }
  const add = (m: Map<string, Amounts>, key: string, a: Amounts): void => {
    m.set(key, addAmounts(m.get(key) ?? zeroAmounts(), a));
  };
  for (const t of input.tasks) {
    const fid = frameworkIdOf(t, input.services);
    let list = ix.by_framework.get(fid);
    if (list === undefined) ix.by_framework.set(fid, (list = []));
    list.push(t);
    if (isTerminalState(t.state)) continue;
    const a = taskAmounts(t, input);
    add(ix.node_used, t.node_id, a);
    add(ix.framework_used, fid, a);
    add(ix.role_used, t.role ?? "*", a);
    let by_role = ix.framework_role_used.get(fid);
    if (by_role === undefined) ix.framework_role_used.set(fid, (by_role = new Map()));
    add(by_role, t.role ?? "*", a);
  }
  return ix;
}

/** Agents Mesos lists: registered and reachable. A down node is an unreachable agent. */
export function listedAgents(input: OperatorInput): NodeRecord[] {
  return input.nodes.filter((n) => n.status === "ready");
}

export function getAgents(input: OperatorInput, ix: StateIndex = indexState(input)): GetAgents {
  return { agents: listedAgents(input).map((n) => operatorAgent(n, input, ix.node_used.get(n.node_id) ?? zeroAmounts())), recovered_agents: [] };
}

export function getFrameworks(input: OperatorInput, ix: StateIndex = indexState(input)): GetFrameworks {
  return {
    frameworks: input.frameworks.map((f) => operatorFramework(f, ix.framework_role_used.get(f.framework_id) ?? new Map())),
    completed_frameworks: input.completed_frameworks.map((f) => operatorFramework(f, new Map())),
  };
}

export function getTasks(input: OperatorInput, ix: StateIndex = indexState(input)): GetTasks {
  const tasks: OperatorTask[] = [];
  const unreachable_tasks: OperatorTask[] = [];
  const completed_tasks: OperatorTask[] = [];
  const completed = new Set(input.completed_frameworks.map((f) => f.framework_id));
  for (const t of input.tasks) {
    const task = operatorTask(t, input, ix.agent_ip.get(t.node_id));
    // A removed framework's tasks are all completed, as Mesos moves them when it removes the framework.
    if (completed.has(task.framework_id.value)) completed_tasks.push(task);
    else if (task.state === "TASK_UNREACHABLE") unreachable_tasks.push(task);
    else if (isListedActive(t)) tasks.push(task);
    else completed_tasks.push(task);
  }
  return { pending_tasks: [], tasks, unreachable_tasks, completed_tasks };
}

export function getState(input: OperatorInput): GetState {
  const ix = indexState(input);
  return { get_tasks: getTasks(input, ix), get_executors: { executors: [] }, get_frameworks: getFrameworks(input, ix), get_agents: getAgents(input, ix) };
}

/**
 * Roles Mesos knows: configured ones (weights, quota) and those a registered framework uses, with
 * the frameworks subscribed to each and what their tasks hold (cpus, disk, mem: Mesos's order).
 */
export function getRoles(input: OperatorInput, ix: StateIndex = indexState(input)): OperatorRole[] {
  const names = new Set<string>(input.roles.map((r) => r.role));
  const frameworks = new Map<string, string[]>();
  for (const f of input.frameworks) {
    for (const role of f.info.roles) {
      names.add(role);
      let list = frameworks.get(role);
      if (list === undefined) frameworks.set(role, (list = []));
      list.push(f.framework_id);
    }
  }
  for (const role of ix.role_used.keys()) names.add(role);
  const weight = new Map(input.roles.map((r) => [r.role, r.weight]));
  return [...names].sort().map((name) => {
    const used = ix.role_used.get(name) ?? zeroAmounts();
    const resources: Resource[] = [];
    if (used.cpus > 0) resources.push({ name: "cpus", type: "SCALAR", scalar: { value: used.cpus } });
    if (used.disk > 0) resources.push({ name: "disk", type: "SCALAR", scalar: { value: used.disk } });
    if (used.mem > 0) resources.push({ name: "mem", type: "SCALAR", scalar: { value: used.mem } });
    return { name, weight: weight.get(name) ?? 1, frameworks: (frameworks.get(name) ?? []).map((value) => ({ value })), resources };
  });
}

export function versionInfo(orch_version: string): VersionInfo {
  // `version` is the Mesos release whose API orch answers as; the tag names orch's own build.
  return { version: mesos_version_compat, git_tag: `orch-${orch_version}` };
}

/** The leader's MasterInfo with the pid Mesos gives it ("master@host:port"). */
export function leaderInfo(m: MasterInfo): MasterInfo {
  const host = m.address?.ip ?? m.hostname ?? "";
  const at = host.includes(":") ? `[${host}]` : host;
  return { ...m, pid: `master@${at}:${m.port}`, version: mesos_version_compat };
}
