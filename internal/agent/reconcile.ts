// Desired against actual: a pure function from the assignment list and what the driver shows to the driver operations to run.
import type { Assignment } from "../api/agent.js";
import { isTerminal } from "../driver/states.js";
import type { TaskSpec, TaskStatus } from "../driver/types.js";

export type Action =
  | { kind: "start"; spec: TaskSpec }
  /** `remove` after stopping: the task is no longer this node's. */
  | { kind: "stop"; task_id: string; grace_ms: number; remove: boolean }
  | { kind: "remove"; task_id: string }
  /** No container and no assignment: drop what the store remembers of it. */
  | { kind: "forget"; task_id: string }
  /** Stopped before it ever started here: no container to touch, but the servers must hear it ended. */
  | { kind: "cancel"; task_id: string };

export interface ReconcileView {
  /** The latest accepted assignment list; undefined until the first one arrives (then nothing is removed). */
  desired: ReadonlyMap<string, Assignment> | undefined;
  /** Every task the driver knows on this node (containers and remembered failures). */
  actual: ReadonlyMap<string, TaskStatus>;
  /** Tasks the store remembers, with whether they ended on this node. */
  remembered: ReadonlyMap<string, { terminal: boolean }>;
  /** A task with an operation queued or running, or cooling down after a failed one, is left alone. */
  busy: (task_id: string) => boolean;
  /** Grace for stopping a task no longer assigned (the last grace the servers gave, or a default). */
  graceOf: (task_id: string) => number;
}

export function plan(view: ReconcileView): Action[] {
  const actions: Action[] = [];
  const { desired, actual } = view;
  for (const assignment of desired?.values() ?? []) {
    const task_id = assignment.task_id;
    if (view.busy(task_id)) continue;
    const status = actual.get(task_id);
    if (assignment.desired === "running") {
      // Never a second container, never again after it ended here.
      if (status === undefined && view.remembered.get(task_id)?.terminal !== true) actions.push({ kind: "start", spec: assignment.spec });
    } else if (status !== undefined && !isTerminal(status)) {
      actions.push({ kind: "stop", task_id, grace_ms: assignment.grace_ms, remove: false });
    } else if (status === undefined && view.remembered.get(task_id)?.terminal !== true) {
      // Otherwise it stays STAGING on the servers for good (the chaos suite found one).
      actions.push({ kind: "cancel", task_id });
    }
  }
  if (desired === undefined) return actions;
  for (const [task_id, status] of actual) {
    if (desired.has(task_id) || view.busy(task_id)) continue;
    if (isTerminal(status)) actions.push({ kind: "remove", task_id });
    else actions.push({ kind: "stop", task_id, grace_ms: view.graceOf(task_id), remove: true });
  }
  for (const task_id of view.remembered.keys()) {
    if (!desired.has(task_id) && !actual.has(task_id) && !view.busy(task_id)) actions.push({ kind: "forget", task_id });
  }
  return actions;
}
