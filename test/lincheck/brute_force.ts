// A slow, obviously-correct reference checker: tries every order, for cross-checking small histories.
import type { Operation } from "./history.js";
import { initialRegisterState, stepRegister, type RegisterState } from "./kv_model.js";

/** Histories longer than this would take too long to enumerate. */
export const brute_force_ops_max = 9;

/**
 * Depth-first over every real-time-respecting order of the ops of each key. An op may go
 * next only if no other unplaced op returned before it was called; an indeterminate op
 * may also be skipped forever.
 */
export function bruteForceLinearizable(history: readonly Operation[]): boolean {
  if (history.length > brute_force_ops_max) {
    throw new Error(`brute force: ${history.length} ops is over brute_force_ops_max=${brute_force_ops_max}`);
  }
  const keys = new Set(history.map((op) => op.input.key));
  return [...keys].every((key) => search(history.filter((op) => op.input.key === key), initialRegisterState));
}

function search(remaining: readonly Operation[], state: RegisterState): boolean {
  if (remaining.every((op) => op.returnTime === null)) return true;
  for (const op of remaining) {
    const minimal = remaining.every((other) => other.returnTime === null || other.returnTime >= op.callTime);
    if (!minimal) continue;
    const rest = remaining.filter((other) => other !== op);
    const step = stepRegister(state, op.input, op.returnTime === null ? null : op.output);
    if (step.ok && search(rest, step.state)) return true;
    if (op.returnTime === null && search(rest, state)) return true;
  }
  return false;
}
