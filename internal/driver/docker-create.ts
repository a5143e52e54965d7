// Translates a validated task spec into the engine's container-create request.
import type { ContainerCreateOptions } from "dockerode";
import { containerName, managedLabels } from "./spec.js";
import type { TaskSpec } from "./types.js";

export interface CreateSettings {
  node_id: string;
  /** Run docker-init as PID 1 so SIGTERM reaches the program and zombies are reaped. */
  init: boolean;
  /** Per-container log file bound on disk (json-file rotation): size of one file and how many. */
  log_file_bytes_max: number;
  log_files_max: number;
}

const nano_cpus_per_cpu = 1e9;

export function createOptions(spec: TaskSpec, settings: CreateSettings): ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of spec.ports ?? []) {
    const key = `${port.container_port}/${port.protocol}`;
    exposed[key] = {};
    // "" asks the engine for a free port, which the status then reports.
    const host_port = port.host_port === 0 ? "" : String(port.host_port);
    bindings[key] = [{ HostIp: spec.host_ip ?? "127.0.0.1", HostPort: host_port }];
  }
  return {
    name: containerName(settings.node_id, spec.task_id),
    Image: spec.image,
    ...(spec.command === undefined ? {} : { Entrypoint: spec.command }),
    ...(spec.args === undefined ? {} : { Cmd: spec.args }),
    Env: Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`),
    Labels: managedLabels(settings.node_id, spec),
    ...(spec.network === undefined || spec.network === "bridge" ? { ExposedPorts: exposed } : {}),
    Tty: false,
    OpenStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      NanoCpus: Math.round(spec.cpus * nano_cpus_per_cpu),
      Memory: spec.memory_bytes,
      // Equal to Memory: no swap, so the limit is the limit and OOM shows up as OOM.
      MemorySwap: spec.memory_bytes,
      ...(spec.pids_limit === undefined ? {} : { PidsLimit: spec.pids_limit }),
      ...(spec.network === undefined || spec.network === "bridge" ? { PortBindings: bindings } : { NetworkMode: spec.network }),
      Init: settings.init,
      RestartPolicy: { Name: "no" },
      LogConfig: {
        Type: "json-file",
        Config: { "max-size": String(settings.log_file_bytes_max), "max-file": String(settings.log_files_max) },
      },
    },
  };
}
