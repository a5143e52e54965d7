// The framework host's events in Mesos v1 terms: offers with agent URL, resources and attributes,
// statuses with Mesos states, reasons and uuids, SUBSCRIBED with master_info.
import { isIP } from "node:net";
import type { FrameworkInfoRecord } from "../../fsm/frameworks.js";
import { fromBase64 } from "../../fsm/base64.js";
import { errorEvent, failureEvent, heartbeatEvent, offersEvent, rescindEvent, subscribedEvent, updateEvent } from "../../mesos/events.js";
import { mesosStateOf } from "../../mesos/status-map.js";
import { statusForFramework } from "../../mesos/status-filter.js";
import { taskStatus } from "../../mesos/task-status.js";
import type { Attribute } from "../../mesos/types-common.js";
import type { Event } from "../../mesos/types-event.js";
import type { FrameworkCapability, FrameworkInfo, MasterInfo, Offer } from "../../mesos/types-framework.js";
import type { Resource } from "../../mesos/types-resource.js";
import type { StatusReason, TaskState, TaskStatus } from "../../mesos/types-status.js";
import { mesos_version_compat } from "../../mesos/operator-input.js";
import type { HostEvent, HostOffer, HostStatus } from "../leader/framework-types.js";

const mb = 1024 * 1024;

/** What the SUBSCRIBE's FrameworkInfo says, as the state machine keeps it. */
export function frameworkRecordOf(info: FrameworkInfo): FrameworkInfoRecord {
  const capabilities = (info.capabilities ?? []).flatMap((c) => (c.type === undefined ? [] : [c.type]));
  const multi_role = capabilities.includes("MULTI_ROLE");
  return {
    name: info.name,
    user: info.user,
    roles: multi_role ? [...new Set(info.roles ?? [])] : [info.role ?? "*"],
    multi_role,
    capabilities,
    failover_timeout_s: info.failover_timeout ?? 0,
    checkpoint: info.checkpoint ?? false,
    hostname: info.hostname ?? "",
    principal: info.principal ?? "",
    webui_url: info.webui_url ?? "",
    labels: (info.labels?.labels ?? []).map((l) => ({ key: l.key, value: l.value ?? "" })),
  };
}

/** IPv4 packed in network byte order as Mesos's MasterInfo.ip (0 when the address is not IPv4). */
function packedIp(ip: string): number {
  if (isIP(ip) !== 4) return 0;
  const [a, b, c, d] = ip.split(".").map(Number) as [number, number, number, number];
  // Little-endian hosts read the network-order bytes as this number (what Mesos writes).
  return ((d << 24) | (c << 16) | (b << 8) | a) >>> 0;
}

export function masterInfo(cluster_id: string, leader_http_addr: string): MasterInfo {
  const cut = leader_http_addr.lastIndexOf(":");
  const host = leader_http_addr.slice(0, cut).replace(/^\[|\]$/g, "");
  const port = Number(leader_http_addr.slice(cut + 1));
  // The Mesos release orch answers as (tools compare it with Mesos's), as the operator API says.
  return { id: cluster_id, ip: packedIp(host), port, hostname: host, version: mesos_version_compat, address: { hostname: host, ...(isIP(host) !== 0 ? { ip: host } : {}), port } };
}

function scalar(name: string, value: number, role: string, multi_role: boolean): Resource {
  return { name, type: "SCALAR", scalar: { value }, ...(multi_role ? { allocation_info: { role } } : { role: "*" }) };
}

export function mesosOffer(o: HostOffer, multi_role: boolean): Offer {
  const cut = o.agent_addr.lastIndexOf(":");
  const agent_host = cut > 0 ? o.agent_addr.slice(0, cut).replace(/^\[|\]$/g, "") : o.hostname;
  const agent_port = cut > 0 ? Number(o.agent_addr.slice(cut + 1)) : 0;
  const r = o.resources;
  const resources: Resource[] = [
    scalar("cpus", r.cpus, o.role, multi_role),
    scalar("mem", Math.floor(r.memory_bytes / mb), o.role, multi_role),
    ...(r.disk_bytes > 0 ? [scalar("disk", Math.floor(r.disk_bytes / mb), o.role, multi_role)] : []),
    ...(r.ports.length > 0
      ? [{ name: "ports", type: "RANGES" as const, ranges: { range: r.ports.map(([begin, end]) => ({ begin, end })) }, ...(multi_role ? { allocation_info: { role: o.role } } : { role: "*" }) }]
      : []),
  ];
  const attributes: Attribute[] = Object.entries(o.attributes).map(([name, value]) =>
    /^-?\d+(\.\d+)?$/.test(value) ? { name, type: "SCALAR", scalar: { value: Number(value) } } : { name, type: "TEXT", text: { value } },
  );
  return {
    id: { value: o.offer_id },
    framework_id: { value: o.framework_id },
    agent_id: { value: o.node_id },
    hostname: o.hostname,
    url: { scheme: "http", address: { hostname: agent_host, ...(isIP(agent_host) !== 0 ? { ip: agent_host } : {}), port: agent_port }, path: "/slave(1)" },
    resources,
    attributes,
    ...(multi_role ? { allocation_info: { role: o.role } } : {}),
  };
}

const master_states: Record<string, TaskState> = {
  ERROR: "TASK_ERROR",
  DROPPED: "TASK_DROPPED",
  UNREACHABLE: "TASK_UNREACHABLE",
  GONE: "TASK_GONE",
  UNKNOWN: "TASK_UNKNOWN",
};

export function mesosStatus(s: HostStatus): TaskStatus {
  let state: TaskState;
  let source = s.source;
  let reason: StatusReason | undefined;
  if (s.state in master_states) {
    state = master_states[s.state]!;
    reason = s.reason.startsWith("REASON_") ? (s.reason as StatusReason) : undefined;
  } else if (s.reason.startsWith("REASON_")) {
    state = `TASK_${s.state}` as TaskState;
    reason = s.reason as StatusReason;
  } else {
    const m = mesosStateOf(s.state as Parameters<typeof mesosStateOf>[0], s.reason as Parameters<typeof mesosStateOf>[1]);
    state = m.state;
    reason = m.reason;
    if (s.source !== "SOURCE_MASTER") source = m.source;
  }
  if (s.reconciliation === true) {
    reason = "REASON_RECONCILIATION";
    source = "SOURCE_MASTER";
  }
  return taskStatus(
    {
      task_id: s.task_id,
      state,
      source,
      ...(reason !== undefined ? { reason } : {}),
      message: s.message,
      ...(s.node_id !== undefined ? { agent_id: s.node_id } : {}),
      ...(s.container_id !== undefined ? { container_status: { container_id: { value: s.container_id } } } : {}),
    },
    s.at_ms,
    s.uuid !== undefined ? fromBase64(s.uuid) : undefined,
  );
}

/**
 * The event as this framework should see it, or null when it must not see it (a state it did not
 * opt into); `master` fills SUBSCRIBED's master_info.
 */
export function mesosEvent(ev: HostEvent, framework: { capabilities: ReadonlySet<FrameworkCapability>; multi_role: boolean }, master: () => MasterInfo): Event | null {
  switch (ev.type) {
    case "SUBSCRIBED":
      return subscribedEvent(ev.framework_id, ev.heartbeat_interval_seconds, master());
    case "OFFERS":
      return offersEvent(ev.offers.map((o) => mesosOffer(o, framework.multi_role)));
    case "RESCIND":
      return rescindEvent(ev.offer_id);
    case "UPDATE": {
      const status = statusForFramework(mesosStatus(ev.status), framework.capabilities);
      return status === null ? null : updateEvent(status);
    }
    case "FAILURE":
      return failureEvent({ agent_id: ev.node_id });
    case "ERROR":
      return errorEvent(ev.message);
    case "HEARTBEAT":
      return heartbeatEvent();
  }
}
