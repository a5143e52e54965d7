// Splits an ACCEPT's operations into the tasks to translate and what orch refuses, with the status each refused task gets.
import type { OfferOperation } from "./types-framework.js";
import type { StatusReason } from "./types-status.js";
import type { TaskInfo } from "./types-task.js";

export interface RefusedTask {
  task: TaskInfo;
  reason: Extract<StatusReason, "REASON_TASK_INVALID" | "REASON_TASK_GROUP_INVALID">;
  message: string;
}

export interface AcceptPlan {
  /** LAUNCH task infos, in order: translate each and fit it to the offers in this order. */
  launch: TaskInfo[];
  /** Tasks answered at once with TASK_ERROR (source SOURCE_MASTER). */
  refused: RefusedTask[];
  /** Operations dropped without a task to answer for (RESERVE, CREATE, ...): one sentence each, to log. */
  dropped: string[];
}

export function planAccept(operations: readonly OfferOperation[]): AcceptPlan {
  const plan: AcceptPlan = { launch: [], refused: [], dropped: [] };
  operations.forEach((operation, index) => {
    const type = operation.type ?? "UNKNOWN";
    if (type === "LAUNCH") {
      plan.launch.push(...(operation.launch?.task_infos ?? []));
    } else if (type === "LAUNCH_GROUP") {
      const message = "LAUNCH_GROUP (task groups and the default executor) is not supported yet: launch each task with LAUNCH";
      for (const task of operation.launch_group?.task_group.tasks ?? []) plan.refused.push({ task, reason: "REASON_TASK_GROUP_INVALID", message });
    } else {
      plan.dropped.push(`operations[${index}]: ${type} operations are not supported; orch only launches tasks`);
    }
  });
  return plan;
}

/**
 * The status each task of an ACCEPT gets when its offers are invalid (unknown, rescinded, used,
 * another framework's): TASK_LOST, or TASK_DROPPED for PARTITION_AWARE frameworks (master.cpp).
 */
export function invalidOffersStatus(problem: string, partition_aware: boolean): {
  state: "TASK_LOST" | "TASK_DROPPED";
  source: "SOURCE_MASTER";
  reason: "REASON_INVALID_OFFERS";
  message: string;
} {
  return {
    state: partition_aware ? "TASK_DROPPED" : "TASK_LOST",
    source: "SOURCE_MASTER",
    reason: "REASON_INVALID_OFFERS",
    message: `Task launched with invalid offers: ${problem}`,
  };
}
