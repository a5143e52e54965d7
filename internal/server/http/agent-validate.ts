// Checks of agent request bodies: each failure names the field and what is accepted.
import {
  attribute_chars_max,
  attributes_max,
  status_updates_per_request_max,
  type RegisterRequest,
  type StatusRequest,
  type StatusUpdate,
} from "../../api/agent.js";
import type { BoundPort, TaskState, TaskStatus } from "../../driver/types.js";
import { HttpError } from "./errors.js";
import { stringField } from "./validate.js";

const node_id_pattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const addr_pattern = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/;
const states: ReadonlySet<string> = new Set<TaskState>(["STAGING", "STARTING", "RUNNING", "KILLING", "FINISHED", "FAILED", "KILLED", "LOST"]);
/** Longest status message kept; longer ones are cut. */
const status_message_chars_max = 2_000;
/** Most bound ports kept from one status. */
const bound_ports_max = 64;

function bad(message: string): HttpError {
  return new HttpError(400, "bad_field", message);
}

export function nodeIdField(body: Record<string, unknown>): string {
  const v = stringField(body, "node_id", 128);
  if (!node_id_pattern.test(v)) throw bad(`node_id ${JSON.stringify(v)}: use 1-128 letters, digits, '.', '_' or '-'`);
  return v;
}

function nonNegative(o: Record<string, unknown>, name: string, max: number): number {
  const v = o[name];
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > max) throw bad(`${name} must be a number from 0 to ${max}`);
  return v;
}

export function registerRequest(body: Record<string, unknown>): RegisterRequest {
  const node_id = nodeIdField(body);
  const name = stringField(body, "name", 63);
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(name)) throw bad(`name ${JSON.stringify(name)}: use 1-63 letters, digits, '.', '_' or '-'`);
  const http_addr = stringField(body, "http_addr");
  if (!addr_pattern.test(http_addr)) throw bad(`http_addr ${JSON.stringify(http_addr)} is not host:port`);
  const r = body["resources"];
  if (typeof r !== "object" || r === null || Array.isArray(r)) throw bad("resources must be an object {cpus, memory_bytes, disk_bytes}");
  const res = r as Record<string, unknown>;
  const resources = { cpus: nonNegative(res, "cpus", 4096), memory_bytes: nonNegative(res, "memory_bytes", 2 ** 52), disk_bytes: nonNegative(res, "disk_bytes", 2 ** 52) };
  const a = body["attributes"] ?? {};
  if (typeof a !== "object" || a === null || Array.isArray(a)) throw bad("attributes must be an object of strings");
  const entries = Object.entries(a as Record<string, unknown>);
  if (entries.length > attributes_max) throw bad(`at most ${attributes_max} attributes`);
  const attributes: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== "string" || k.length > attribute_chars_max || v.length > attribute_chars_max) throw bad(`attribute ${JSON.stringify(k)} must be a string of at most ${attribute_chars_max} characters`);
    attributes[k] = v;
  }
  const driver = body["driver"];
  if (driver !== "docker" && driver !== "mock") throw bad('driver must be "docker" or "mock"');
  const version = typeof body["version"] === "string" ? body["version"].slice(0, 64) : "unknown";
  return { node_id, name, http_addr, resources, attributes, driver, version };
}

/** Ports as bound on the node, rebuilt field by field; malformed entries are dropped like other junk in a status. */
function boundPorts(v: unknown[]): BoundPort[] {
  const out: BoundPort[] = [];
  for (const p of v.slice(0, bound_ports_max)) {
    if (typeof p !== "object" || p === null || Array.isArray(p)) continue;
    const { container_port, host_ip, host_port, protocol } = p as Record<string, unknown>;
    const port = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 65535;
    if (!port(container_port) || !port(host_port) || typeof host_ip !== "string" || host_ip.length > 64 || (protocol !== "tcp" && protocol !== "udp")) continue;
    out.push({ container_port, host_ip, host_port, protocol });
  }
  return out;
}

function statusOf(v: unknown, task_id: string, node_id: string): TaskStatus {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(`updates[].status of ${task_id} must be an object`);
  const s = v as Record<string, unknown>;
  if (typeof s["state"] !== "string" || !states.has(s["state"])) throw bad(`status.state of ${task_id} must be one of ${[...states].join(", ")}`);
  if (typeof s["reason"] !== "string" || s["reason"].length > 64) throw bad(`status.reason of ${task_id} must be a short string`);
  const message = typeof s["message"] === "string" ? s["message"].slice(0, status_message_chars_max) : "";
  const out: Record<string, unknown> = { task_id, node_id, state: s["state"], reason: s["reason"], message };
  if (typeof s["container_id"] === "string") out["container_id"] = s["container_id"].slice(0, 128);
  if (typeof s["exit_code"] === "number" && Number.isInteger(s["exit_code"])) out["exit_code"] = s["exit_code"];
  if (Array.isArray(s["ports"])) out["ports"] = boundPorts(s["ports"]);
  return out as unknown as TaskStatus;
}

export function statusRequest(body: Record<string, unknown>): StatusRequest {
  const node_id = nodeIdField(body);
  const u = body["updates"];
  if (!Array.isArray(u)) throw bad("updates must be an array");
  if (u.length > status_updates_per_request_max) throw new HttpError(413, "too_many_updates", `at most ${status_updates_per_request_max} updates per request; send the rest in another`);
  const updates: StatusUpdate[] = u.map((x: unknown, i) => {
    if (typeof x !== "object" || x === null) throw bad(`updates[${i}] must be an object`);
    const o = x as Record<string, unknown>;
    const update_id = stringField(o, "update_id", 200);
    const task_id = stringField(o, "task_id", 128);
    const seq = o["seq"];
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) throw bad(`updates[${i}].seq must be a whole number >= 1`);
    const at_ms = typeof o["at_ms"] === "number" && Number.isFinite(o["at_ms"]) ? o["at_ms"] : 0;
    return { update_id, task_id, seq, at_ms, status: statusOf(o["status"], task_id, node_id) };
  });
  return { node_id, updates };
}
