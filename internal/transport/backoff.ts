// Reconnect pacing: exponential backoff with jitter, capped, plus a bound on attempts per window.
import type { TransportLimits } from "./limits.js";

type BackoffLimits = Pick<
  TransportLimits,
  "reconnect_backoff_ms_min" | "reconnect_backoff_ms_max" | "reconnect_attempts_per_window_max" | "reconnect_window_ms"
>;

export class Backoff {
  private failures = 0;
  /** Times of recent attempts, oldest first; never longer than reconnect_attempts_per_window_max. */
  private readonly attempts_ms: number[] = [];

  constructor(
    private readonly limits: BackoffLimits,
    /** Uniform in [0, 1); injected so tests are repeatable. */
    private readonly random: () => number,
  ) {}

  /** Call when a dial starts. */
  attempted(now_ms: number): void {
    this.attempts_ms.push(now_ms);
    if (this.attempts_ms.length > this.limits.reconnect_attempts_per_window_max) this.attempts_ms.shift();
  }

  /** Call when a connection got through the handshake: the next failure starts from the minimum. */
  succeeded(): void {
    this.failures = 0;
  }

  /** Delay before the next attempt after a failure: half fixed, half random (so peers don't dial in lockstep). */
  nextDelayMs(now_ms: number): number {
    const l = this.limits;
    const exp = Math.min(l.reconnect_backoff_ms_max, l.reconnect_backoff_ms_min * 2 ** Math.min(this.failures, 30));
    this.failures++;
    let delay = Math.round(exp / 2 + (exp / 2) * this.random());
    // The window bound: if the last N attempts all fall inside the window, wait until the oldest leaves it.
    if (this.attempts_ms.length >= l.reconnect_attempts_per_window_max) {
      const oldest = this.attempts_ms[0]!;
      delay = Math.max(delay, oldest + l.reconnect_window_ms - now_ms);
    }
    return Math.max(0, delay);
  }
}
