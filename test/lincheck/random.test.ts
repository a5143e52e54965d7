// Randomized checks: generated linearizable histories pass, corrupted ones fail, and the
// fast checker agrees with a brute-force reference on small random histories.
import { describe, expect, it } from "vitest";
import { Prng } from "../sim/prng.js";
import { bruteForceLinearizable } from "./brute_force.js";
import { checkHistory, formatCheckResult } from "./check.js";
import type { KvOutput, Operation } from "./history.js";
import { randomLinearizableHistory } from "./random_history.js";

const generated_histories = 300;

describe("randomized linearizability checks", () => {
  it("accepts every history generated from a sequential execution", () => {
    for (let seed = 1; seed <= generated_histories; seed += 1) {
      const prng = new Prng(seed);
      const history = randomLinearizableHistory(prng, {
        opCount: prng.range(1, 200),
        keys: ["a", "b", "c"].slice(0, prng.range(1, 3)),
        maxSpread: prng.pick([0, 5, 15, 40]),
        indeterminateRate: prng.pick([0, 0.1, 0.3]),
      });
      const result = checkHistory(history);
      expect(result.result, `seed ${seed}: ${formatCheckResult(result)}`).toBe("ok");
    }
  });

  it("rejects every history where one read returns a value never written", () => {
    for (let seed = 1; seed <= generated_histories; seed += 1) {
      const prng = new Prng(seed);
      const history = randomLinearizableHistory(prng, {
        opCount: prng.range(5, 100),
        keys: ["a", "b"],
        maxSpread: prng.pick([0, 5, 15]),
        indeterminateRate: 0.1,
      });
      const reads = history.filter((op) => op.input.kind === "get" && op.returnTime !== null);
      if (reads.length === 0) continue;
      const victim = prng.pick(reads);
      const corrupted = replaceOutput(history, victim.id, { kind: "get", value: "never-written" });
      const result = checkHistory(corrupted);
      expect(result.result, `seed ${seed}`).toBe("not-linearizable");
      if (result.result === "not-linearizable") expect(result.violation.key).toBe(victim.input.key);
    }
  });

  it("rejects most histories where one read returns a different written value", () => {
    let corruptedCount = 0;
    let rejectedCount = 0;
    for (let seed = 1; seed <= generated_histories; seed += 1) {
      const prng = new Prng(seed);
      // Sequential (no overlap), so a changed read can only be explained by the wrong state.
      const history = randomLinearizableHistory(prng, {
        opCount: prng.range(10, 80),
        keys: ["a"],
        maxSpread: 0,
        indeterminateRate: 0,
      });
      const reads = history.filter((op) => op.input.kind === "get" && op.returnTime !== null);
      const values = history.flatMap((op) => (op.input.kind === "put" ? [op.input.value] : []));
      if (reads.length === 0 || values.length === 0) continue;
      const victim = prng.pick(reads);
      const seen = victim.output?.kind === "get" ? victim.output.value : null;
      const other = values.find((v) => v !== seen);
      if (other === undefined) continue;
      corruptedCount += 1;
      const result = checkHistory(replaceOutput(history, victim.id, { kind: "get", value: other }));
      // With no overlap every op has exactly one place, so any changed read is caught.
      expect(result.result, `seed ${seed}`).toBe("not-linearizable");
      if (result.result === "not-linearizable") rejectedCount += 1;
    }
    expect(corruptedCount).toBeGreaterThan(generated_histories / 2);
    expect(rejectedCount).toBe(corruptedCount);
  });

  it("agrees with a brute-force search on small random histories, legal or not", () => {
    let illegalCount = 0;
    for (let seed = 1; seed <= 3000; seed += 1) {
      const prng = new Prng(seed);
      const history = randomLinearizableHistory(prng, {
        opCount: prng.range(1, 8),
        keys: ["a", "b"].slice(0, prng.range(1, 2)),
        maxSpread: prng.pick([0, 10, 25]),
        indeterminateRate: 0.2,
      });
      // Scramble some outputs so about half the histories are illegal.
      const scrambled = history.map((op) => (prng.chance(0.15) ? scrambleOutput(prng, op) : op));
      const expected = bruteForceLinearizable(scrambled);
      if (!expected) illegalCount += 1;
      const result = checkHistory(scrambled);
      expect(result.result, `seed ${seed}: ${JSON.stringify(scrambled)}`).toBe(expected ? "ok" : "not-linearizable");
    }
    expect(illegalCount).toBeGreaterThan(300);
  });
});

function replaceOutput(history: readonly Operation[], id: number, output: KvOutput): Operation[] {
  return history.map((op) => (op.id === id ? { ...op, output } : op));
}

function scrambleOutput(prng: Prng, op: Operation): Operation {
  if (op.returnTime === null) return op;
  switch (op.input.kind) {
    case "get":
      return { ...op, output: { kind: "get", value: prng.pick([null, "v0", "v1", "v2", "v3"]) } };
    case "cas":
      return { ...op, output: { kind: "cas", ok: prng.chance(0.5) } };
    case "put":
    case "del":
      // Shift the interval instead: a write that "happened" at another time.
      return { ...op, callTime: op.callTime + 30, returnTime: op.returnTime + 30 };
  }
}
