// orch's task states and reasons (driver and task table) in Mesos's terms: state, source and reason.
import type { TaskState as OrchState } from "../driver/types.js";
import type { TaskEvent } from "../fsm/tasks.js";
import type { StatusReason, StatusSource, TaskState } from "./types-status.js";

export interface MesosState {
  state: TaskState;
  source: StatusSource;
  reason?: StatusReason;
}

/** By orch reason first (it says who decided), then by state for reasons this table does not know. */
const by_reason: Record<TaskEvent["reason"], MesosState> = {
  pending: { state: "TASK_STAGING", source: "SOURCE_MASTER" },
  // Mesos never sends STAGING as an update (only reconciliation reports it); the caller may skip these.
  created: { state: "TASK_STAGING", source: "SOURCE_AGENT" },
  starting: { state: "TASK_STARTING", source: "SOURCE_EXECUTOR" },
  running: { state: "TASK_RUNNING", source: "SOURCE_EXECUTOR" },
  killing: { state: "TASK_KILLING", source: "SOURCE_EXECUTOR" },
  exited: { state: "TASK_FINISHED", source: "SOURCE_EXECUTOR" },
  exit_nonzero: { state: "TASK_FAILED", source: "SOURCE_EXECUTOR" },
  exit_signal: { state: "TASK_FAILED", source: "SOURCE_EXECUTOR" },
  oom_killed: { state: "TASK_FAILED", source: "SOURCE_AGENT", reason: "REASON_CONTAINER_LIMITATION_MEMORY" },
  image_unavailable: { state: "TASK_FAILED", source: "SOURCE_AGENT", reason: "REASON_CONTAINER_LAUNCH_FAILED" },
  invalid_spec: { state: "TASK_FAILED", source: "SOURCE_AGENT", reason: "REASON_CONTAINER_LAUNCH_FAILED" },
  start_failed: { state: "TASK_FAILED", source: "SOURCE_AGENT", reason: "REASON_CONTAINER_LAUNCH_FAILED" },
  killed_by_request: { state: "TASK_KILLED", source: "SOURCE_EXECUTOR" },
  container_missing: { state: "TASK_LOST", source: "SOURCE_AGENT", reason: "REASON_EXECUTOR_TERMINATED" },
  // orch replaces tasks of a down node at once, so they are terminal: LOST, not UNREACHABLE.
  node_down: { state: "TASK_LOST", source: "SOURCE_MASTER", reason: "REASON_AGENT_REMOVED" },
  node_unknown: { state: "TASK_LOST", source: "SOURCE_MASTER", reason: "REASON_AGENT_UNKNOWN" },
};

const by_state: Record<OrchState, TaskState> = {
  STAGING: "TASK_STAGING", STARTING: "TASK_STARTING", RUNNING: "TASK_RUNNING", KILLING: "TASK_KILLING",
  FINISHED: "TASK_FINISHED", FAILED: "TASK_FAILED", KILLED: "TASK_KILLED", LOST: "TASK_LOST",
};

export function mesosStateOf(state: OrchState, reason: TaskEvent["reason"]): MesosState {
  const mapped = by_reason[reason];
  // A reason recorded with another state (a table written by a newer orch) defers to the state.
  if (mapped.state !== by_state[state]) return { state: by_state[state], source: "SOURCE_AGENT" };
  return mapped;
}
