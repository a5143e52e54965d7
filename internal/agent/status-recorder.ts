// Turns each status the driver shows into a durable, numbered update — only when it moves the task forward.
import type { StatusUpdate } from "../api/agent.js";
import { isTerminal } from "../driver/states.js";
import type { TaskState, TaskStatus } from "../driver/types.js";
import type { AgentStore, TaskRecord } from "../../storage/agent-store.js";

/** A task only moves forward: a lower rank after a higher one is a stale observation (e.g. a late start() result). */
const state_rank: Record<TaskState, number> = {
  STAGING: 0,
  STARTING: 1,
  RUNNING: 2,
  KILLING: 3,
  FINISHED: 4,
  FAILED: 4,
  KILLED: 4,
  LOST: 4,
};

/** Whether `status` is news after `record`: duplicates, stale and post-terminal statuses are not. */
export function isProgress(record: TaskRecord | undefined, status: TaskStatus): boolean {
  if (record === undefined) return true;
  if (record.terminal) return false;
  return state_rank[status.state] > state_rank[record.state];
}

export class StatusRecorder {
  /** One observation at a time, so seqs are taken in the order statuses were seen. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: AgentStore,
    private readonly onRecorded: (update: StatusUpdate) => void,
    private readonly now_ms: () => number = Date.now,
  ) {}

  /** Resolves with the update when the status was news and is now durable, else undefined. */
  observe(status: TaskStatus): Promise<StatusUpdate | undefined> {
    const next = this.chain.then(() => this.record(status));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every observation so far is written (or failed). */
  async idle(): Promise<void> {
    await this.chain;
  }

  private async record(status: TaskStatus): Promise<StatusUpdate | undefined> {
    const before = this.store.task(status.task_id);
    if (!isProgress(before, status)) return undefined;
    const seq = (before?.seq ?? 0) + 1;
    const record: TaskRecord = {
      task_id: status.task_id,
      seq,
      state: status.state,
      reason: status.reason,
      terminal: isTerminal(status),
    };
    const update: StatusUpdate = {
      update_id: `${this.store.node_id}:${status.task_id}:${seq}`,
      task_id: status.task_id,
      seq,
      status,
      at_ms: this.now_ms(),
    };
    await this.store.recordStatus(record, update);
    this.onRecorded(update);
    return update;
  }
}
