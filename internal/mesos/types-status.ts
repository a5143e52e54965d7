// Mesos v1 TaskStatus (mesos.proto): every state, source and reason by name, and the container status.
import type {
  AgentID, ContainerID, ExecutorID, Labels, OperationID, ResourceProviderID, TaskID, TimeInfo,
} from "./types-common.js";
import type { Resource } from "./types-resource.js";
import type { NetworkInfo } from "./types-task.js";

export const task_states = [
  "TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_FINISHED", "TASK_FAILED",
  "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_UNREACHABLE", "TASK_GONE",
  "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN",
] as const;
export type TaskState = (typeof task_states)[number];

export const status_sources = ["SOURCE_MASTER", "SOURCE_AGENT", "SOURCE_EXECUTOR"] as const;
export type StatusSource = (typeof status_sources)[number];

export const status_reasons = [
  "REASON_COMMAND_EXECUTOR_FAILED", "REASON_CONTAINER_LAUNCH_FAILED", "REASON_CONTAINER_LIMITATION",
  "REASON_CONTAINER_LIMITATION_DISK", "REASON_CONTAINER_LIMITATION_MEMORY", "REASON_CONTAINER_PREEMPTED",
  "REASON_CONTAINER_UPDATE_FAILED", "REASON_MAX_COMPLETION_TIME_REACHED", "REASON_EXECUTOR_REGISTRATION_TIMEOUT",
  "REASON_EXECUTOR_REREGISTRATION_TIMEOUT", "REASON_EXECUTOR_TERMINATED", "REASON_EXECUTOR_UNREGISTERED",
  "REASON_FRAMEWORK_REMOVED", "REASON_GC_ERROR", "REASON_INVALID_FRAMEWORKID", "REASON_INVALID_OFFERS",
  "REASON_IO_SWITCHBOARD_EXITED", "REASON_MASTER_DISCONNECTED", "REASON_RECONCILIATION",
  "REASON_RESOURCES_UNKNOWN", "REASON_AGENT_DISCONNECTED", "REASON_AGENT_DRAINING", "REASON_AGENT_REMOVED",
  "REASON_AGENT_REMOVED_BY_OPERATOR", "REASON_AGENT_REREGISTERED", "REASON_AGENT_RESTARTED",
  "REASON_AGENT_UNKNOWN", "REASON_TASK_KILLED_DURING_LAUNCH", "REASON_TASK_CHECK_STATUS_UPDATED",
  "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED", "REASON_TASK_GROUP_INVALID", "REASON_TASK_GROUP_UNAUTHORIZED",
  "REASON_TASK_INVALID", "REASON_TASK_UNAUTHORIZED", "REASON_TASK_UNKNOWN",
] as const;
export type StatusReason = (typeof status_reasons)[number];

export interface ContainerStatus {
  container_id?: ContainerID;
  network_infos?: NetworkInfo[];
  cgroup_info?: Record<string, unknown>;
  executor_pid?: number;
}

export interface TaskStatus {
  task_id: TaskID;
  state: TaskState;
  message?: string;
  source?: StatusSource;
  reason?: StatusReason;
  data?: Uint8Array;
  agent_id?: AgentID;
  executor_id?: ExecutorID;
  /** Seconds since the epoch, fractional. */
  timestamp?: number;
  /** 16 bytes; set only on updates that must be acknowledged. */
  uuid?: Uint8Array;
  healthy?: boolean;
  check_status?: Record<string, unknown>;
  labels?: Labels;
  container_status?: ContainerStatus;
  unreachable_time?: TimeInfo;
  limitation?: { resources?: Resource[] };
}

export const operation_states = [
  "OPERATION_UNSUPPORTED", "OPERATION_PENDING", "OPERATION_FINISHED", "OPERATION_FAILED", "OPERATION_ERROR",
  "OPERATION_DROPPED", "OPERATION_UNREACHABLE", "OPERATION_GONE_BY_OPERATOR", "OPERATION_RECOVERING",
  "OPERATION_UNKNOWN",
] as const;
export interface OperationStatus {
  operation_id?: OperationID;
  state: (typeof operation_states)[number];
  message?: string;
  converted_resources?: Resource[];
  uuid?: { value: Uint8Array };
  agent_id?: AgentID;
  resource_provider_id?: ResourceProviderID;
}
