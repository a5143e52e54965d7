// Checks of a service or job submission: each failure names the field, the value and what is accepted.
import type { PortMapping } from "../../driver/types.js";
import type { ServiceSpec } from "../../fsm/services.js";
import { ConstraintError, parseConstraint } from "../../scheduler/constraint.js";
import { HttpError } from "./errors.js";
import { shown } from "./validate.js";

export const service_name_pattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const count_max = 10_000;
export const cpus_min = 0.01;
export const cpus_max = 1024;
/** Docker refuses memory limits under 6 MiB. */
export const memory_bytes_min = 6 * 1024 * 1024;
export const memory_bytes_max = 2 ** 50;
export const env_vars_max = 256;
export const argv_items_max = 256;
export const argv_item_chars_max = 4096;
export const ports_max = 64;
export const constraints_max = 16;
export const grace_ms_max = 10 * 60_000;
export const retries_max_max = 1000;
export const role_pattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function bad(message: string): HttpError {
  return new HttpError(400, "bad_field", message);
}

function strings(body: Record<string, unknown>, name: string): string[] | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw bad(`${name} must be an array of strings`);
  if (v.length > argv_items_max) throw bad(`${name} has ${v.length} items; at most ${argv_items_max}`);
  for (const x of v as string[]) if (x.length > argv_item_chars_max) throw bad(`an item of ${name} is longer than ${argv_item_chars_max} characters`);
  return v as string[];
}

function num(body: Record<string, unknown>, name: string, def: number | undefined, min: number, max: number, integer: boolean): number {
  const v = body[name] ?? def;
  if (v === undefined) throw bad(`${name} is required`);
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${name} must be a number, not ${shown(v)}`);
  if (integer && !Number.isInteger(v)) throw bad(`${name} must be a whole number, not ${v}`);
  if (v < min || v > max) throw bad(`${name} ${v} is out of range: give ${min} to ${max}`);
  return v;
}

function oneOf<T extends string>(body: Record<string, unknown>, name: string, allowed: readonly T[], def: T): T {
  const v = body[name] ?? def;
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) throw bad(`${name} must be one of ${allowed.join(", ")}, not ${shown(v)}`);
  return v as T;
}

function ports(body: Record<string, unknown>): PortMapping[] {
  const v = body["ports"] ?? [];
  if (!Array.isArray(v)) throw bad("ports must be an array of {container_port, host_port, protocol}");
  if (v.length > ports_max) throw bad(`at most ${ports_max} ports`);
  const seen = new Set<number>();
  return v.map((p: unknown, i) => {
    if (typeof p !== "object" || p === null || Array.isArray(p)) throw bad(`ports[${i}] must be an object`);
    const o = p as Record<string, unknown>;
    const container_port = num(o, "container_port", undefined, 1, 65535, true);
    const host_port = num(o, "host_port", 0, 0, 65535, true);
    const protocol = oneOf(o, "protocol", ["tcp", "udp"] as const, "tcp");
    if (host_port !== 0) {
      if (seen.has(host_port)) throw bad(`host port ${host_port} is given twice`);
      seen.add(host_port);
    }
    return { container_port, host_port, protocol };
  });
}

export function serviceSpec(body: Record<string, unknown>, default_name: string): ServiceSpec {
  const known = ["name", "kind", "image", "command", "args", "env", "cpus", "memory_bytes", "disk_bytes", "count", "ports", "host_ip", "constraints", "restart", "retries_max", "role", "grace_ms", "strategy"];
  for (const k of Object.keys(body)) if (!known.includes(k)) throw bad(`unknown field "${k}"; known fields: ${known.join(", ")}`);
  const name = body["name"] ?? default_name;
  if (typeof name !== "string" || !service_name_pattern.test(name)) throw bad(`name ${shown(name)}: use 1-63 lower-case letters, digits or '-', starting with a letter or digit`);
  const image = body["image"];
  if (typeof image !== "string" || image === "" || image.length > 512 || /\s/.test(image)) throw bad("image must be an image reference such as busybox:latest (no spaces, at most 512 characters)");
  const kind = oneOf(body, "kind", ["service", "job"] as const, "service");
  const env = body["env"] ?? {};
  if (typeof env !== "object" || env === null || Array.isArray(env)) throw bad("env must be an object of strings");
  const env_entries = Object.entries(env as Record<string, unknown>);
  if (env_entries.length > env_vars_max) throw bad(`at most ${env_vars_max} environment variables`);
  for (const [k, v] of env_entries) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw bad(`env name ${shown(k)}: use letters, digits and '_', not starting with a digit`);
    if (typeof v !== "string" || v.length > argv_item_chars_max) throw bad(`env ${k} must be a string of at most ${argv_item_chars_max} characters`);
  }
  const constraints = strings(body, "constraints") ?? [];
  if (constraints.length > constraints_max) throw bad(`at most ${constraints_max} constraints`);
  for (const c of constraints) {
    try {
      parseConstraint(c);
    } catch (err) {
      throw bad(err instanceof ConstraintError || err instanceof Error ? err.message : String(err));
    }
  }
  const host_ip = body["host_ip"] ?? "0.0.0.0";
  if (typeof host_ip !== "string" || !/^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+)$/.test(host_ip)) throw bad(`host_ip ${shown(host_ip)} must be an IP address such as 0.0.0.0 or 127.0.0.1`);
  const role = body["role"] ?? "default";
  if (typeof role !== "string" || !role_pattern.test(role)) throw bad(`role ${shown(role)}: use 1-63 lower-case letters, digits, '_' or '-'`);
  const command = strings(body, "command");
  const args = strings(body, "args");
  return {
    name,
    kind,
    image,
    ...(command !== undefined ? { command } : {}),
    ...(args !== undefined ? { args } : {}),
    ...(env_entries.length > 0 ? { env: env as Record<string, string> } : {}),
    cpus: num(body, "cpus", 0.1, cpus_min, cpus_max, false),
    memory_bytes: num(body, "memory_bytes", 128 * 1024 * 1024, memory_bytes_min, memory_bytes_max, true),
    disk_bytes: num(body, "disk_bytes", 0, 0, 2 ** 52, true),
    count: num(body, "count", 1, kind === "job" ? 1 : 0, count_max, true),
    ports: ports(body),
    host_ip,
    constraints,
    restart: oneOf(body, "restart", ["always", "on-failure", "never"] as const, kind === "job" ? "on-failure" : "always"),
    retries_max: num(body, "retries_max", 3, 0, retries_max_max, true),
    role,
    grace_ms: num(body, "grace_ms", 10_000, 0, grace_ms_max, true),
    strategy: oneOf(body, "strategy", ["binpack", "spread"] as const, "binpack"),
  };
}
