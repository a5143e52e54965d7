// The answers to RECONCILE, case by case as Mesos's master gives them (Master::reconcile): one status per task asked about.
import { taskStatus, type StatusInput } from "./task-status.js";
import type { Reconcile } from "./types-call.js";
import type { TaskStatus } from "./types-status.js";

/** A task of the framework as orch last knew it (latest state reported, acknowledged or not). */
export type KnownTask = Omit<StatusInput, "source" | "reason" | "message"> & { agent_id: string };

/** What the caller knows, looked up per task and per agent. */
export interface ReconcileView {
  /** Every task of the framework that is not terminal and acknowledged: the implicit reconciliation set. */
  tasks(): Iterable<KnownTask>;
  task(task_id: string): KnownTask | undefined;
  /** registered: up; unreachable: down for now; gone: removed for good; undefined: never seen. */
  agent(agent_id: string): "registered" | "unreachable" | "gone" | undefined;
}

const latest = "Reconciliation: Latest task state";

/**
 * Statuses to send, without uuids (the framework must not acknowledge them), before
 * statusForFramework: partition states here become TASK_LOST for frameworks not PARTITION_AWARE.
 * Empty `tasks` asks about every task of the framework. Unlike Mesos, orch never drops an
 * answer for an agent that has yet to re-register: its agents are in the replicated state.
 */
export function reconcileStatuses(reconcile: Reconcile, view: ReconcileView, at_ms: number): TaskStatus[] {
  const answer = (input: StatusInput): TaskStatus => taskStatus(input, at_ms);
  const asked = reconcile.tasks ?? [];
  if (asked.length === 0) {
    return [...view.tasks()].map((t) => answer({ ...t, source: "SOURCE_MASTER", reason: "REASON_RECONCILIATION", message: latest }));
  }
  return asked.map(({ task_id, agent_id }) => {
    const known = view.task(task_id.value);
    if (known !== undefined) return answer({ ...known, source: "SOURCE_MASTER", reason: "REASON_RECONCILIATION", message: latest });
    const base = { task_id: task_id.value, source: "SOURCE_MASTER", reason: "REASON_RECONCILIATION" } as const;
    const agent = agent_id === undefined ? undefined : view.agent(agent_id.value);
    const on = agent_id === undefined ? {} : { agent_id: agent_id.value };
    if (agent === "registered") return answer({ ...base, ...on, state: "TASK_GONE", message: "Reconciliation: Task is unknown to the agent" });
    if (agent === "unreachable") return answer({ ...base, ...on, state: "TASK_UNREACHABLE", message: "Reconciliation: Task is unreachable" });
    if (agent === "gone") return answer({ ...base, ...on, state: "TASK_GONE_BY_OPERATOR", message: "Reconciliation: Task is gone" });
    return answer({ ...base, ...on, state: "TASK_UNKNOWN", message: "Reconciliation: Task is unknown" });
  });
}
