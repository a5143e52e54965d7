// Checks a task spec once, before any engine call, and derives the names and labels a container gets.
import { isIP } from "node:net";
import { DriverError } from "./errors.js";
import type { TaskSpec } from "./types.js";

/** Docker refuses smaller memory limits. */
export const memory_bytes_min = 6 * 1024 * 1024;
/** Docker refuses smaller CPU quotas. */
export const cpus_min = 0.01;
export const ports_max = 64;
export const env_vars_max = 1024;
export const labels_max = 64;

export const label_managed = "orch.managed";
export const label_node_id = "orch.node_id";
export const label_task_id = "orch.task_id";
export const label_memory_bytes = "orch.memory_bytes";

const task_id_pattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
// No underscore, so `orch_<node>_<task>` splits one way only.
const node_id_pattern = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;

export function assertTaskId(task_id: string): void {
  if (!task_id_pattern.test(task_id)) {
    throw new DriverError(
      "invalid_task_id",
      `task id ${JSON.stringify(task_id)} is not valid: use 1–128 characters of ` +
        `A-Z a-z 0-9 _ . - starting with a letter or digit`,
    );
  }
}

export function assertNodeId(node_id: string): void {
  if (!node_id_pattern.test(node_id)) {
    throw new DriverError(
      "invalid_task_id",
      `node id ${JSON.stringify(node_id)} is not valid: use 1–64 characters of ` +
        `A-Z a-z 0-9 . - starting with a letter or digit`,
    );
  }
}

/** The container name is the idempotency key: the engine refuses a second container with it. */
export function containerName(node_id: string, task_id: string): string {
  return `orch_${node_id}_${task_id}`;
}

export function managedLabels(node_id: string, spec: TaskSpec): Record<string, string> {
  return {
    ...spec.labels,
    [label_managed]: "true",
    [label_node_id]: node_id,
    [label_task_id]: spec.task_id,
    // Kept so an OOM message after an agent restart can still name the limit.
    [label_memory_bytes]: String(spec.memory_bytes),
  };
}

/** Every problem with the spec, each naming the field and the fix; empty when it can run. */
export function specProblems(spec: TaskSpec): string[] {
  const problems: string[] = [];
  if (spec.image.trim() === "" || /\s/.test(spec.image)) {
    problems.push(`image ${JSON.stringify(spec.image)} is not an image reference`);
  }
  if (!Number.isFinite(spec.cpus) || spec.cpus < cpus_min) {
    problems.push(`cpus is ${spec.cpus}; give at least ${cpus_min}`);
  }
  if (!Number.isSafeInteger(spec.memory_bytes) || spec.memory_bytes < memory_bytes_min) {
    problems.push(`memory_bytes is ${spec.memory_bytes}; give a whole number of at least ${memory_bytes_min} (6 MiB)`);
  }
  if (spec.pids_limit !== undefined && (!Number.isSafeInteger(spec.pids_limit) || spec.pids_limit < 1)) {
    problems.push(`pids_limit is ${spec.pids_limit}; give a whole number of at least 1`);
  }
  if (spec.command !== undefined && spec.command.length === 0) {
    problems.push("command is empty; leave it out to use the image's entrypoint");
  }
  if (spec.network !== undefined && spec.network !== "bridge" && spec.network !== "host" && spec.network !== "none") {
    problems.push(`network is ${JSON.stringify(spec.network)}; use "bridge", "host" or "none"`);
  }
  if (spec.network !== undefined && spec.network !== "bridge" && (spec.ports ?? []).length > 0) {
    problems.push(`ports are published only on the bridge network; with network "${spec.network}" the task binds its ports itself`);
  }
  problems.push(...envProblems(spec), ...portProblems(spec), ...labelProblems(spec));
  return problems;
}

function envProblems(spec: TaskSpec): string[] {
  const keys = Object.keys(spec.env ?? {});
  if (keys.length > env_vars_max) return [`env has ${keys.length} variables; at most ${env_vars_max} are allowed`];
  return keys
    .filter((key) => key === "" || key.includes("=") || key.includes("\0"))
    .map((key) => `env name ${JSON.stringify(key)} is not valid: it must be non-empty without "=" or NUL`);
}

function portProblems(spec: TaskSpec): string[] {
  const ports = spec.ports ?? [];
  if (ports.length === 0) return [];
  if (ports.length > ports_max) return [`${ports.length} ports requested; at most ${ports_max} are allowed`];
  const problems: string[] = [];
  if (spec.host_ip === undefined || isIP(spec.host_ip) === 0) {
    problems.push(`host_ip is ${JSON.stringify(spec.host_ip)}; ports need the host address to bind, e.g. "127.0.0.1"`);
  }
  const seen = new Set<string>();
  for (const port of ports) {
    const where = `port ${port.container_port}/${port.protocol}`;
    if (!isPortNumber(port.container_port, 1)) problems.push(`${where}: container_port must be 1–65535`);
    if (!isPortNumber(port.host_port, 0)) problems.push(`${where}: host_port must be 0–65535 (0 lets the engine choose)`);
    if (port.protocol !== "tcp" && port.protocol !== "udp") problems.push(`${where}: protocol must be "tcp" or "udp"`);
    const keys = [`c:${port.container_port}/${port.protocol}`];
    if (port.host_port !== 0) keys.push(`h:${port.host_port}/${port.protocol}`);
    for (const key of keys) {
      if (seen.has(key)) problems.push(`${where}: the same port is published twice; list each once`);
      seen.add(key);
    }
  }
  return problems;
}

function labelProblems(spec: TaskSpec): string[] {
  const keys = Object.keys(spec.labels ?? {});
  if (keys.length > labels_max) return [`${keys.length} labels given; at most ${labels_max} are allowed`];
  return keys
    .filter((key) => key.startsWith("orch."))
    .map((key) => `label ${key} uses the reserved prefix "orch."; rename it`);
}

function isPortNumber(value: number, min: number): boolean {
  return Number.isInteger(value) && value >= min && value <= 65535;
}

/** "64 MiB" for people; exact bytes when not a whole number of KiB. */
export function formatBytes(bytes: number): string {
  const units = ["GiB", "MiB", "KiB"] as const;
  for (const [index, unit] of units.entries()) {
    const size = 1024 ** (units.length - index);
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}
