// Maps `docker inspect` of a managed container, plus what this driver is doing to it, to a task status.
import type { ContainerInspectInfo } from "dockerode";
import { label_memory_bytes } from "./spec.js";
import { activeStatus, exitStatus, type TaskIdentity } from "./states.js";
import type { BoundPort, TaskStatus } from "./types.js";

export interface DriverIntent {
  /** start() is between create and a settled start. */
  starting: boolean;
  /** stop() has been called on it by this driver instance. */
  stop_requested: boolean;
}

export function statusFromInspect(who: TaskIdentity, info: ContainerInspectInfo, intent: DriverIntent): TaskStatus {
  const base = { ...who, container_id: info.Id };
  const ports = boundPorts(info);
  const withPorts = <T extends TaskStatus>(status: T): T => (ports.length === 0 ? status : { ...status, ports });
  const state = info.State;
  switch (state.Status) {
    case "created":
      if (state.Error !== "" || intent.stop_requested) break;
      return activeStatus(base, intent.starting ? "STARTING" : "STAGING");
    case "running":
    case "paused":
    case "restarting":
      return withPorts(activeStatus(base, intent.stop_requested ? "KILLING" : "RUNNING"));
    case "removing":
      return activeStatus(base, "KILLING");
    default:
      break;
  }
  const memory = Number(info.Config.Labels[label_memory_bytes]);
  return exitStatus(base, {
    exit_code: state.ExitCode,
    oom_killed: state.OOMKilled,
    stop_requested: intent.stop_requested,
    engine_error: state.Error,
    ...(Number.isSafeInteger(memory) ? { memory_bytes: memory } : {}),
  });
}

function boundPorts(info: ContainerInspectInfo): BoundPort[] {
  const ports: BoundPort[] = [];
  const published = (info.NetworkSettings.Ports ?? {}) as Record<string, { HostIp: string; HostPort: string }[] | null>;
  for (const [key, bindings] of Object.entries(published)) {
    const [port, protocol] = key.split("/");
    if (protocol !== "tcp" && protocol !== "udp") continue;
    for (const binding of bindings ?? []) {
      ports.push({ container_port: Number(port), host_ip: binding.HostIp, host_port: Number(binding.HostPort), protocol });
    }
  }
  return ports.sort((a, b) => a.container_port - b.container_port || a.host_ip.localeCompare(b.host_ip));
}
