// Keeps this node's containers where the servers want them: applies assignment lists and driver events through plan().
import type { Assignment } from "../api/agent.js";
import { UnknownTaskError } from "../driver/errors.js";
import { lostStatus } from "../driver/states.js";
import type { Driver, TaskSpec, TaskStatus } from "../driver/types.js";
import type { Logger } from "../log/logger.js";
import type { AgentStore } from "../../storage/agent-store.js";
import type { AssignmentList } from "./assignments.js";
import type { OpPool } from "./op-pool.js";
import { plan, type Action } from "./reconcile.js";
import type { StatusRecorder } from "./status-recorder.js";

/** Grace for a task that vanished from the list before the agent ever saw its assignment (e.g. right after a restart). */
export const absent_task_grace_ms = 10_000;

export class TaskRunner {
  private readonly actual = new Map<string, TaskStatus>();
  private desired: Map<string, Assignment> | undefined;
  private readonly grace_ms = new Map<string, number>();
  private index_seen: number;
  private list_chain: Promise<void> = Promise.resolve();
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly driver: Driver,
    private readonly store: AgentStore,
    private readonly recorder: StatusRecorder,
    private readonly ops: OpPool,
    private readonly logger: Logger,
  ) {
    this.index_seen = store.clusterState()?.index ?? -1;
  }

  /**
   * What the driver found at start-up (reattach). Tasks the store saw running whose container
   * is gone are LOST: they ended here, so they are never started again.
   */
  async adopt(statuses: readonly TaskStatus[]): Promise<void> {
    for (const status of statuses) this.onStatus(status);
    const found = new Set(statuses.map((status) => status.task_id));
    for (const task_id of this.store.taskIds()) {
      const record = this.store.task(task_id);
      if (record === undefined || record.terminal || found.has(task_id) || record.state === "STARTING") continue;
      await this.recorder.observe(lostStatus({ task_id, node_id: this.driver.node_id }));
    }
  }

  /** A status from the driver (start or stop result, watch, list). */
  onStatus(status: TaskStatus): void {
    if (this.closed) return;
    this.actual.set(status.task_id, status);
    this.recorder.observe(status).catch((err: unknown) => this.logger.error("cannot record a status", { task_id: status.task_id, error: String(err) }));
    this.schedule();
  }

  /** A new cluster (fresh cluster id) starts its indexes over. */
  async resetIndex(cluster_id: string): Promise<void> {
    this.index_seen = -1;
    await this.store.setClusterState({ cluster_id, index: -1 });
  }

  acceptList(list: AssignmentList, cluster_id: string): Promise<void> {
    this.list_chain = this.list_chain.then(async () => {
      if (list.index < this.index_seen) {
        this.logger.info("ignoring an older assignment list", { index: list.index, seen: this.index_seen });
        return;
      }
      if (list.index > this.index_seen) await this.store.setClusterState({ cluster_id, index: list.index });
      this.index_seen = list.index;
      this.desired = new Map(list.tasks.map((task) => [task.task_id, task]));
      for (const task of list.tasks) this.grace_ms.set(task.task_id, task.grace_ms);
      this.logger.debug("assignment list", { index: list.index, tasks: list.tasks.length });
      this.schedule();
    });
    return this.list_chain.catch((err: unknown) => this.logger.error("cannot apply an assignment list", { error: String(err) }));
  }

  /** Reconciles soon; many triggers in one turn make one pass. */
  schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed) this.reconcile();
    });
  }

  close(): void {
    this.closed = true;
  }

  private reconcile(): void {
    const remembered = new Map(this.store.taskIds().map((task_id) => [task_id, { terminal: this.store.task(task_id)?.terminal === true }]));
    const actions = plan({
      desired: this.desired,
      actual: this.actual,
      remembered,
      busy: (task_id) => this.ops.busy(task_id),
      graceOf: (task_id) => this.grace_ms.get(task_id) ?? absent_task_grace_ms,
    });
    for (const action of actions) this.ops.run(taskIdOf(action), () => this.perform(action), (err) => this.failed(action, err));
  }

  private async perform(action: Action): Promise<void> {
    switch (action.kind) {
      case "start":
        return this.start(action.spec);
      case "stop": {
        this.logger.info(action.remove ? "stopping a task no longer assigned here" : "stopping a task", { task_id: action.task_id });
        this.onStatus(await this.driver.stop(action.task_id, { grace_ms: action.grace_ms }));
        if (action.remove) await this.remove(action.task_id);
        return;
      }
      case "remove":
        return this.remove(action.task_id);
      case "forget":
        return this.store.forgetTask(action.task_id);
      case "cancel":
        this.logger.info("a task was stopped before it started here", { task_id: action.task_id });
        await this.recorder.observe({ task_id: action.task_id, node_id: this.driver.node_id, state: "KILLED", reason: "killed_by_request", message: "stopped by orch before it started" });
        return;
    }
  }

  private async start(spec: TaskSpec): Promise<void> {
    const who = { task_id: spec.task_id, node_id: this.driver.node_id };
    this.logger.info("starting a task", { task_id: spec.task_id, image: spec.image });
    await this.recorder.observe({ ...who, state: "STARTING", reason: "starting", message: `starting ${spec.image} (pulling it first if this node lacks it)` });
    this.onStatus(await this.driver.start(spec));
  }

  private async remove(task_id: string): Promise<void> {
    try {
      await this.driver.remove(task_id, { force: true });
    } catch (err) {
      if (!(err instanceof UnknownTaskError)) throw err;
    }
    this.actual.delete(task_id);
    this.grace_ms.delete(task_id);
    await this.store.forgetTask(task_id);
    this.logger.info("removed a task no longer assigned here", { task_id });
  }

  private failed(action: Action, err: unknown): void {
    this.logger.warn(`driver ${action.kind} failed; will retry`, { task_id: taskIdOf(action), error: err instanceof Error ? err.message : String(err) });
  }
}

function taskIdOf(action: Action): string {
  return action.kind === "start" ? action.spec.task_id : action.task_id;
}
