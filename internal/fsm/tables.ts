// What command handlers see of the state machine: its tables, change notices, and the result
// type they return. Handlers take this, not the StateMachine, so no handler module depends on
// the machine that dispatches to it (no import cycle, not even of types).
import type { FrameworkRecord, FrameworkTable } from "./frameworks.js";
import type { KvResult, KvTable } from "./kv.js";
import type { Member, MemberTable } from "./members.js";
import type { NodeRecord, NodeTable } from "./nodes.js";
import type { RoleRecord, RoleTable } from "./roles.js";
import type { ServiceRecord, ServiceTable } from "./services.js";
import type { TaskEvent, TaskRecord, TaskTable } from "./tasks.js";

export type ApplyResult =
  | KvResult
  | { ok: true; member: Member }
  | { ok: true; node: NodeRecord }
  | { ok: true; acked: string[] }
  | { ok: true; service: ServiceRecord }
  | { ok: true; task: TaskRecord }
  | { ok: true; framework: FrameworkRecord }
  | { ok: true; placed: number; dropped?: { task_id: string; reason: string }[] }
  | { ok: true; role: RoleRecord }
  | { ok: false; code: "rejected" | "unknown"; message: string };

/** A framework status update as the state machine tells listeners: uuid absent for master-made ones. */
export interface FrameworkUpdate {
  framework_id: string;
  task: TaskRecord;
  update: TaskEvent & { uuid?: string; source: "SOURCE_AGENT" | "SOURCE_MASTER" };
}

export interface Tables {
  readonly kv: KvTable;
  readonly members: MemberTable;
  readonly nodes: NodeTable;
  readonly services: ServiceTable;
  readonly tasks: TaskTable;
  readonly frameworks: FrameworkTable;
  readonly roles: RoleTable;
  /** A node's assignments may have changed in the command being applied. */
  touch(node_id: string): void;
  /** Services or tasks changed in a way the schedulers should look at. */
  changed(): void;
  /** A framework's task owes its framework this status update. */
  frameworkUpdated(u: FrameworkUpdate): void;
}
