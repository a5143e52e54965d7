// The operator SUBSCRIBE stream's events, found by comparing the state with what was last told:
// TASK_ADDED, TASK_UPDATED (a new Mesos state), AGENT_ADDED/REMOVED (a node ready or gone down),
// FRAMEWORK_ADDED/UPDATED/REMOVED. One feed serves every stream of a server; it reads no clock.
import type { TaskRecord } from "../fsm/tasks.js";
import {
  frameworkActive, frameworkInfo, indexState, operatorAgent, operatorFramework, operatorTask, taskState, taskStatuses, zeroAmounts,
  type StateIndex,
} from "./operator-build.js";
import { frameworkIdOf, type OperatorFramework, type OperatorInput } from "./operator-input.js";
import type { OperatorEvent } from "./types-operator.js";
import type { TaskState } from "./types-status.js";

function frameworkSignature(f: OperatorFramework): string {
  return JSON.stringify([frameworkActive(f), f.connected, f.info]);
}

export class OperatorFeed {
  /** Task id → the Mesos state last told. */
  private readonly tasks = new Map<string, TaskState>();
  /** Node ids of agents last told as added (ready). */
  private readonly agents = new Set<string>();
  /** Framework id → what was last told of it. */
  private readonly frameworks = new Map<string, { signature: string; framework: OperatorFramework }>();

  /** Starts from this state: a stream's SUBSCRIBED carries it, events tell what changes after. */
  constructor(input: OperatorInput) {
    this.diff(input);
  }

  /** The events that take a reader of the last state to this one, in causal order. */
  diff(input: OperatorInput): OperatorEvent[] {
    let ix: StateIndex | undefined;
    const index = (): StateIndex => (ix ??= indexState(input));
    const events: OperatorEvent[] = [];
    const removed_agents: OperatorEvent[] = [];
    const removed_frameworks: OperatorEvent[] = [];

    const ready = new Set<string>();
    for (const n of input.nodes) {
      if (n.status !== "ready") continue;
      ready.add(n.node_id);
      if (this.agents.has(n.node_id)) continue;
      this.agents.add(n.node_id);
      events.push({ type: "AGENT_ADDED", agent_added: { agent: operatorAgent(n, input, index().node_used.get(n.node_id) ?? zeroAmounts()) } });
    }
    for (const id of [...this.agents]) {
      if (ready.has(id)) continue;
      this.agents.delete(id);
      removed_agents.push({ type: "AGENT_REMOVED", agent_removed: { agent_id: { value: id } } });
    }

    const present = new Set<string>();
    for (const f of input.frameworks) {
      present.add(f.framework_id);
      const signature = frameworkSignature(f);
      const last = this.frameworks.get(f.framework_id);
      if (last?.signature === signature) continue;
      this.frameworks.set(f.framework_id, { signature, framework: f });
      const framework = operatorFramework(f, index().framework_role_used.get(f.framework_id) ?? new Map());
      events.push(last === undefined ? { type: "FRAMEWORK_ADDED", framework_added: { framework } } : { type: "FRAMEWORK_UPDATED", framework_updated: { framework } });
    }
    for (const [id, last] of [...this.frameworks]) {
      if (present.has(id)) continue;
      this.frameworks.delete(id);
      const gone = input.completed_frameworks.find((f) => f.framework_id === id) ?? last.framework;
      removed_frameworks.push({ type: "FRAMEWORK_REMOVED", framework_removed: { framework_info: frameworkInfo(gone) } });
    }

    const seen = new Set<string>();
    for (const t of input.tasks) {
      seen.add(t.task_id);
      const state = taskState(t);
      const last = this.tasks.get(t.task_id);
      if (last === state) continue;
      this.tasks.set(t.task_id, state);
      if (last === undefined) events.push({ type: "TASK_ADDED", task_added: { task: operatorTask(t, input, index().agent_ip.get(t.node_id)) } });
      else events.push(taskUpdated(t, input, index()));
    }
    // Forgotten tasks leave no event (Mesos has none); they are simply no longer tracked.
    for (const id of [...this.tasks.keys()]) if (!seen.has(id)) this.tasks.delete(id);

    return [...events, ...removed_frameworks, ...removed_agents];
  }
}

function taskUpdated(t: TaskRecord, input: OperatorInput, ix: StateIndex): OperatorEvent {
  const statuses = taskStatuses(t, ix.agent_ip.get(t.node_id));
  const state = taskState(t);
  // The latest status; a task whose only state so far is STAGING has no status update yet.
  const status = statuses[statuses.length - 1] ?? { task_id: { value: t.framework?.task_id ?? t.task_id }, state, agent_id: { value: t.node_id } };
  return { type: "TASK_UPDATED", task_updated: { framework_id: { value: frameworkIdOf(t, input.services) }, status, state } };
}
