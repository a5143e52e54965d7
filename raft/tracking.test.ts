// Progress, Inflights and quorum math: the leader's per-follower flow control and counting.
import { describe, expect, it } from "vitest";
import { Inflights } from "./inflights.js";
import { Progress } from "./progress.js";
import { committedIndex, majority, voteResult } from "./quorum.js";
import { applyConfChangeTo, validateConfChange } from "./confchange.js";
import { decodeConfChange, encodeConfChange } from "./confchange_codec.js";
import { SeededRand } from "./rand.js";
import { compileConfig } from "./config.js";
import { MemoryStorage } from "./storage.js";
import { RaftConfigError } from "./types.js";

describe("Inflights", () => {
  it("is bounded and frees acknowledged messages in order", () => {
    const inf = new Inflights(3);
    inf.add(5);
    inf.add(7);
    inf.add(9);
    expect(inf.full()).toBe(true);
    expect(() => inf.add(10)).toThrow();
    inf.freeLE(7);
    expect(inf.size()).toBe(1);
    inf.add(11);
    inf.add(12);
    expect(inf.full()).toBe(true);
    inf.freeLE(100);
    expect(inf.size()).toBe(0);
  });
});

describe("Progress", () => {
  it("probe sends one MsgApp at a time", () => {
    const pr = new Progress(0, 5, 4, false);
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(3);
    expect(pr.isPaused()).toBe(true);
    expect(pr.next).toBe(5); // probe does not move next optimistically
  });

  it("replicate pipelines up to the inflight bound", () => {
    const pr = new Progress(4, 5, 2, false);
    pr.becomeReplicate();
    pr.sentEntries(3);
    expect(pr.next).toBe(8);
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(1);
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeUpdate(7)).toBe(true);
    pr.inflights.freeLE(7);
    expect(pr.isPaused()).toBe(false);
  });

  it("maybeDecrTo ignores stale rejections and uses the hint in probe", () => {
    const pr = new Progress(2, 10, 4, false);
    expect(pr.maybeDecrTo(5, 3)).toBe(false); // not next-1: stale
    expect(pr.maybeDecrTo(9, 6)).toBe(true);
    expect(pr.next).toBe(7);
    expect(pr.maybeDecrTo(6, 0)).toBe(true);
    expect(pr.next).toBe(3); // never below match + 1
  });

  it("replicate falls back to match + 1 on rejection", () => {
    const pr = new Progress(5, 6, 4, false);
    pr.becomeReplicate();
    pr.sentEntries(4);
    expect(pr.maybeDecrTo(4, 0)).toBe(false); // at or below match: stale
    expect(pr.maybeDecrTo(8, 0)).toBe(true);
    expect(pr.next).toBe(6);
  });

  it("snapshot state pauses, and probing resumes after the snapshot index", () => {
    const pr = new Progress(1, 2, 4, false);
    pr.becomeSnapshot(20);
    expect(pr.isPaused()).toBe(true);
    pr.becomeProbe();
    expect(pr.next).toBe(21);
  });
});

describe("quorum", () => {
  it("majority and committed index", () => {
    expect([1, 2, 3, 4, 5].map(majority)).toEqual([1, 2, 2, 3, 3]);
    const match = new Map([
      [1, 10],
      [2, 7],
      [3, 3],
    ]);
    expect(committedIndex(new Set([1, 2, 3]), (id) => match.get(id))).toBe(7);
    expect(committedIndex(new Set([1, 2, 3, 4]), (id) => match.get(id))).toBe(3);
  });

  it("vote result: won, pending, lost", () => {
    const voters = new Set([1, 2, 3]);
    expect(voteResult(voters, new Map([[1, true]]))).toBe("Pending");
    expect(voteResult(voters, new Map([[1, true], [2, true]]))).toBe("Won");
    expect(voteResult(voters, new Map([[1, true], [2, false], [3, false]]))).toBe("Lost");
    expect(voteResult(voters, new Map([[4, true], [5, true]]))).toBe("Pending"); // non-voters do not count
  });
});

describe("conf changes", () => {
  const cs = { voters: [1, 2, 3], learners: [4] };
  it("validates one change against the current membership", () => {
    expect(validateConfChange(cs, { type: "AddNode", nodeId: 2 })).toMatch(/already a voter/);
    expect(validateConfChange(cs, { type: "AddLearnerNode", nodeId: 2 })).toMatch(/is a voter/);
    expect(validateConfChange(cs, { type: "RemoveNode", nodeId: 9 })).toMatch(/not a member/);
    expect(validateConfChange({ voters: [1], learners: [] }, { type: "RemoveNode", nodeId: 1 })).toMatch(/last voter/);
    expect(validateConfChange(cs, { type: "AddNode", nodeId: 4 })).toBeUndefined();
  });

  it("applies add, promote, remove", () => {
    expect(applyConfChangeTo(cs, { type: "AddNode", nodeId: 5 })).toEqual({ voters: [1, 2, 3, 5], learners: [4] });
    expect(applyConfChangeTo(cs, { type: "AddNode", nodeId: 4 })).toEqual({ voters: [1, 2, 3, 4], learners: [] });
    expect(applyConfChangeTo(cs, { type: "RemoveNode", nodeId: 2 })).toEqual({ voters: [1, 3], learners: [4] });
    expect(applyConfChangeTo(cs, { type: "AddLearnerNode", nodeId: 1 })).toBe(cs); // invalid: unchanged
  });

  it("round-trips through the entry encoding", () => {
    const cc = { type: "AddLearnerNode" as const, nodeId: 12345678901, context: new Uint8Array([1, 2, 3]) };
    expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
    expect(decodeConfChange(encodeConfChange({ type: "RemoveNode", nodeId: 3 }))).toEqual({ type: "RemoveNode", nodeId: 3 });
    expect(() => decodeConfChange(new Uint8Array(3))).toThrow(/too short/);
  });
});

describe("SeededRand", () => {
  it("replays from a seed and stays in range", () => {
    const a = new SeededRand(42);
    const b = new SeededRand(42);
    const xs = Array.from({ length: 100 }, () => a.intn(10));
    expect(Array.from({ length: 100 }, () => b.intn(10))).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 10)).toBe(true);
    expect(new Set(xs).size).toBe(10);
    expect(Array.from({ length: 20 }, () => new SeededRand(43).intn(1000))).not.toEqual(
      Array.from({ length: 20 }, () => new SeededRand(42).intn(1000)),
    );
  });
});

describe("Config", () => {
  const base = { id: 1, electionTicks: 10, heartbeatTicks: 1, storage: new MemoryStorage(), rand: new SeededRand(1) };
  it("fills defaults", () => {
    const c = compileConfig(base);
    expect(c.preVote).toBe(true);
    expect(c.checkQuorum).toBe(true);
    expect(c.maxInflightMsgs).toBe(256);
  });
  it("names the bad field and value", () => {
    expect(() => compileConfig({ ...base, id: 0 })).toThrow(RaftConfigError);
    expect(() => compileConfig({ ...base, heartbeatTicks: 10 })).toThrow(/heartbeatTicks \(10\).*electionTicks \(10\)/);
    expect(() => compileConfig({ ...base, maxInflightMsgs: 0 })).toThrow(/maxInflightMsgs.*got 0/);
  });
});
