// Decoders for TaskInfo and what it holds: command, environment, container, kill policy, health check, executor.
import { bool, bytes, enumOf, string } from "./codec.js";
import { map, message, opaque, repeated } from "./codec-message.js";
import { double, uint32 } from "./codec-number.js";
import type { Decoder } from "./codec.js";
import type { Scalar } from "./types-common.js";
import { agentId, durationInfo, executorId, frameworkId, labels, parameter, resource, scalar, taskId } from "./schema-common.js";
import * as k from "./types-task.js";

const variable = message<k.EnvironmentVariable>(
  { name: string, type: enumOf(k.variable_types), value: string, secret: opaque },
  ["name"],
);
const uri = message<k.CommandURI>(
  { value: string, executable: bool, extract: bool, cache: bool, output_file: string },
  ["value"],
);
export const commandInfo = message<k.CommandInfo>({
  uris: repeated(uri),
  environment: message<k.Environment>({ variables: repeated(variable) }),
  shell: bool,
  value: string,
  arguments: repeated(string),
  user: string,
});

export const image = message<k.Image>(
  {
    type: enumOf(k.image_types, true),
    appc: message<{ name: string }>({ name: string }, ["name"]),
    docker: message<NonNullable<k.Image["docker"]>>({ name: string, config: opaque }, ["name"]),
    cached: bool,
  },
  ["type"],
);
const volume = message<k.Volume>(
  { mode: enumOf(k.volume_modes, true), container_path: string, host_path: string, image, source: opaque },
  ["mode", "container_path"],
);
const portMapping = message<k.PortMapping>(
  { host_port: uint32, container_port: uint32, protocol: string },
  ["host_port", "container_port"],
);
const protocol = enumOf(k.network_protocols);
export const networkInfo = message<k.NetworkInfo>({
  ip_addresses: repeated(message<k.IPAddress>({ protocol, ip_address: string })),
  name: string,
  groups: repeated(string),
  labels,
  port_mappings: repeated(portMapping),
});
const dockerInfo = message<k.DockerInfo>(
  {
    image: string,
    network: enumOf(k.docker_networks),
    port_mappings: repeated(portMapping),
    privileged: bool,
    parameters: repeated(parameter),
    force_pull_image: bool,
    volume_driver: string,
  },
  ["image"],
);
export const containerInfo = message<k.ContainerInfo>(
  {
    type: enumOf(k.container_types, true),
    volumes: repeated(volume),
    hostname: string,
    docker: dockerInfo,
    mesos: message<NonNullable<k.ContainerInfo["mesos"]>>({ image }),
    network_infos: repeated(networkInfo),
    linux_info: opaque,
    rlimit_info: opaque,
    tty_info: opaque,
  },
  ["type"],
);

const healthCheck = message<k.HealthCheck>({
  delay_seconds: double,
  interval_seconds: double,
  timeout_seconds: double,
  consecutive_failures: uint32,
  grace_period_seconds: double,
  type: enumOf(k.health_check_types),
  command: commandInfo,
  http: message<NonNullable<k.HealthCheck["http"]>>(
    { protocol, scheme: string, port: uint32, path: string, statuses: repeated(uint32) },
    ["port"],
  ),
  tcp: message<NonNullable<k.HealthCheck["tcp"]>>({ protocol, port: uint32 }, ["port"]),
});

// Mesos's own docs write limits as bare values ({"cpus": "Infinity", "mem": 512}) though the proto
// says Value.Scalar; both forms are read.
const limitScalar: Decoder<Scalar> = (value, path) =>
  typeof value === "number" || typeof value === "string" ? { value: double(value, path) ?? 0 } : scalar(value, path);

export const killPolicy = message<k.KillPolicy>({ grace_period: durationInfo });

export const executorInfo = message<k.ExecutorInfo>(
  {
    type: enumOf(k.executor_types),
    executor_id: executorId,
    framework_id: frameworkId,
    command: commandInfo,
    container: containerInfo,
    resources: repeated(resource),
    name: string,
    source: string,
    data: bytes,
    discovery: opaque,
    shutdown_grace_period: durationInfo,
    labels,
  },
  ["executor_id"],
);

export const taskInfo = message<k.TaskInfo>(
  {
    name: string,
    task_id: taskId,
    agent_id: agentId,
    resources: repeated(resource),
    executor: executorInfo,
    command: commandInfo,
    container: containerInfo,
    health_check: healthCheck,
    check: opaque,
    kill_policy: killPolicy,
    data: bytes,
    labels,
    discovery: opaque,
    max_completion_time: durationInfo,
    limits: map(limitScalar),
  },
  ["name", "task_id", "agent_id"],
);

export const taskGroupInfo = message<k.TaskGroupInfo>({ tasks: repeated(taskInfo) });
