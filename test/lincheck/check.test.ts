// Hand-built histories the checker must accept or reject, and what it says when it rejects.
import { describe, expect, it } from "vitest";
import { checkHistory, formatCheckResult } from "./check.js";
import { HistoryBuilder } from "./fixtures.js";
import type { Operation } from "./history.js";

function verdict(ops: Operation[]): string {
  return checkHistory(ops).result;
}

describe("checkHistory accepts linearizable histories", () => {
  it("accepts the empty history", () => {
    expect(verdict([])).toBe("ok");
  });

  it("accepts a sequential put then get", () => {
    const h = new HistoryBuilder().put(1, 0, 1, "x", "a").get(1, 2, 3, "x", "a").get(2, 4, 5, "y", null);
    expect(verdict(h.build())).toBe("ok");
  });

  it("accepts a read concurrent with a write seeing either value", () => {
    const before = new HistoryBuilder().put(1, 0, 10, "x", "a").get(2, 1, 2, "x", null);
    const after = new HistoryBuilder().put(1, 0, 10, "x", "a").get(2, 1, 2, "x", "a");
    expect(verdict(before.build())).toBe("ok");
    expect(verdict(after.build())).toBe("ok");
  });

  it("accepts concurrent writes ordered either way when reads agree", () => {
    const h = new HistoryBuilder()
      .put(1, 0, 10, "x", "a")
      .put(2, 1, 9, "x", "b")
      .get(3, 11, 12, "x", "a")
      .get(3, 13, 14, "x", "a");
    expect(verdict(h.build())).toBe("ok");
  });

  it("accepts reads that flip while both writes are still in flight", () => {
    // a then b then a is impossible, but a (during w_a) then b (during w_b) is fine.
    const h = new HistoryBuilder()
      .put(1, 0, 100, "x", "a")
      .put(2, 0, 100, "x", "b")
      .get(3, 10, 11, "x", "a")
      .get(3, 20, 21, "x", "b");
    expect(verdict(h.build())).toBe("ok");
  });

  it("accepts an indeterminate write that took effect", () => {
    const h = new HistoryBuilder().put(1, 0, null, "x", "a").get(2, 50, 51, "x", "a");
    expect(verdict(h.build())).toBe("ok");
  });

  it("accepts an indeterminate write that never took effect", () => {
    const h = new HistoryBuilder().put(1, 0, null, "x", "a").get(2, 50, 51, "x", null).get(2, 60, 61, "x", null);
    expect(verdict(h.build())).toBe("ok");
  });

  it("accepts an indeterminate write that took effect long after its caller gave up", () => {
    const h = new HistoryBuilder()
      .put(1, 0, null, "x", "a")
      .get(2, 50, 51, "x", null)
      .get(2, 60, 61, "x", "a")
      .get(2, 70, 71, "x", "a");
    expect(verdict(h.build())).toBe("ok");
  });

  it("accepts an indeterminate cas that swapped, and one that could not", () => {
    const h = new HistoryBuilder()
      .put(1, 0, 1, "x", "a")
      .cas(1, 2, null, "x", "a", "b")
      .cas(2, 3, null, "x", "zzz", "c")
      .get(3, 10, 11, "x", "b");
    expect(verdict(h.build())).toBe("ok");
  });

  it("accepts cas successes and failures consistent with the value", () => {
    const h = new HistoryBuilder()
      .cas(1, 0, 1, "x", null, "a", true)
      .cas(1, 2, 3, "x", null, "b", false)
      .cas(2, 4, 5, "x", "a", "c", true)
      .get(2, 6, 7, "x", "c")
      .del(1, 8, 9, "x")
      .get(1, 10, 11, "x", null);
    expect(verdict(h.build())).toBe("ok");
  });

  it("accepts two concurrent cas on the same value when exactly one wins", () => {
    const h = new HistoryBuilder()
      .put(1, 0, 1, "x", "a")
      .cas(2, 2, 10, "x", "a", "b", true)
      .cas(3, 2, 10, "x", "a", "c", false)
      .get(1, 11, 12, "x", "b");
    expect(verdict(h.build())).toBe("ok");
  });

  it("treats touching intervals as concurrent", () => {
    const h = new HistoryBuilder().put(1, 0, 5, "x", "a").get(2, 5, 6, "x", null);
    expect(verdict(h.build())).toBe("ok");
  });

  it("checks keys independently", () => {
    const h = new HistoryBuilder()
      .put(1, 0, 10, "x", "a")
      .put(2, 0, 10, "y", "b")
      .get(3, 11, 12, "y", "b")
      .get(3, 13, 14, "x", "a");
    expect(verdict(h.build())).toBe("ok");
  });
});

describe("checkHistory rejects non-linearizable histories", () => {
  it("rejects a stale read after a completed write", () => {
    const h = new HistoryBuilder().put(1, 0, 1, "x", "a").put(1, 2, 3, "x", "b").get(2, 4, 5, "x", "a");
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("rejects a lost acknowledged write", () => {
    const h = new HistoryBuilder().put(1, 0, 1, "x", "a").get(2, 10, 11, "x", null);
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("rejects two reads that see values out of order", () => {
    const h = new HistoryBuilder()
      .put(1, 0, 1, "x", "a")
      .put(2, 2, 100, "x", "b")
      .get(3, 10, 11, "x", "b")
      .get(4, 20, 21, "x", "a");
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("rejects a cas that succeeded on a wrong value", () => {
    const h = new HistoryBuilder().put(1, 0, 1, "x", "a").cas(2, 2, 3, "x", "b", "c", true);
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("rejects a cas that failed although the value matched", () => {
    const h = new HistoryBuilder().put(1, 0, 1, "x", "a").cas(2, 2, 3, "x", "a", "c", false);
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("rejects two successful cas from the same expected value", () => {
    const h = new HistoryBuilder()
      .put(1, 0, 1, "x", "a")
      .cas(2, 2, 10, "x", "a", "b", true)
      .cas(3, 2, 10, "x", "a", "c", true);
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("rejects a read of a value nobody wrote", () => {
    const h = new HistoryBuilder().put(1, 0, 10, "x", "a").get(2, 1, 2, "x", "b");
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("rejects an indeterminate write observed before it was called", () => {
    const h = new HistoryBuilder().get(2, 0, 1, "x", "a").put(1, 5, null, "x", "a");
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("rejects an indeterminate write that is seen and then unseen", () => {
    const h = new HistoryBuilder().put(1, 0, null, "x", "a").get(2, 10, 11, "x", "a").get(2, 20, 21, "x", null);
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("rejects a read that survives a completed delete", () => {
    const h = new HistoryBuilder().put(1, 0, 1, "x", "a").del(1, 2, 3, "x").get(2, 4, 5, "x", "a");
    expect(verdict(h.build())).toBe("not-linearizable");
  });

  it("finds the one bad key among good ones and names it", () => {
    const h = new HistoryBuilder();
    for (let k = 0; k < 20; k += 1) h.put(1, k * 10, k * 10 + 5, `k${k}`, "v").get(2, k * 10 + 6, k * 10 + 7, `k${k}`, "v");
    h.put(3, 500, 501, "bad", "new").get(4, 502, 503, "bad", null);
    const result = checkHistory(h.build());
    expect(result.result).toBe("not-linearizable");
    if (result.result !== "not-linearizable") return;
    expect(result.violation.key).toBe("bad");
    expect(result.violation.blockedOp.input.kind).toBe("get");
    expect(formatCheckResult(result)).toContain('key "bad"');
    expect(formatCheckResult(result)).toContain('the register holds "new"');
  });

  it("reports the longest linearizable prefix", () => {
    const h = new HistoryBuilder()
      .put(1, 0, 1, "x", "a")
      .get(1, 2, 3, "x", "a")
      .put(1, 4, 5, "x", "b")
      .get(2, 6, 7, "x", "a");
    const result = checkHistory(h.build());
    if (result.result !== "not-linearizable") throw new Error(formatCheckResult(result));
    expect(result.violation.longestPrefix.map((op) => op.id)).toEqual([0, 1, 2]);
    expect(result.violation.blockedOp.id).toBe(3);
    expect(result.violation.stateAfterPrefix).toBe("b");
  });
});

describe("checkHistory limits and input checks", () => {
  it("answers unknown instead of searching past max_search_steps", () => {
    const h = new HistoryBuilder();
    // Many fully concurrent writes and reads: a large search space.
    for (let i = 0; i < 40; i += 1) h.put(i, 0, 1000, "x", `v${i}`);
    for (let i = 0; i < 40; i += 1) h.get(100 + i, 1 + i, 1000, "x", `v${(i * 7) % 40}`);
    const result = checkHistory(h.build(), { max_search_steps: 200 });
    expect(result.result).toBe("unknown");
    expect(formatCheckResult(result)).toContain("search budget exceeded");
  });

  it("still proves a violation on a small key when a big key exhausts the budget", () => {
    const h = new HistoryBuilder();
    for (let i = 0; i < 40; i += 1) h.put(i, 0, 1000, "big", `v${i}`);
    for (let i = 0; i < 40; i += 1) h.get(100 + i, 1 + i, 1000, "big", `v${(i * 7) % 40}`);
    h.put(1, 0, 1, "small", "a").get(2, 2, 3, "small", null);
    expect(checkHistory(h.build(), { max_search_steps: 200 }).result).toBe("not-linearizable");
  });

  it("rejects malformed histories with a message naming the op", () => {
    const dup = new HistoryBuilder().put(1, 0, 1, "x", "a").build();
    expect(() => checkHistory([...dup, ...dup])).toThrow(/duplicate op id 0/);
    const backwards = new HistoryBuilder().put(1, 5, 1, "x", "a").build();
    expect(() => checkHistory(backwards)).toThrow(/returns at 1, before its call at 5/);
    const mismatched: Operation[] = [
      { id: 0, clientId: 1, callTime: 0, returnTime: 1, input: { kind: "get", key: "x" }, output: { kind: "put" } },
    ];
    expect(() => checkHistory(mismatched)).toThrow(/is a get but its output is a put/);
  });

  it("round-trips through JSON", () => {
    const h = new HistoryBuilder().put(1, 0, null, "x", "a").get(2, 3, 4, "x", "a").build();
    const parsed = JSON.parse(JSON.stringify(h)) as Operation[];
    expect(checkHistory(parsed).result).toBe("ok");
  });
});
