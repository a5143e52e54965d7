// Mesos's checks on one TaskInfo that need no master state, plus what orch cannot run, as sentences for TASK_ERROR.
import { idProblem } from "./ids.js";
import type { Resource } from "./types-resource.js";
import type { Environment, TaskInfo } from "./types-task.js";

/** Resource features orch has no counterpart for. */
export function resourceProblem(resources: readonly Resource[]): string | null {
  if (resources.length === 0) return "Task uses no resources";
  const roles = new Set(resources.map((r) => r.allocation_info?.role));
  if (roles.size > 1) return `Invalid task resources: the resources have multiple allocation roles (${[...roles].join(", ")}) but only one allocation role is allowed`;
  for (const r of resources) {
    if (r.name === "gpus" && (r.scalar?.value ?? 0) > 0) return "GPUs are not supported";
    if (r.disk !== undefined) return `Resource '${r.name}': persistent volumes and disk sources are not supported`;
    if ((r.reservations ?? []).length > 0 || r.reservation !== undefined || (r.role ?? "*") !== "*") {
      return `Resource '${r.name}': reserved resources are not supported (orch offers only unreserved resources, role "*")`;
    }
    if (r.revocable !== undefined) return `Resource '${r.name}': revocable resources are not supported`;
    if (r.shared !== undefined) return `Resource '${r.name}': shared resources are not supported`;
    if (r.provider_id !== undefined) return `Resource '${r.name}': resource providers are not supported`;
  }
  return null;
}

/** The variables as name → value, or Mesos's words for a bad one (validateEnvironment) or a secret. */
export function environmentOf(environment: Environment | undefined): Record<string, string> | string {
  const env: Record<string, string> = {};
  for (const v of environment?.variables ?? []) {
    const type = v.type ?? "VALUE";
    if (type === "UNKNOWN") return "Environment variable of type 'UNKNOWN' is not allowed";
    if (type === "SECRET") return `Environment variable '${v.name}': secrets are not supported`;
    if (v.value === undefined) return `Environment variable '${v.name}' of type 'VALUE' must have a value set`;
    if (v.secret !== undefined) return `Environment variable '${v.name}' of type 'VALUE' must not have a secret set`;
    Object.defineProperty(env, v.name, { value: v.value, enumerable: true, writable: true, configurable: true });
  }
  return env;
}

/** Checks in Mesos's order that come before the command and container are read. */
export function taskProblem(task: TaskInfo): string | null {
  const id = idProblem(task.task_id.value);
  if (id !== null) return id;
  if ((task.kill_policy?.grace_period?.nanoseconds ?? 0) < 0) return "Task's 'kill_policy.grace_period' must be non-negative";
  if (task.max_completion_time !== undefined) return "max_completion_time is not supported";
  const resources = resourceProblem(task.resources ?? []);
  if (resources !== null) return resources;
  if ((task.executor === undefined) === (task.command === undefined)) {
    return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
  }
  if (task.executor !== undefined) return "custom executors are not supported: give the task a command and a container instead of an executor";
  if (task.limits !== undefined && Object.keys(task.limits).length > 0) {
    return "task resource limits are not supported: orch enforces the requested cpus and mem as the limits";
  }
  if ((task.command?.uris ?? []).length > 0) return "command URIs are not supported: orch does not fetch files; build them into the image";
  if (task.container === undefined) {
    return "a container is required: orch runs every task in a Docker image (container type DOCKER with docker.image, or MESOS with a Docker mesos.image)";
  }
  return null;
}
