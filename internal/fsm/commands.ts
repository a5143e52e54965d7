// The replicated state machine's commands: one append-only list of types, one payload each.
// Never renumber or remove a type: the log on disk holds them forever.

import type { RegisterRequest, StatusUpdate } from "../api/agent.js";
import type { TaskSpec } from "../driver/types.js";
import type { DeclineFilter, FrameworkInfoRecord } from "./frameworks.js";
import type { NodeStatus } from "./nodes.js";
import type { RoleResources } from "./roles.js";
import type { FrameworkTask } from "./tasks.js";
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
  framework_put: 13,
  framework_disconnect: 14,
  framework_remove: 15,
  framework_suppress: 16,
  framework_decline: 17,
  framework_ack: 18,
  task_kill: 19,
  role_set: 20,
} as const;
export type CommandType = (typeof CommandType)[keyof typeof CommandType];

/**
 * The command-set version that introduced each type. Servers announce the version they know
 * (member_update); a server proposes a type only when every member knows it, and a server that
 * meets a type newer than its own version stops (state.ts) instead of skipping it. A new type
 * takes the next version; a payload change old servers would misread takes one too.
 * 12 is the baseline: every type an orch build knew before servers announced versions.
 */
export const command_introduced_in: { readonly [T in CommandType]: number } = {
  [CommandType.kv_put]: 12,
  [CommandType.kv_delete]: 12,
  [CommandType.member_update]: 12,
  [CommandType.node_register]: 12,
  [CommandType.node_status]: 12,
  [CommandType.task_status]: 12,
  [CommandType.service_put]: 12,
  [CommandType.service_stop]: 12,
  [CommandType.service_scale]: 12,
  [CommandType.plan_apply]: 12,
  [CommandType.task_stop]: 12,
  [CommandType.tasks_forget]: 12,
  [CommandType.framework_put]: 13,
  [CommandType.framework_disconnect]: 13,
  [CommandType.framework_remove]: 13,
  [CommandType.framework_suppress]: 13,
  [CommandType.framework_decline]: 13,
  [CommandType.framework_ack]: 13,
  [CommandType.task_kill]: 13,
  [CommandType.role_set]: 13,
};

/** What a member that never announced a version (an older build, or a new member not yet heard from) is taken to know. */
export const command_set_version_baseline = 12;

/** The command-set version of this build: the newest version any of its types was introduced in. */
export const command_set_version: number = Math.max(...Object.values(command_introduced_in));

/** The type's name in the enum ("role_set"), for messages. */
export function commandTypeName(type: number): string {
  for (const [name, t] of Object.entries(CommandType)) if (t === type) return name;
  return `type ${type}`;
}

/** A task the plan applier places: made complete on the leader, applied as given. */
export interface NewTask {
  task_id: string;
  /** The service or job; for an external framework's task, the framework id. */
  service: string;
  version: number;
  node_id: string;
  spec: TaskSpec;
  /** Tasks of external frameworks: their Mesos identity (pending starts empty). */
  framework?: Omit<FrameworkTask, "pending">;
  grace_ms?: number;
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
  [CommandType.member_update]: {
    id: number;
    name: string;
    raft_addr: string;
    http_addr: string;
    /** The command-set version the server's build knows; absent in entries older builds wrote (the baseline). */
    command_set_version?: number;
  };
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
  /** SUBSCRIBE (connect: true; first time or again) or UPDATE_FRAMEWORK (connect: false). */
  [CommandType.framework_put]: { framework_id: string; info: FrameworkInfoRecord; connect: boolean; suppressed_roles?: string[] };
  /**
   * The framework's stream broke: failover_timeout starts. With subscribed_at_ms (a new leader
   * marking streams of the old one gone), only if the framework has not subscribed since.
   */
  [CommandType.framework_disconnect]: { framework_id: string; subscribed_at_ms?: number };
  /** TEARDOWN, failover timeout or operator: every task of it is killed. */
  [CommandType.framework_remove]: { framework_id: string; reason: string };
  /** SUPPRESS (suppress: true) or REVIVE; an empty role list means all of the framework's roles. REVIVE also clears filters. */
  [CommandType.framework_suppress]: { framework_id: string; roles: string[]; suppress: boolean };
  /** DECLINE (and what an ACCEPT left unused): nodes not offered again before until_ms. */
  [CommandType.framework_decline]: { framework_id: string; filters: DeclineFilter[] };
  /** ACKNOWLEDGE of one status update. */
  [CommandType.framework_ack]: { framework_id: string; task_id: string; uuid: string };
  /** KILL: stop one task, with the grace its kill policy gives (else the task's own). */
  [CommandType.task_kill]: { task_id: string; grace_ms?: number; message: string };
  /**
   * Sets a role's weight, guarantee or limit; an absent field keeps its current value, a null
   * one clears it (no guarantee, no limit). Checked at the HTTP edge; the handler re-checks
   * guarantee <= limit against the merged record.
   */
  [CommandType.role_set]: { role: string; weight?: number; guarantee?: RoleResources | null; limit?: RoleResources | null };
}

export type Command = { [T in CommandType]: { type: T } & CommandPayloads[T] }[CommandType];

/** What the log carries: the command, a request id for the proposer, and when it was made. */
export interface Envelope {
  /** Unique per proposal ("<server id>-<process start, base 36>-<counter>"), so the proposer finds its result (writerVersion reads the server id). */
  rid: string;
  /** Proposer's wall clock in ms: the only time the state machine ever sees. */
  at_ms: number;
  cmd: Command;
}
