// What the framework host says to a connected external framework, and what a launch asks for:
// protocol-neutral (internal/mesos maps them to Mesos v1 JSON on the wire).
import type { TaskSpec } from "../../driver/types.js";
import type { FrameworkInfoRecord } from "../../fsm/frameworks.js";
import type { TaskEvent } from "../../fsm/tasks.js";
import type { TaskState } from "../../driver/types.js";

/** Resources of one offer or one task, in orch's units. */
export interface HostResources {
  cpus: number;
  memory_bytes: number;
  disk_bytes: number;
  /** Inclusive host port ranges. */
  ports: [number, number][];
}

export interface HostOffer {
  offer_id: string;
  framework_id: string;
  role: string;
  node_id: string;
  hostname: string;
  /** The agent's HTTP address, host:port. */
  agent_addr: string;
  attributes: Readonly<Record<string, string>>;
  resources: HostResources;
}

/** Task states a framework may see: orch's own plus the ones only the master gives. */
export type HostTaskState = TaskState | "ERROR" | "DROPPED" | "UNREACHABLE" | "GONE" | "UNKNOWN";

/** A status update for a framework. uuid is present only for agent-originated updates (to acknowledge). */
export interface HostStatus {
  /** The framework's own task id. */
  task_id: string;
  framework_id: string;
  state: HostTaskState;
  /** orch's reason code, or a Mesos reason name (REASON_...) for master-made statuses. */
  reason: TaskEvent["reason"] | `REASON_${string}`;
  message: string;
  source: "SOURCE_MASTER" | "SOURCE_AGENT" | "SOURCE_EXECUTOR";
  node_id?: string;
  uuid?: string;
  at_ms: number;
  container_id?: string;
  /** Set on reconciliation answers (Mesos sets REASON_RECONCILIATION). */
  reconciliation?: boolean;
}

export type HostEvent =
  | { type: "SUBSCRIBED"; framework_id: string; heartbeat_interval_seconds: number }
  | { type: "OFFERS"; offers: HostOffer[] }
  | { type: "RESCIND"; offer_id: string }
  | { type: "UPDATE"; status: HostStatus }
  | { type: "FAILURE"; node_id: string }
  | { type: "ERROR"; message: string }
  | { type: "HEARTBEAT" };

/** One subscription stream on this leader. */
export interface FrameworkConnection {
  /** Queues an event; the stream ends itself (closing) when its bounded queue overflows. */
  send(ev: HostEvent): void;
  /** Ends the stream, after `last` if given. */
  close(last?: HostEvent): void;
}

/** A task an ACCEPT's LAUNCH asks for, already translated from TaskInfo (or refused). */
export type LaunchRequest =
  | {
      task_id: string;
      name: string;
      /** agent_id the TaskInfo names: must be the offer's node. */
      node_id: string;
      resources: HostResources;
      spec: Omit<TaskSpec, "task_id">;
      grace_ms?: number;
      labels: { key: string; value: string }[];
    }
  | { task_id: string; node_id: string; error: string };

export interface SubscribeRequest {
  framework_id?: string;
  info: FrameworkInfoRecord;
  suppressed_roles?: string[];
}

/** An error a call gets; status as Mesos answers it. */
export class HostError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 503,
    message: string,
  ) {
    super(message);
    this.name = "HostError";
  }
}
