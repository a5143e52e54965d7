// Validates a pending task once and compiles what placement needs: exact amounts and constraint keys.
import { constraints_per_task_max, host_ports_per_task_max, name_chars_max } from "./limits.js";
import { resourcesProblem, toAmount, type Amount } from "./resources.js";
import type { Constraint, PendingTask } from "./types.js";

export interface CompiledTask {
  readonly task: PendingTask;
  readonly need: Amount;
  readonly unique: boolean;
  /** The constraints on attributes (all but unique): a node passes or fails them for the whole call. */
  readonly attr_constraints: readonly Constraint[];
  /** Same key, same attribute constraints: tasks share one filtered node index. */
  readonly filter_key: string;
}

const constraint_kinds = new Set(["eq", "ne", "match", "unique"]);

/** The compiled task, or a sentence saying what is wrong with it (the task is not placed). */
export function compileTask(task: PendingTask): CompiledTask | string {
  for (const k of ["task_id", "group", "role"] as const) {
    const v = task[k];
    if (typeof v !== "string" || v === "" || v.length > name_chars_max) {
      return `invalid task: ${k} must be a string of 1 to ${name_chars_max} characters`;
    }
  }
  const problem = resourcesProblem(task.resources, "invalid task resources");
  if (problem !== undefined) return problem;
  const ports = task.host_ports;
  if (!Array.isArray(ports) || ports.length > host_ports_per_task_max) {
    return `invalid task: host_ports must be a list of at most ${host_ports_per_task_max} ports`;
  }
  const seen = new Set<number>();
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) return `invalid task: host port ${String(p)} is not in 1..65535`;
    if (seen.has(p)) return `invalid task: host port ${p} is listed twice`;
    seen.add(p);
  }
  const constraints = task.constraints;
  if (!Array.isArray(constraints) || constraints.length > constraints_per_task_max) {
    return `invalid task: at most ${constraints_per_task_max} constraints are allowed`;
  }
  for (const c of constraints) {
    if (c == null || !constraint_kinds.has(c.kind)) return "invalid task: a constraint was not made by parseConstraint()";
  }
  const attr_constraints = constraints.filter((c) => c.kind !== "unique");
  const filter_key = [...new Set(attr_constraints.map((c) => c.text))].sort().join("\n");
  return {
    task,
    need: toAmount(task.resources),
    unique: attr_constraints.length !== constraints.length,
    attr_constraints,
    filter_key,
  };
}
