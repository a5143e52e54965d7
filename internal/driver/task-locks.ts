// Runs operations on one task one at a time, in call order; different tasks run in parallel.

/** Waiting operations per task; more means a caller is looping without awaiting. */
export const task_ops_queued_max = 64;

export class TaskLocks {
  private readonly tails = new Map<string, { promise: Promise<void>; queued: number }>();

  async run<T>(task_id: string, operation: () => Promise<T>): Promise<T> {
    const entry = this.tails.get(task_id) ?? { promise: Promise.resolve(), queued: 0 };
    if (entry.queued >= task_ops_queued_max) {
      throw new Error(
        `task ${task_id} has ${entry.queued} driver operations queued (bound task_ops_queued_max); await each before the next`,
      );
    }
    const previous = entry.promise;
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    entry.promise = mine;
    entry.queued += 1;
    this.tails.set(task_id, entry);
    try {
      await previous;
      return await operation();
    } finally {
      entry.queued -= 1;
      release();
      if (entry.queued === 0 && this.tails.get(task_id) === entry) this.tails.delete(task_id);
    }
  }

  /** True while some operation on the task is queued or running. */
  busy(task_id: string): boolean {
    return this.tails.has(task_id);
  }
}
