// Builds TaskStatus messages: the uuid an update is acknowledged by, the timestamp, and Mesos's fields by name.
import type { Labels } from "./types-common.js";
import type { ContainerStatus, StatusReason, StatusSource, TaskState, TaskStatus } from "./types-status.js";

export const uuid_bytes = 16;

/**
 * A version-4 UUID from 16 random bytes the caller draws (this module reads no clock or
 * randomness). Mesos refuses acknowledgements whose uuid is not a UUID of a known version.
 */
export function statusUuid(random: Uint8Array): Uint8Array {
  if (random.length !== uuid_bytes) throw new RangeError(`mesos: a status uuid needs ${uuid_bytes} random bytes, not ${random.length}`);
  const uuid = Uint8Array.from(random);
  uuid[6] = ((uuid[6] ?? 0) & 0x0f) | 0x40;
  uuid[8] = ((uuid[8] ?? 0) & 0x3f) | 0x80;
  return uuid;
}

/** Mesos's TaskStatus.timestamp: seconds since the epoch as a double. */
export function timestampSeconds(at_ms: number): number {
  return at_ms / 1000;
}

export interface StatusInput {
  task_id: string;
  state: TaskState;
  source: StatusSource;
  reason?: StatusReason;
  message?: string;
  agent_id?: string;
  executor_id?: string;
  healthy?: boolean;
  labels?: Labels;
  container_status?: ContainerStatus;
  data?: Uint8Array;
}

/**
 * One status at `at_ms`. Give `uuid` (from statusUuid) for updates the framework must
 * acknowledge and orch retries until it does; leave it out for master-made answers
 * (reconciliation, lost nodes), which are sent once and must not be acknowledged.
 */
export function taskStatus(input: StatusInput, at_ms: number, uuid?: Uint8Array): TaskStatus {
  return {
    task_id: { value: input.task_id },
    state: input.state,
    ...(input.message === undefined ? {} : { message: input.message }),
    source: input.source,
    ...(input.reason === undefined ? {} : { reason: input.reason }),
    ...(input.data === undefined ? {} : { data: input.data }),
    ...(input.agent_id === undefined ? {} : { agent_id: { value: input.agent_id } }),
    ...(input.executor_id === undefined ? {} : { executor_id: { value: input.executor_id } }),
    timestamp: timestampSeconds(at_ms),
    ...(uuid === undefined ? {} : { uuid }),
    ...(input.healthy === undefined ? {} : { healthy: input.healthy }),
    ...(input.labels === undefined ? {} : { labels: input.labels }),
    ...(input.container_status === undefined ? {} : { container_status: input.container_status }),
  };
}
