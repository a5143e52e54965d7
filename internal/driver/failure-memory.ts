// Remembers tasks that failed before they had a container, so inspect() and start() can answer for them.
import type { TerminalStatus } from "./types.js";

/** Oldest entries are forgotten past this; the agent has reported them long before. */
export const failures_remembered_max = 4096;

export class FailureMemory {
  private readonly statuses = new Map<string, TerminalStatus>();

  remember(status: TerminalStatus): TerminalStatus {
    this.statuses.delete(status.task_id);
    this.statuses.set(status.task_id, status);
    if (this.statuses.size > failures_remembered_max) {
      const oldest = this.statuses.keys().next();
      if (oldest.done !== true) this.statuses.delete(oldest.value);
    }
    return status;
  }

  get(task_id: string): TerminalStatus | undefined {
    return this.statuses.get(task_id);
  }

  forget(task_id: string): void {
    this.statuses.delete(task_id);
  }

  all(): TerminalStatus[] {
    return [...this.statuses.values()];
  }
}
