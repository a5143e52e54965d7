// The replicated state machine's commands: one append-only list of types, one payload each.
// Never renumber or remove a type: the log on disk holds them forever.

import type { RegisterRequest, StatusUpdate } from "../api/agent.js";
import type { TaskSpec } from "../driver/types.js";
import type { NodeStatus } from "./nodes.js";
import type { ServiceSpec, ServiceState } from "./services.js";

export const CommandType = {
  kv_put: 1,
  kv_delete: 2,
  member_update: 3,
  node_register: 4,
  node_status: 5,
  task_status: 6,
  service_put: 7,
  service_stop: 8,
  service_scale: 9,
  plan_apply: 10,
  task_stop: 11,
  tasks_forget: 12,
} as const;
export type CommandType = (typeof CommandType)[keyof typeof CommandType];

/** A task the plan applier places: made complete on the leader, applied as given. */
export interface NewTask {
  task_id: string;
  service: string;
  version: number;
  node_id: string;
  spec: TaskSpec;
}

/** Per-service bookkeeping carried by a plan. */
export interface PlanServiceUpdate {
  name: string;
  tasks_made: number;
  restarts: number;
  pending_reason: string;
  pending_count: number;
  state?: ServiceState;
}

/** Payload of each command type. All are JSON but a put's value: bytes (the log's JSON form carries them as base64). */
export interface CommandPayloads {
  [CommandType.kv_put]: {
    key: string;
    value: Uint8Array;
    /** Compare-and-set: apply only if the key's modify index equals this (0: key absent). */
    cas?: number;
  };
  [CommandType.kv_delete]: { key: string; cas?: number };
  /** A server announces the addresses it serves on (kept beside Raft membership). */
  [CommandType.member_update]: { id: number; name: string; raft_addr: string; http_addr: string };
  [CommandType.node_register]: RegisterRequest;
  /** The leader's liveness verdict; `down` makes the node's active tasks LOST. */
  [CommandType.node_status]: { node_id: string; status: NodeStatus; reason: string };
  [CommandType.task_status]: { node_id: string; updates: StatusUpdate[] };
  [CommandType.service_put]: { spec: ServiceSpec };
  [CommandType.service_stop]: { name: string };
  [CommandType.service_scale]: { name: string; count: number };
  /** Checked by the plan applier against current state before it is proposed. */
  [CommandType.plan_apply]: { tasks: NewTask[]; stops: { task_id: string; message: string }[]; services: PlanServiceUpdate[] };
  [CommandType.task_stop]: { task_id: string; message: string };
  /** Forget ended tasks (bounded history per service). */
  [CommandType.tasks_forget]: { task_ids: string[] };
}

export type Command = { [T in CommandType]: { type: T } & CommandPayloads[T] }[CommandType];

/** What the log carries: the command, a request id for the proposer, and when it was made. */
export interface Envelope {
  /** Unique per proposal ("<node id>-<counter>"), so the proposer finds its result. */
  rid: string;
  /** Proposer's wall clock in ms: the only time the state machine ever sees. */
  at_ms: number;
  cmd: Command;
}
