// Entry point of the checker: validate, split the history by key, search each key, explain.
import { describeOperation, type History, type Operation } from "./history.js";
import { explainMismatch, initialRegisterState, stepRegister, type RegisterState } from "./kv_model.js";
import { searchPartition, type SearchBudget } from "./search.js";

/** Default bound on search work (loop iterations summed over all keys). */
export const max_search_steps_default = 5_000_000;

export interface CheckOptions {
  /** Stop and answer "unknown" after this many search steps. */
  readonly max_search_steps?: number;
}

/** Why one key's ops have no linearization, shaped for a person to read. */
export interface Violation {
  readonly key: string;
  /** The longest linearization the search found, in order. */
  readonly longestPrefix: readonly Operation[];
  readonly stateAfterPrefix: RegisterState;
  /** The earliest-returning op outside that prefix: it had to come next and could not. */
  readonly blockedOp: Operation;
  readonly opsOnKey: number;
  readonly explanation: string;
}

export type CheckResult =
  | { readonly result: "ok"; readonly searchSteps: number }
  | { readonly result: "not-linearizable"; readonly violation: Violation; readonly searchSteps: number }
  | {
      readonly result: "unknown";
      readonly reason: "search budget exceeded";
      readonly key: string;
      readonly searchSteps: number;
    };

/**
 * Checks a key-value history for linearizability. Keys are independent registers, so
 * the history is linearizable iff each key's sub-history is (P-compositionality).
 * A proven violation on any key wins over a budget overrun on another.
 */
export function checkHistory(history: History, options: CheckOptions = {}): CheckResult {
  validate(history);
  const max_search_steps = options.max_search_steps ?? max_search_steps_default;
  const budget: SearchBudget = { remainingSteps: max_search_steps };
  let exceededKey: string | null = null;

  for (const [key, ops] of partitionByKey(history)) {
    const outcome = searchPartition(ops, budget);
    if (outcome.kind === "illegal") {
      return {
        result: "not-linearizable",
        violation: explain(key, ops, outcome.bestPrefix),
        searchSteps: max_search_steps - budget.remainingSteps,
      };
    }
    if (outcome.kind === "budget-exceeded") {
      exceededKey ??= key;
      // Leave a little budget so later small keys can still prove a violation.
      budget.remainingSteps = Math.max(budget.remainingSteps, Math.floor(max_search_steps / 100));
    }
  }
  const searchSteps = max_search_steps - budget.remainingSteps;
  if (exceededKey !== null) {
    return { result: "unknown", reason: "search budget exceeded", key: exceededKey, searchSteps };
  }
  return { result: "ok", searchSteps };
}

/** One line (or a few) for logs and assertion messages. */
export function formatCheckResult(result: CheckResult): string {
  switch (result.result) {
    case "ok":
      return `ok (${result.searchSteps} search steps)`;
    case "unknown":
      return `unknown: ${result.reason} on key ${JSON.stringify(result.key)} after ${result.searchSteps} steps`;
    case "not-linearizable":
      return `not linearizable: ${result.violation.explanation}`;
  }
}

/**
 * Groups ops by key, smallest groups first so cheap proofs come before costly ones.
 * An indeterminate get is dropped: nobody saw its result and it changed nothing.
 */
function partitionByKey(history: History): Array<[string, Operation[]]> {
  const byKey = new Map<string, Operation[]>();
  for (const op of history) {
    if (op.returnTime === null && op.input.kind === "get") continue;
    const group = byKey.get(op.input.key);
    if (group === undefined) byKey.set(op.input.key, [op]);
    else group.push(op);
  }
  return [...byKey.entries()].sort((a, b) => a[1].length - b[1].length || (a[0] < b[0] ? -1 : 1));
}

function explain(key: string, ops: readonly Operation[], bestPrefix: readonly number[]): Violation {
  const longestPrefix = bestPrefix.map((index) => mustGet(ops, index));
  let state = initialRegisterState;
  for (const op of longestPrefix) state = stepRegister(state, op.input, null).state;
  const placed = new Set(bestPrefix);
  const blockedOp = ops
    .filter((op, index) => !placed.has(index) && op.returnTime !== null)
    .reduce((a, b) => ((b.returnTime ?? 0) < (a.returnTime ?? 0) ? b : a));
  const direct = stepRegister(state, blockedOp.input, blockedOp.output);
  const why = direct.ok
    ? "placing it there leaves some later op impossible"
    : explainMismatch(state, blockedOp.input);
  const explanation =
    `key ${JSON.stringify(key)}: linearized ${longestPrefix.length} of ${ops.length} ops at best; ` +
    `then ${describeOperation(blockedOp)} cannot be placed: ${why}. ` +
    `Longest prefix: ${longestPrefix.map((op) => `#${op.id}`).join(" ") || "(empty)"}`;
  return { key, longestPrefix, stateAfterPrefix: state, blockedOp, opsOnKey: ops.length, explanation };
}

function mustGet(ops: readonly Operation[], index: number): Operation {
  const op = ops[index];
  if (op === undefined) throw new Error(`lincheck: prefix names op index ${index} outside the partition (bug)`);
  return op;
}

function validate(history: History): void {
  const ids = new Set<number>();
  for (const op of history) {
    if (ids.has(op.id)) throw new Error(`lincheck: duplicate op id ${op.id}; give every op its own id`);
    ids.add(op.id);
    if (!Number.isFinite(op.callTime)) throw new Error(`lincheck: op #${op.id} has call time ${op.callTime}`);
    if (op.returnTime !== null && !(op.returnTime >= op.callTime)) {
      throw new Error(`lincheck: op #${op.id} returns at ${op.returnTime}, before its call at ${op.callTime}`);
    }
    if (op.returnTime !== null && op.output === null) {
      throw new Error(`lincheck: op #${op.id} returned but has no output; use returnTime null if unknown`);
    }
    if (op.returnTime !== null && op.output !== null && op.output.kind !== op.input.kind) {
      throw new Error(`lincheck: op #${op.id} is a ${op.input.kind} but its output is a ${op.output.kind}`);
    }
  }
}
