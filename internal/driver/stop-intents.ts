// Where a driver records that it asked a task to stop, so KILLED (not "killed by a signal") survives an agent restart.

/**
 * `has` is synchronous because statuses are computed from it on every inspect; a durable
 * implementation (the agent's local store) loads its set at start-up and writes through.
 */
export interface StopIntents {
  has(task_id: string): boolean;
  add(task_id: string): Promise<void>;
  delete(task_id: string): Promise<void>;
}

/** More remembered stops than any node runs tasks means remove() is never called. */
export const stop_intents_max = 100_000;

/** The default: forgets everything when the process ends. */
export class MemoryStopIntents implements StopIntents {
  private readonly task_ids = new Set<string>();

  has(task_id: string): boolean {
    return this.task_ids.has(task_id);
  }

  async add(task_id: string): Promise<void> {
    if (!this.task_ids.has(task_id) && this.task_ids.size >= stop_intents_max) {
      throw new Error(
        `${stop_intents_max} stop intents remembered (stop_intents_max); remove() finished tasks so their intents are dropped`,
      );
    }
    this.task_ids.add(task_id);
  }

  async delete(task_id: string): Promise<void> {
    this.task_ids.delete(task_id);
  }
}
