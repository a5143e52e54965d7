// Retry pacing: exponential from a minimum to a cap, half fixed and half random so agents don't retry in lockstep.

export class Backoff {
  private failures = 0;

  constructor(
    private readonly min_ms: number,
    private readonly max_ms: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Delay before the next attempt; each call doubles the next one, up to the cap. */
  nextDelayMs(): number {
    const exp = Math.min(this.max_ms, this.min_ms * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return Math.round(exp / 2 + (exp / 2) * this.random());
  }

  reset(): void {
    this.failures = 0;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}
