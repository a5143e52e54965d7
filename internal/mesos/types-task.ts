// Mesos v1 TaskInfo and what it holds (mesos.proto): command, container, kill policy, health check, executor.
import type { AgentID, DurationInfo, ExecutorID, FrameworkID, Labels, Parameter, Scalar, TaskID } from "./types-common.js";
import type { Resource } from "./types-resource.js";

export const variable_types = ["UNKNOWN", "VALUE", "SECRET"] as const;
export interface EnvironmentVariable {
  name: string;
  /** VALUE when unset. */
  type?: (typeof variable_types)[number];
  value?: string;
  secret?: Record<string, unknown>;
}
export interface Environment { variables?: EnvironmentVariable[] }

export interface CommandURI { value: string; executable?: boolean; extract?: boolean; cache?: boolean; output_file?: string }
export interface CommandInfo {
  uris?: CommandURI[];
  environment?: Environment;
  /** true when unset: run `value` with /bin/sh -c. */
  shell?: boolean;
  value?: string;
  arguments?: string[];
  user?: string;
}

export const image_types = ["APPC", "DOCKER"] as const;
export interface Image {
  type: (typeof image_types)[number];
  appc?: { name: string };
  docker?: { name: string; config?: Record<string, unknown> };
  cached?: boolean;
}

export const volume_modes = ["RW", "RO"] as const;
export interface Volume {
  mode: (typeof volume_modes)[number];
  container_path: string;
  host_path?: string;
  image?: Image;
  source?: Record<string, unknown>;
}

export interface PortMapping { host_port: number; container_port: number; protocol?: string }
export const docker_networks = ["HOST", "BRIDGE", "NONE", "USER"] as const;
export type DockerNetwork = (typeof docker_networks)[number];
export interface DockerInfo {
  image: string;
  /** HOST when unset. */
  network?: DockerNetwork;
  port_mappings?: PortMapping[];
  privileged?: boolean;
  parameters?: Parameter[];
  force_pull_image?: boolean;
  volume_driver?: string;
}

export const network_protocols = ["IPv4", "IPv6"] as const;
export interface IPAddress { protocol?: (typeof network_protocols)[number]; ip_address?: string }
export interface NetworkInfo {
  ip_addresses?: IPAddress[];
  name?: string;
  groups?: string[];
  labels?: Labels;
  port_mappings?: PortMapping[];
}

export const container_types = ["DOCKER", "MESOS"] as const;
export interface ContainerInfo {
  type: (typeof container_types)[number];
  volumes?: Volume[];
  hostname?: string;
  docker?: DockerInfo;
  mesos?: { image?: Image };
  network_infos?: NetworkInfo[];
  linux_info?: Record<string, unknown>;
  rlimit_info?: Record<string, unknown>;
  tty_info?: Record<string, unknown>;
}

export interface KillPolicy { grace_period?: DurationInfo }

export const health_check_types = ["UNKNOWN", "COMMAND", "HTTP", "TCP"] as const;
export interface HealthCheck {
  delay_seconds?: number;
  interval_seconds?: number;
  timeout_seconds?: number;
  consecutive_failures?: number;
  grace_period_seconds?: number;
  type?: (typeof health_check_types)[number];
  command?: CommandInfo;
  http?: { protocol?: (typeof network_protocols)[number]; scheme?: string; port: number; path?: string; statuses?: number[] };
  tcp?: { protocol?: (typeof network_protocols)[number]; port: number };
}

export const executor_types = ["UNKNOWN", "DEFAULT", "CUSTOM"] as const;
export interface ExecutorInfo {
  type?: (typeof executor_types)[number];
  executor_id: ExecutorID;
  framework_id?: FrameworkID;
  command?: CommandInfo;
  container?: ContainerInfo;
  resources?: Resource[];
  name?: string;
  source?: string;
  data?: Uint8Array;
  discovery?: Record<string, unknown>;
  shutdown_grace_period?: DurationInfo;
  labels?: Labels;
}

export interface TaskInfo {
  name: string;
  task_id: TaskID;
  agent_id: AgentID;
  resources?: Resource[];
  executor?: ExecutorInfo;
  command?: CommandInfo;
  container?: ContainerInfo;
  health_check?: HealthCheck;
  check?: Record<string, unknown>;
  kill_policy?: KillPolicy;
  data?: Uint8Array;
  labels?: Labels;
  discovery?: Record<string, unknown>;
  max_completion_time?: DurationInfo;
  /** Burst limits above the requested cpus/mem ("Infinity" allowed). */
  limits?: Record<string, Scalar>;
}

export interface TaskGroupInfo { tasks?: TaskInfo[] }
