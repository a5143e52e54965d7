// The node driver's time: wall-clock milliseconds and timers. Production passes nothing and gets
// Node's own; the simulator injects a virtual clock so a seed replays the same run.

/** A timer as the clock that made it knows it; only that clock can cancel it. */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch (virtual in the simulator); stamped on commands as at_ms. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

export const system_clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};
