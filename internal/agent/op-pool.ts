// Runs driver operations with a bound on how many run at once, one per task, and a cool-down after a failure.

export class OpPool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly tasks = new Set<string>();
  private readonly cooling = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly parallel_max: number,
    private readonly retry_ms: number,
    /** Called after each operation ends and after each cool-down, so the caller can reconcile again. */
    private readonly onSettled: () => void,
  ) {}

  busy(task_id: string): boolean {
    return this.tasks.has(task_id) || this.cooling.has(task_id);
  }

  activeCount(): number {
    return this.tasks.size;
  }

  /** Starts `operation` for the task unless one is already queued or running; never rejects. */
  run(task_id: string, operation: () => Promise<void>, onError: (err: unknown) => void): void {
    if (this.busy(task_id)) return;
    this.tasks.add(task_id);
    void this.runQueued(task_id, operation, onError);
  }

  private async runQueued(task_id: string, operation: () => Promise<void>, onError: (err: unknown) => void): Promise<void> {
    if (this.running >= this.parallel_max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      await operation();
    } catch (err) {
      onError(err);
      this.cooling.set(
        task_id,
        setTimeout(() => {
          this.cooling.delete(task_id);
          this.onSettled();
        }, this.retry_ms).unref(),
      );
    } finally {
      this.running -= 1;
      this.tasks.delete(task_id);
      this.waiting.shift()?.();
      this.onSettled();
    }
  }

  /** Resolves when nothing runs, or after `timeout_ms`. */
  async drain(timeout_ms: number): Promise<void> {
    const deadline_ms = Date.now() + timeout_ms;
    while (this.tasks.size > 0 && Date.now() < deadline_ms) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  close(): void {
    for (const timer of this.cooling.values()) clearTimeout(timer);
    this.cooling.clear();
  }
}
