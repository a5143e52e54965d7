// Filters.refuse_seconds as Mesos's allocator applies it: default 5 s, capped at a year, bad values → default.

export const refuse_seconds_default = 5;
/** Mesos caps refuse_seconds at 365 days. */
export const refuse_seconds_max = 365 * 24 * 3600;

/** Seconds the declined resources stay away from this framework. */
export function refuseSeconds(filters: { refuse_seconds?: number } | undefined): number {
  const seconds = filters?.refuse_seconds;
  if (seconds === undefined || Number.isNaN(seconds) || seconds < 0) return refuse_seconds_default;
  return Math.min(seconds, refuse_seconds_max);
}

/** The grace period of a KILL's kill_policy, else the task's, else `default_ms`. Negative → default. */
export function killGraceMs(kill_policy: { grace_period?: { nanoseconds: number } } | undefined, default_ms: number): number {
  const ns = kill_policy?.grace_period?.nanoseconds;
  return ns === undefined || ns < 0 ? default_ms : Math.round(ns / 1e6);
}
