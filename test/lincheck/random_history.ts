// Random histories built from a real sequential execution: linearizable by construction.
import type { Prng } from "../sim/prng.js";
import type { KvInput, KvOutput, Operation } from "./history.js";

export interface RandomHistoryOptions {
  readonly opCount: number;
  readonly keys: readonly string[];
  /** How far a call may precede, and a return follow, the op's linearization point. */
  readonly maxSpread: number;
  /** Share of ops whose answer is lost; half of those never take effect. */
  readonly indeterminateRate: number;
}

/**
 * Runs ops one by one on a real map at points 10, 20, 30…, then widens each op into an
 * interval around its point. An indeterminate op either took effect at its point or
 * was dropped from the execution entirely; both are legal outcomes of a lost answer.
 */
export function randomLinearizableHistory(prng: Prng, options: RandomHistoryOptions): Operation[] {
  const store = new Map<string, string>();
  const ops: Operation[] = [];
  for (let id = 0; id < options.opCount; id += 1) {
    const point = (id + 1) * 10;
    const key = prng.pick(options.keys);
    const input = randomInput(prng, key, store.get(key) ?? null, id);
    const callTime = point - prng.int(options.maxSpread + 1);
    const indeterminate = prng.chance(options.indeterminateRate);
    const applies = !indeterminate || prng.chance(0.5);
    const output = applies ? apply(store, input) : null;
    if (indeterminate) {
      ops.push({ id, clientId: id, callTime, returnTime: null, input, output: null });
    } else {
      const returnTime = point + prng.int(options.maxSpread + 1);
      ops.push({ id, clientId: id, callTime, returnTime, input, output });
    }
  }
  return ops;
}

function randomInput(prng: Prng, key: string, current: string | null, id: number): KvInput {
  const roll = prng.int(10);
  if (roll < 4) return { kind: "get", key };
  if (roll < 7) return { kind: "put", key, value: `v${id}` };
  if (roll < 8) return { kind: "del", key };
  const expected = prng.chance(0.6) ? current : `v${prng.int(id + 1)}`;
  return { kind: "cas", key, expected, value: `v${id}` };
}

function apply(store: Map<string, string>, input: KvInput): KvOutput {
  const current = store.get(input.key) ?? null;
  switch (input.kind) {
    case "get":
      return { kind: "get", value: current };
    case "put":
      store.set(input.key, input.value);
      return { kind: "put" };
    case "del":
      store.delete(input.key);
      return { kind: "del" };
    case "cas": {
      const ok = current === input.expected;
      if (ok) store.set(input.key, input.value);
      return { kind: "cas", ok };
    }
  }
}
