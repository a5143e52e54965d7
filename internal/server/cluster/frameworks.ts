// The built-in frameworks: `services` (keep N replicas, restart with backoff) and `jobs`
// (run to completion, retry failures). Pure: state and the time in, work to do out.
import type { ServiceRecord } from "../../fsm/services.js";
import { isTerminalState, type TaskRecord } from "../../fsm/tasks.js";

/** Restart backoff: base × 2^(recent failures − 1), capped. */
export const restart_backoff_base_ms = 1_000;
export const restart_backoff_cap_ms = 60_000;
/** Failures older than this no longer lengthen the backoff. */
export const restart_window_ms = 5 * 60_000;
/** Ended tasks kept per service for `orch ps -a` and logs; older ones are forgotten. */
export const ended_tasks_kept_per_service = 10;

export interface ServiceWork {
  name: string;
  /** New tasks to place now. */
  create: number;
  /** Of `create`, how many replace failed or lost tasks (counted as restarts). */
  replacing: number;
  stops: { task_id: string; message: string }[];
  /** Set when replacements wait for the backoff. */
  waiting_reason: string;
  /** A job that reached its end. */
  state?: "complete" | "failed";
  forget: string[];
}

const failed = (t: TaskRecord): boolean => t.state === "FAILED" || t.state === "LOST";

export function serviceWork(svc: ServiceRecord, tasks: readonly TaskRecord[], now_ms: number): ServiceWork {
  const spec = svc.spec;
  const work: ServiceWork = { name: spec.name, create: 0, replacing: 0, stops: [], waiting_reason: "", forget: forgettable(tasks) };
  if (svc.state !== "running") return work;
  const active = tasks.filter((t) => !isTerminalState(t.state) && t.desired === "running");
  const outdated = active.filter((t) => t.version < svc.version);
  for (const t of outdated) work.stops.push({ task_id: t.task_id, message: "replaced by a newer version of its service" });
  const current = active.filter((t) => t.version >= svc.version).sort(byCreation);
  const ended = tasks.filter((t) => isTerminalState(t.state) && t.version >= svc.version);
  const recent_failures = ended.filter((t) => failed(t) && now_ms - t.ended_at_ms < restart_window_ms);

  let want: number;
  if (spec.kind === "job") {
    if (svc.completions >= spec.count) return { ...work, state: "complete" };
    if (svc.failures > spec.retries_max) {
      for (const t of current) work.stops.push({ task_id: t.task_id, message: `job failed: ${svc.failures} runs failed (retries ${spec.retries_max})` });
      return { ...work, state: "failed" };
    }
    want = spec.count - svc.completions;
  } else if (spec.restart === "never") {
    // Only first runs: what ends stays ended.
    want = current.length + Math.max(0, spec.count - svc.tasks_made);
  } else if (spec.restart === "on-failure") {
    want = spec.count - ended.filter((t) => t.state === "FINISHED").length;
  } else {
    want = spec.count;
  }
  want = Math.max(0, want);

  if (current.length > want) {
    // Scale down: the newest go first, as in Docker swarm.
    for (const t of current.slice(want)) work.stops.push({ task_id: t.task_id, message: `scaled down to ${want}` });
    return work;
  }
  const missing = want - current.length;
  if (missing === 0) return work;
  // Replacements of failures wait out the backoff (a scale-up in that window waits too).
  const replacing = Math.min(missing, ended.filter(failed).length);
  if (recent_failures.length > 0) {
    const last = recent_failures.reduce((a, b) => (a.ended_at_ms > b.ended_at_ms ? a : b));
    const delay_ms = Math.min(restart_backoff_base_ms * 2 ** Math.min(recent_failures.length - 1, 16), restart_backoff_cap_ms);
    const due_ms = last.ended_at_ms + delay_ms;
    if (now_ms < due_ms) {
      work.waiting_reason = `restarting in ${Math.ceil((due_ms - now_ms) / 1000)} s (backoff after ${recent_failures.length} recent failure${recent_failures.length === 1 ? "" : "s"}; last: ${last.task_id} ${last.state}: ${last.message})`;
      return work;
    }
  }
  work.create = missing;
  work.replacing = replacing;
  return work;
}

function byCreation(a: TaskRecord, b: TaskRecord): number {
  return a.created_at_ms - b.created_at_ms || (a.task_id < b.task_id ? -1 : 1);
}

/** Ended tasks beyond the kept number, oldest first. */
function forgettable(tasks: readonly TaskRecord[]): string[] {
  const ended = tasks.filter((t) => isTerminalState(t.state)).sort((a, b) => a.ended_at_ms - b.ended_at_ms);
  return ended.slice(0, Math.max(0, ended.length - ended_tasks_kept_per_service)).map((t) => t.task_id);
}
