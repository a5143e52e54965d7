// RaftLog and Unstable: matching, conflicts, backtracking hints, commit and apply cursors.
import { describe, expect, it } from "vitest";
import { RaftLog } from "./log.js";
import { MemoryStorage } from "./storage.js";
import { RaftInvariantError, type Entry } from "./types.js";

const e = (index: number, term: number): Entry => ({ index, term, type: "Normal", data: new Uint8Array(8) });

function logWith(terms: number[], stableUpTo = terms.length): RaftLog {
  const s = new MemoryStorage();
  s.append(terms.slice(0, stableUpTo).map((t, i) => e(i + 1, t)));
  const log = new RaftLog(s, Infinity);
  log.append(terms.slice(stableUpTo).map((t, i) => e(stableUpTo + i + 1, t)));
  return log;
}

describe("RaftLog", () => {
  it("reads terms across stable and unstable parts", () => {
    const log = logWith([1, 1, 2, 3, 3], 3);
    expect([1, 2, 3, 4, 5].map((i) => log.term(i))).toEqual([1, 1, 2, 3, 3]);
    expect(log.term(0)).toBe(0);
    expect(log.term(6)).toBeUndefined();
    expect(log.lastIndex()).toBe(5);
    expect(log.lastTerm()).toBe(3);
  });

  it("findConflict returns the first mismatching or new index", () => {
    const log = logWith([1, 2, 3]);
    expect(log.findConflict([])).toBe(0);
    expect(log.findConflict([e(1, 1), e(2, 2)])).toBe(0);
    expect(log.findConflict([e(2, 2), e(3, 3), e(4, 4)])).toBe(4);
    expect(log.findConflict([e(2, 2), e(3, 4)])).toBe(3);
  });

  it("maybeAppend fails the consistency check on a mismatching (index, term)", () => {
    const log = logWith([1, 2, 3]);
    expect(log.maybeAppend(3, 2, 3, [e(4, 4)])).toBeUndefined();
    expect(log.maybeAppend(4, 3, 3, [])).toBeUndefined();
    expect(log.lastIndex()).toBe(3);
  });

  it("maybeAppend truncates a conflicting suffix and commits min(commit, last new)", () => {
    const log = logWith([1, 2, 3, 3]);
    expect(log.maybeAppend(2, 2, 10, [e(3, 4)])).toBe(3);
    expect(log.lastIndex()).toBe(3);
    expect(log.term(3)).toBe(4);
    expect(log.committed).toBe(3);
  });

  it("maybeAppend keeps a longer matching log (a stale MsgApp does not truncate)", () => {
    const log = logWith([1, 2, 3, 3]);
    expect(log.maybeAppend(1, 1, 0, [e(2, 2)])).toBe(2);
    expect(log.lastIndex()).toBe(4);
  });

  it("refuses to overwrite a committed entry", () => {
    const log = logWith([1, 2, 3]);
    log.commitTo(3);
    expect(() => log.maybeAppend(1, 1, 3, [e(2, 5)])).toThrow(RaftInvariantError);
  });

  it("findConflictByTerm skips every index of a higher term", () => {
    const log = logWith([1, 1, 2, 2, 2, 5, 5, 5]);
    expect(log.findConflictByTerm(8, 4)).toEqual([5, 2]);
    expect(log.findConflictByTerm(8, 5)).toEqual([8, 5]);
    expect(log.findConflictByTerm(8, 1)).toEqual([2, 1]);
    expect(log.findConflictByTerm(8, 0)).toEqual([0, 0]);
  });

  it("commitTo beyond the last index is a broken invariant", () => {
    const log = logWith([1, 1]);
    expect(() => log.commitTo(3)).toThrow(RaftInvariantError);
    log.commitTo(2);
    log.commitTo(1); // never decreases
    expect(log.committed).toBe(2);
  });

  it("maybeCommit only commits an entry of the given term (Figure 8)", () => {
    const log = logWith([1, 2, 2]);
    expect(log.maybeCommit(2, 3)).toBe(false);
    expect(log.committed).toBe(0);
    expect(log.maybeCommit(3, 2)).toBe(true);
    expect(log.committed).toBe(3);
  });

  it("appliedTo outside [applied, committed] is a broken invariant", () => {
    const log = logWith([1, 1, 1]);
    log.commitTo(2);
    expect(() => log.appliedTo(3)).toThrow(RaftInvariantError);
    log.appliedTo(2);
    expect(() => log.appliedTo(1)).toThrow(RaftInvariantError);
  });

  it("hands out committed entries bounded by bytes, from applied + 1", () => {
    const s = new MemoryStorage();
    s.append([1, 2, 3, 4, 5].map((i) => e(i, 1)));
    const log = new RaftLog(s, 70); // two 32-byte entries
    log.commitTo(5);
    expect(log.nextCommittedEnts().map((x) => x.index)).toEqual([1, 2]);
    log.appliedTo(2);
    expect(log.nextCommittedEnts().map((x) => x.index)).toEqual([3, 4]);
    log.appliedTo(5);
    expect(log.hasNextCommittedEnts()).toBe(false);
  });

  it("stableTo drops persisted unstable entries, unless they were replaced", () => {
    const log = logWith([1, 1, 2, 2], 2);
    log.stableTo(4, 1); // wrong term: ignored
    expect(log.unstableEntries()).toHaveLength(2);
    log.stableTo(3, 2);
    expect(log.unstableEntries().map((x) => x.index)).toEqual([4]);
  });

  it("restores from a snapshot: first index moves past it, committed jumps", () => {
    const log = logWith([1, 1]);
    log.restore({ metadata: { index: 10, term: 3, confState: { voters: [1], learners: [] } }, data: new Uint8Array(0) });
    expect(log.firstIndex()).toBe(11);
    expect(log.lastIndex()).toBe(10);
    expect(log.term(10)).toBe(3);
    expect(log.term(2)).toBeUndefined();
    expect(log.committed).toBe(10);
    expect(log.hasNextCommittedEnts()).toBe(false);
  });

  it("slice spans storage and unstable and reports compaction as undefined", () => {
    const s = new MemoryStorage();
    s.append([1, 2, 3, 4].map((i) => e(i, 1)));
    s.createSnapshot(2, { voters: [1], learners: [] }, new Uint8Array(0));
    s.compact(2);
    const log = new RaftLog(s, Infinity);
    log.append([e(5, 2), e(6, 2)]);
    expect(log.slice(3, 7, Infinity)?.map((x) => x.index)).toEqual([3, 4, 5, 6]);
    expect(log.slice(2, 4, Infinity)).toBeUndefined();
    expect(log.slice(3, 7, 40)?.map((x) => x.index)).toEqual([3]);
  });

  it("isUpToDate compares last term, then last index (§5.4.1)", () => {
    const log = logWith([1, 2, 2]);
    expect(log.isUpToDate(1, 3)).toBe(true);
    expect(log.isUpToDate(3, 2)).toBe(true);
    expect(log.isUpToDate(2, 2)).toBe(false);
    expect(log.isUpToDate(9, 1)).toBe(false);
  });
});
