// GET /master/state (and /master/state.json, /state.json): the JSON Mesos's master writes
// (src/master/readonly_handler.cpp, src/common/http.cpp), which DNS tools (mesos-dns), load
// balancers and UIs read: "slaves", "slave_id", flattened resources, tasks with their statuses.
import type { NodeRecord } from "../fsm/nodes.js";
import type { TaskRecord } from "../fsm/tasks.js";
import {
  agentAmounts, agentHostname, frameworkActive, indexState, listedAgents, mesosTaskId, mesosTaskName, portOf, taskAmounts,
  taskState, taskStatuses, zeroAmounts, type Amounts, type StateIndex,
} from "./operator-build.js";
import { frameworkIdOf, isListedActive, mesos_version_compat, type OperatorFramework, type OperatorInput } from "./operator-input.js";

/** Resources as Mesos's state JSON writes them: every scalar by name (cpus, gpus, mem, disk always), ranges as text. */
export interface FlatResources {
  cpus: number;
  gpus: number;
  mem: number;
  disk: number;
  /** "[31000-31001, 31005-31005]", present only when there are ports. */
  ports?: string;
}

export function flatResources(a: Amounts): FlatResources {
  return {
    cpus: a.cpus,
    gpus: 0,
    mem: a.mem,
    disk: a.disk,
    ...(a.ports.length > 0 ? { ports: `[${a.ports.map((r) => `${r.begin}-${r.end}`).join(", ")}]` } : {}),
  };
}

export interface StateStatus {
  state: string;
  timestamp: number;
  container_status?: unknown;
}

export interface StateTask {
  id: string;
  name: string;
  framework_id: string;
  executor_id: string;
  slave_id: string;
  state: string;
  resources: FlatResources;
  role: string;
  statuses: StateStatus[];
  labels?: { key: string; value: string }[];
}

function stateTask(t: TaskRecord, input: OperatorInput, ix: StateIndex): StateTask {
  const labels = t.framework?.labels ?? [];
  return {
    id: mesosTaskId(t),
    name: mesosTaskName(t),
    framework_id: frameworkIdOf(t, input.services),
    // Command tasks have no executor of their own: Mesos writes the empty id.
    executor_id: "",
    slave_id: t.node_id,
    state: taskState(t),
    resources: flatResources(taskAmounts(t, input)),
    role: t.role ?? "*",
    statuses: taskStatuses(t, ix.agent_ip.get(t.node_id)).map((s) => ({
      state: s.state,
      timestamp: s.timestamp ?? 0,
      ...(s.container_status !== undefined ? { container_status: s.container_status } : {}),
    })),
    ...(labels.length > 0 ? { labels: labels.map((l) => ({ key: l.key, value: l.value })) } : {}),
  };
}

function stateFramework(f: OperatorFramework, input: OperatorInput, ix: StateIndex, completed: boolean): Record<string, unknown> {
  const i = f.info;
  const used = completed ? zeroAmounts() : (ix.framework_used.get(f.framework_id) ?? zeroAmounts());
  const tasks: StateTask[] = [];
  const unreachable_tasks: StateTask[] = [];
  const completed_tasks: StateTask[] = [];
  for (const t of ix.by_framework.get(f.framework_id) ?? []) {
    const task = stateTask(t, input, ix);
    if (completed) completed_tasks.push(task);
    else if (task.state === "TASK_UNREACHABLE") unreachable_tasks.push(task);
    else if (isListedActive(t)) tasks.push(task);
    else completed_tasks.push(task);
  }
  // No "pid": Mesos leaves it out for HTTP frameworks, and tools that parse pids (mesos-dns) skip a missing one.
  return {
    id: f.framework_id,
    name: i.name,
    used_resources: flatResources(used),
    offered_resources: flatResources(zeroAmounts()),
    capabilities: [...i.capabilities],
    hostname: i.hostname,
    webui_url: i.webui_url,
    active: frameworkActive(f),
    connected: f.removed_at_ms === 0 && f.connected,
    recovered: false,
    user: i.user,
    failover_timeout: i.failover_timeout_s,
    checkpoint: i.checkpoint,
    registered_time: f.registered_at_ms / 1000,
    unregistered_time: (f.removed_at_ms > 0 ? f.removed_at_ms : f.disconnected_at_ms) / 1000,
    ...(i.principal !== "" ? { principal: i.principal } : {}),
    resources: flatResources(used),
    ...(i.multi_role ? { roles: [...i.roles] } : { role: i.roles[0] ?? "*" }),
    tasks,
    unreachable_tasks,
    completed_tasks,
    offers: [],
    executors: [],
    ...(i.labels.length > 0 ? { labels: i.labels.map((l) => ({ key: l.key, value: l.value })) } : {}),
    offer_constraints: {},
  };
}

function stateSlave(n: NodeRecord, input: OperatorInput, ix: StateIndex): Record<string, unknown> {
  const total = agentAmounts(n, input.agent_ports);
  const attributes: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(n.attributes)) attributes[k] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  return {
    id: n.node_id,
    hostname: agentHostname(n),
    port: portOf(n.http_addr),
    attributes,
    // mesos-dns reads the agent's IP from its pid ("slave(1)@ip:port").
    pid: `slave(1)@${n.http_addr}`,
    registered_time: n.registered_at_ms / 1000,
    resources: flatResources(total),
    used_resources: flatResources(ix.node_used.get(n.node_id) ?? zeroAmounts()),
    offered_resources: flatResources(zeroAmounts()),
    reserved_resources: {},
    unreserved_resources: flatResources(total),
    active: n.status === "ready",
    deactivated: false,
    version: n.version,
    capabilities: ["MULTI_ROLE"],
  };
}

/** "master@host:port" from "host:port" (brackets kept for IPv6). */
function masterPid(addr: string): string {
  return `master@${addr}`;
}

/** The whole /master/state document. */
export function masterState(input: OperatorInput): Record<string, unknown> {
  const ix = indexState(input);
  const m = input.master;
  const slaves = listedAgents(input);
  const leader = m.leader;
  const leader_addr = leader === null ? undefined : `${leader.hostname?.includes(":") === true ? `[${leader.hostname}]` : (leader.hostname ?? "")}:${leader.port}`;
  const self_host = m.self_addr.slice(0, Math.max(0, m.self_addr.lastIndexOf(":"))).replace(/^\[|\]$/g, "");
  return {
    version: mesos_version_compat,
    git_tag: `orch-${m.orch_version}`,
    build_date: "",
    build_time: 0,
    build_user: "",
    start_time: m.start_ms / 1000,
    id: m.cluster_id,
    pid: masterPid(m.self_addr),
    hostname: self_host,
    capabilities: [],
    activated_slaves: slaves.length,
    deactivated_slaves: 0,
    unreachable_slaves: input.nodes.length - slaves.length,
    ...(leader !== null && leader_addr !== undefined
      ? { leader: masterPid(leader_addr), leader_info: { id: leader.id, pid: masterPid(leader_addr), port: leader.port, hostname: leader.hostname ?? "" } }
      : {}),
    cluster: m.cluster_id,
    flags: {},
    slaves: slaves.map((n) => stateSlave(n, input, ix)),
    recovered_slaves: [],
    frameworks: input.frameworks.map((f) => stateFramework(f, input, ix, false)),
    completed_frameworks: input.completed_frameworks.map((f) => stateFramework(f, input, ix, true)),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
}
