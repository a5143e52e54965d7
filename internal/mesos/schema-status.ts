// Decoders for TaskStatus and OperationStatus, so tests and example clients read events as a framework does.
import { bool, bytes, enumOf, string } from "./codec.js";
import { message, opaque, repeated } from "./codec-message.js";
import { double, uint32 } from "./codec-number.js";
import {
  agentId, containerId, executorId, labels, operationId, resource, resourceProviderId, taskId, timeInfo,
} from "./schema-common.js";
import { networkInfo } from "./schema-task.js";
import * as s from "./types-status.js";

const containerStatus = message<s.ContainerStatus>({
  container_id: containerId,
  network_infos: repeated(networkInfo),
  cgroup_info: opaque,
  executor_pid: uint32,
});

export const taskStatus = message<s.TaskStatus>(
  {
    task_id: taskId,
    state: enumOf(s.task_states, true),
    message: string,
    source: enumOf(s.status_sources),
    reason: enumOf(s.status_reasons),
    data: bytes,
    agent_id: agentId,
    executor_id: executorId,
    timestamp: double,
    uuid: bytes,
    healthy: bool,
    check_status: opaque,
    labels,
    container_status: containerStatus,
    unreachable_time: timeInfo,
    limitation: message<NonNullable<s.TaskStatus["limitation"]>>({ resources: repeated(resource) }),
  },
  ["task_id", "state"],
);

export const operationStatus = message<s.OperationStatus>(
  {
    operation_id: operationId,
    state: enumOf(s.operation_states, true),
    message: string,
    converted_resources: repeated(resource),
    uuid: message<{ value: Uint8Array }>({ value: bytes }, ["value"]),
    agent_id: agentId,
    resource_provider_id: resourceProviderId,
  },
  ["state"],
);
