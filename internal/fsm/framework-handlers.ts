// Handlers for external frameworks: subscribe, disconnect, remove, suppress/revive, decline filters,
// acknowledgements, kills; and the status updates their tasks owe them. Deterministic: times come
// from the command envelope, update uuids from the task and the log index.
import { toBase64 } from "./base64.js";
import type { CommandPayloads, CommandType } from "./commands.js";
import { framework_filters_max, frameworks_registered_max, type FrameworkRecord } from "./frameworks.js";
import type { ApplyResult, Tables } from "./tables.js";

export type { FrameworkUpdate } from "./tables.js";
import { isTerminalState, pending_updates_max, type PendingUpdate, type TaskEvent, type TaskRecord } from "./tasks.js";

type P<T extends CommandType> = CommandPayloads[T];


export function applyFrameworkPut(s: Tables, at_ms: number, c: P<typeof CommandType.framework_put>): ApplyResult {
  if (s.frameworks.wasRemoved(c.framework_id) !== undefined) return { ok: false, code: "rejected", message: "Framework has been removed" };
  const cur = s.frameworks.get(c.framework_id);
  if (cur === undefined && !c.connect) return { ok: false, code: "unknown", message: "Framework cannot be found" };
  if (cur === undefined && s.frameworks.size >= frameworks_registered_max) {
    return { ok: false, code: "rejected", message: `${frameworks_registered_max} frameworks are registered (frameworks_registered_max): tear one down first` };
  }
  const f: FrameworkRecord = cur ?? {
    framework_id: c.framework_id,
    info: c.info,
    connected: false,
    registered_at_ms: at_ms,
    subscribed_at_ms: at_ms,
    disconnected_at_ms: 0,
    suppressed_roles: [],
    filters: [],
    removed_at_ms: 0,
    removed_reason: "",
    tasks_made: 0,
  };
  f.info = c.info;
  if (c.connect) {
    f.connected = true;
    f.subscribed_at_ms = at_ms;
    f.disconnected_at_ms = 0;
    if (c.suppressed_roles !== undefined) f.suppressed_roles = c.suppressed_roles.filter((r) => c.info.roles.includes(r));
  }
  f.suppressed_roles = f.suppressed_roles.filter((r) => f.info.roles.includes(r));
  s.frameworks.upsert(f);
  s.changed();
  return { ok: true, framework: f };
}

export function applyFrameworkDisconnect(s: Tables, at_ms: number, c: P<typeof CommandType.framework_disconnect>): ApplyResult {
  const f = s.frameworks.get(c.framework_id);
  if (f === undefined) return { ok: false, code: "unknown", message: "Framework cannot be found" };
  if (c.subscribed_at_ms !== undefined && c.subscribed_at_ms !== f.subscribed_at_ms) return { ok: true, framework: f };
  if (f.connected) {
    f.connected = false;
    f.disconnected_at_ms = at_ms;
    s.changed();
  }
  return { ok: true, framework: f };
}

export function applyFrameworkRemove(s: Tables, at_ms: number, c: P<typeof CommandType.framework_remove>): ApplyResult {
  const f = s.frameworks.get(c.framework_id);
  if (f === undefined) return { ok: false, code: "unknown", message: "Framework cannot be found" };
  for (const t of s.tasks.ofService(c.framework_id)) {
    if (t.framework === undefined || t.desired === "stopped") continue;
    t.desired = "stopped";
    s.touch(t.node_id);
  }
  f.connected = false;
  f.removed_at_ms = at_ms;
  f.removed_reason = c.reason;
  f.filters = [];
  s.frameworks.remove(c.framework_id);
  s.changed();
  return { ok: true, framework: f };
}

export function applyFrameworkSuppress(s: Tables, c: P<typeof CommandType.framework_suppress>): ApplyResult {
  const f = s.frameworks.get(c.framework_id);
  if (f === undefined) return { ok: false, code: "unknown", message: "Framework cannot be found" };
  const roles = c.roles.length === 0 ? f.info.roles : c.roles.filter((r) => f.info.roles.includes(r));
  const set = new Set(f.suppressed_roles);
  for (const r of roles) {
    if (c.suppress) set.add(r);
    else set.delete(r);
  }
  f.suppressed_roles = f.info.roles.filter((r) => set.has(r));
  // REVIVE: "remove all filters previously set by the framework" (scheduler.proto).
  if (!c.suppress) f.filters = [];
  s.changed();
  return { ok: true, framework: f };
}

export function applyFrameworkDecline(s: Tables, at_ms: number, c: P<typeof CommandType.framework_decline>): ApplyResult {
  const f = s.frameworks.get(c.framework_id);
  if (f === undefined) return { ok: false, code: "unknown", message: "Framework cannot be found" };
  const by = new Map(f.filters.filter((x) => x.until_ms > at_ms).map((x) => [x.node_id, x]));
  for (const x of c.filters) by.set(x.node_id, x);
  let filters = [...by.values()];
  if (filters.length > framework_filters_max) filters = filters.sort((a, b) => b.until_ms - a.until_ms).slice(0, framework_filters_max);
  f.filters = filters.sort((a, b) => (a.node_id < b.node_id ? -1 : a.node_id > b.node_id ? 1 : 0));
  return { ok: true, framework: f };
}

export function applyFrameworkAck(s: Tables, c: P<typeof CommandType.framework_ack>): ApplyResult {
  const t = s.tasks.get(c.task_id);
  if (t?.framework === undefined || t.framework.framework_id !== c.framework_id) return { ok: false, code: "unknown", message: `no task ${c.task_id} of framework ${c.framework_id}` };
  const before = t.framework.pending.length;
  t.framework.pending = t.framework.pending.filter((u) => u.uuid !== c.uuid);
  return { ok: true, acked: before === t.framework.pending.length ? [] : [c.uuid] };
}

export function applyTaskKill(s: Tables, c: P<typeof CommandType.task_kill>): ApplyResult {
  const t = s.tasks.get(c.task_id);
  if (t === undefined) return { ok: false, code: "unknown", message: `no task ${c.task_id}` };
  if (t.desired !== "stopped") {
    if (c.grace_ms !== undefined) t.grace_ms = c.grace_ms;
    t.desired = "stopped";
    s.touch(t.node_id);
  }
  return { ok: true, task: t };
}

/**
 * After a framework task's state changed: records an agent-originated update for
 * acknowledgement (uuid from the task and the log index) and tells listeners. Master-made updates
 * (a node went down) carry no uuid and are not kept: reconciliation answers for them.
 */
export function frameworkTaskChanged(s: Tables, index: number, t: TaskRecord, ev: TaskEvent, source: "SOURCE_AGENT" | "SOURCE_MASTER"): void {
  const fw = t.framework;
  // Mesos never sends TASK_STAGING as an update: a launched task is staging until it says otherwise.
  if (fw === undefined || ev.state === "STAGING") return;
  let uuid: string | undefined;
  if (source === "SOURCE_AGENT") {
    uuid = updateUuid(t.task_id, index, fw.pending.length);
    const u: PendingUpdate = { uuid, state: ev.state, reason: ev.reason, message: ev.message, at_ms: ev.at_ms };
    fw.pending.push(u);
    // The latest update stays; older ones go first (a terminal one is kept while it is not the last).
    while (fw.pending.length > pending_updates_max) {
      const drop = fw.pending.findIndex((p) => !isTerminalState(p.state));
      fw.pending.splice(drop === -1 || drop === fw.pending.length - 1 ? 0 : drop, 1);
    }
  }
  s.frameworkUpdated({ framework_id: fw.framework_id, task: t, update: { ...ev, source, ...(uuid !== undefined ? { uuid } : {}) } });
}

/** 16 bytes from the task id, the log index and a counter (FNV-1a, four lanes): unique per update, the same on every server. */
export function updateUuid(task_id: string, index: number, n: number): string {
  const text = `${task_id}\u0000${index}\u0000${n}`;
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  for (let lane = 0; lane < 4; lane++) {
    let h = (0x811c9dc5 ^ Math.imul(lane + 1, 0x9e3779b1)) >>> 0;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    dv.setUint32(lane * 4, h);
  }
  // RFC 4122 version 4 / variant bits, as Mesos's own UUIDs carry.
  out[6] = (out[6]! & 0x0f) | 0x40;
  out[8] = (out[8]! & 0x3f) | 0x80;
  return toBase64(out);
}
