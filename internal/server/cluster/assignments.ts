// What a node must run, from the replicated task table: the list an agent reconciles against.
import type { Assignment } from "../../api/agent.js";
import type { StateMachine } from "../../fsm/state.js";

/** Grace between SIGTERM and SIGKILL when a service does not say. */
export const grace_ms_default = 10_000;

export function assignmentsOf(fsm: StateMachine, node_id: string): Assignment[] {
  return fsm.tasks
    .onNode(node_id)
    .map((t) => ({
      task_id: t.task_id,
      spec: t.spec,
      desired: t.desired,
      grace_ms: t.grace_ms ?? fsm.services.get(t.service)?.spec.grace_ms ?? grace_ms_default,
    }))
    .sort((a, b) => (a.task_id < b.task_id ? -1 : 1));
}
