// What a framework is sent for a status, by the capabilities it subscribed with (Mesos's master and executors).
import type { FrameworkCapability, FrameworkInfo } from "./types-framework.js";
import type { StatusReason, TaskState, TaskStatus } from "./types-status.js";

/** States only PARTITION_AWARE frameworks understand; the others get TASK_LOST (master.cpp). */
const partition_states: ReadonlySet<TaskState> = new Set<TaskState>([
  "TASK_DROPPED", "TASK_UNREACHABLE", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN",
]);

/** Reasons renamed with the state, as Mesos does when it removes an agent for an older framework. */
const lost_reason: Partial<Record<StatusReason, StatusReason>> = {
  REASON_AGENT_REMOVED_BY_OPERATOR: "REASON_AGENT_REMOVED",
};

export function capabilitiesOf(info: Pick<FrameworkInfo, "capabilities">): Set<FrameworkCapability> {
  return new Set((info.capabilities ?? []).flatMap((c) => (c.type === undefined ? [] : [c.type])));
}

/**
 * The status as this framework should see it, or null when it must not see it at all:
 * TASK_KILLING only reaches TASK_KILLING_STATE frameworks (executors send it only to them);
 * DROPPED, UNREACHABLE, GONE, GONE_BY_OPERATOR and UNKNOWN become TASK_LOST without PARTITION_AWARE.
 */
export function statusForFramework(status: TaskStatus, capabilities: ReadonlySet<FrameworkCapability>): TaskStatus | null {
  if (status.state === "TASK_KILLING" && !capabilities.has("TASK_KILLING_STATE")) return null;
  if (partition_states.has(status.state) && !capabilities.has("PARTITION_AWARE")) {
    const reason = status.reason === undefined ? undefined : (lost_reason[status.reason] ?? status.reason);
    return { ...status, state: "TASK_LOST", ...(reason === undefined ? {} : { reason }) };
  }
  return status;
}
