// Wing & Gong search over one key's ops, with Lowe's memo of (linearized set, state).
import { Bitset } from "./bitset.js";
import { buildEventList, lift, unlift, type Event } from "./event_list.js";
import type { Operation } from "./history.js";
import { initialRegisterState, stepRegister, type RegisterState } from "./kv_model.js";

/** Search work shared by all partitions of one check; counts loop iterations. */
export interface SearchBudget {
  remainingSteps: number;
}

export type PartitionOutcome =
  | { readonly kind: "ok" }
  | { readonly kind: "budget-exceeded" }
  /** `bestPrefix`: op indices of the longest linearization found, in order. */
  | { readonly kind: "illegal"; readonly bestPrefix: readonly number[] };

interface Frame {
  readonly call: Event;
  readonly stateBefore: RegisterState;
}

/**
 * Decides whether `ops` (all on one key) have a linearization. Backtracking walks the
 * event list: a call whose op can run next from the current state is lifted out and
 * pushed; reaching a return whose op is still pending means every choice for the ops
 * before it failed, so the last choice is undone. Each (set, state) pair is explored
 * once, which is what keeps the search polynomial in practice.
 */
export function searchPartition(ops: readonly Operation[], budget: SearchBudget): PartitionOutcome {
  const head = buildEventList(ops);
  const cache = new Map<number, Array<{ bits: Bitset; state: RegisterState }>>();
  const stack: Frame[] = [];
  let linearized = Bitset.empty(ops.length);
  let state = initialRegisterState;
  let determinateLeft = ops.filter((op) => op.returnTime !== null).length;
  let bestPrefix: number[] = [];
  let entry = head.next;

  // Once only indeterminate ops remain, they all fit at the end: the model accepts
  // any outcome for an op whose output nobody saw.
  while (head.next !== null && determinateLeft > 0) {
    if (budget.remainingSteps <= 0) return { kind: "budget-exceeded" };
    budget.remainingSteps -= 1;
    if (entry === null) throw new Error("lincheck: walked off the event list (bug)");

    if (entry.kind === "call") {
      const op = ops[entry.opIndex];
      if (op === undefined) throw new Error("lincheck: event names a missing op (bug)");
      const step = stepRegister(state, op.input, op.returnTime === null ? null : op.output);
      if (step.ok) {
        const next = linearized.clone();
        next.set(entry.opIndex);
        if (remember(cache, next, step.state)) {
          stack.push({ call: entry, stateBefore: state });
          if (stack.length > bestPrefix.length) bestPrefix = stack.map((f) => f.call.opIndex);
          linearized = next;
          state = step.state;
          if (op.returnTime !== null) determinateLeft -= 1;
          lift(entry);
          entry = head.next;
          continue;
        }
      }
      entry = entry.next;
      continue;
    }

    // A return event of a pending op: nothing more can be placed before it.
    const frame = stack.pop();
    if (frame === undefined) return { kind: "illegal", bestPrefix };
    const undone = ops[frame.call.opIndex];
    if (undone !== undefined && undone.returnTime !== null) determinateLeft += 1;
    state = frame.stateBefore;
    linearized = linearized.clone();
    linearized.clear(frame.call.opIndex);
    unlift(frame.call);
    entry = frame.call.next;
  }
  return { kind: "ok" };
}

/** Adds (bits, state) to the memo; false if it was already there (already explored). */
function remember(
  cache: Map<number, Array<{ bits: Bitset; state: RegisterState }>>,
  bits: Bitset,
  state: RegisterState,
): boolean {
  const hash = bits.hash();
  const bucket = cache.get(hash);
  if (bucket === undefined) {
    cache.set(hash, [{ bits, state }]);
    return true;
  }
  if (bucket.some((seen) => seen.state === state && seen.bits.equals(bits))) return false;
  bucket.push({ bits, state });
  return true;
}
