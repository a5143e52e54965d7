// The shared Storage test suite: every Storage implementation (memory, LevelDB) must pass it.
import { describe, expect, it } from "vitest";
import {
  ErrCompacted,
  ErrSnapOutOfDate,
  ErrUnavailable,
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
  type Storage,
  type StorageWrite,
} from "./types.js";
import { entrySizeBytes } from "./util.js";

type MaybePromise<T> = T | Promise<T>;

/**
 * A Storage with the write side the Ready loop uses. Writes may be async (a disk store
 * resolves once the write is durable); reads stay synchronous for the core.
 */
export interface WritableStorage extends Storage {
  /** One Ready's write, all or nothing; the node driver's only write of the log. */
  save(w: StorageWrite, sync?: boolean): MaybePromise<void>;
  append(entries: readonly Entry[]): MaybePromise<void>;
  setHardState(hs: HardState): MaybePromise<void>;
  applySnapshot(snap: Snapshot): MaybePromise<void>;
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): MaybePromise<Snapshot>;
  compact(compactIndex: number): MaybePromise<void>;
}

export interface StorageContractOptions<S extends WritableStorage> {
  /** A fresh, empty storage. */
  readonly create: () => MaybePromise<S>;
  /** Close and reopen the same storage (for durable implementations); omit for memory. */
  readonly reopen?: (s: S) => MaybePromise<S>;
  readonly destroy?: (s: S) => MaybePromise<void>;
}

const ent = (index: number, term: number, text = `e${index}`): Entry => ({
  index,
  term,
  type: "Normal",
  data: new TextEncoder().encode(text),
});

const CONF: ConfState = { voters: [1, 2, 3], learners: [4] };

export function storageContract<S extends WritableStorage>(name: string, opts: StorageContractOptions<S>): void {
  async function withStorage(fn: (s: S) => Promise<S | void>): Promise<void> {
    const s = await opts.create();
    let last: S = s;
    try {
      last = (await fn(s)) ?? s;
    } finally {
      await opts.destroy?.(last);
    }
  }

  async function fill(s: S, n: number, term = 1): Promise<void> {
    const es: Entry[] = [];
    for (let i = 1; i <= n; i++) es.push(ent(i, term));
    await s.append(es);
  }

  describe(`Storage contract: ${name}`, () => {
    it("starts empty: first 1, last 0, term(0) = 0, zero hard state", () =>
      withStorage(async (s) => {
        expect(s.firstIndex()).toBe(1);
        expect(s.lastIndex()).toBe(0);
        expect(s.term(0)).toBe(0);
        expect(s.entries(1, 1, Infinity)).toEqual([]);
        expect(s.initialState().hardState).toEqual({ term: 0, vote: 0, commit: 0 });
        expect(s.initialState().confState.voters).toEqual([]);
      }));

    it("appends and reads entries and terms", () =>
      withStorage(async (s) => {
        await s.append([ent(1, 1), ent(2, 1), ent(3, 2)]);
        expect(s.lastIndex()).toBe(3);
        expect(s.term(3)).toBe(2);
        expect(s.entries(2, 4, Infinity).map((e) => [e.index, e.term])).toEqual([
          [2, 1],
          [3, 2],
        ]);
        expect(new TextDecoder().decode(s.entries(1, 2, Infinity)[0]!.data)).toBe("e1");
      }));

    it("throws ErrUnavailable beyond the last index", () =>
      withStorage(async (s) => {
        await fill(s, 3);
        expect(() => s.term(4)).toThrow(ErrUnavailable);
        expect(() => s.entries(2, 5, Infinity)).toThrow(ErrUnavailable);
      }));

    it("bounds entries() by bytes but returns at least one entry", () =>
      withStorage(async (s) => {
        await fill(s, 5);
        const one = entrySizeBytes(ent(1, 1));
        expect(s.entries(1, 6, 0)).toHaveLength(1);
        expect(s.entries(1, 6, one * 2)).toHaveLength(2);
        expect(s.entries(1, 6, one * 2 + one - 1)).toHaveLength(2);
        expect(s.entries(1, 6, Infinity)).toHaveLength(5);
      }));

    it("truncates a conflicting suffix on append", () =>
      withStorage(async (s) => {
        await fill(s, 5, 1);
        await s.append([ent(3, 2), ent(4, 2)]);
        expect(s.lastIndex()).toBe(4);
        expect([s.term(2), s.term(3), s.term(4)]).toEqual([1, 2, 2]);
      }));

    it("refuses an append that leaves a gap", () =>
      withStorage(async (s) => {
        await fill(s, 2);
        await expect(async () => s.append([ent(5, 1)])).rejects.toThrow();
      }));

    it("keeps the hard state", () =>
      withStorage(async (s) => {
        await s.setHardState({ term: 7, vote: 2, commit: 0 });
        expect(s.initialState().hardState).toEqual({ term: 7, vote: 2, commit: 0 });
      }));

    it("creates a snapshot and compacts; the compacted prefix answers ErrCompacted", () =>
      withStorage(async (s) => {
        await fill(s, 10);
        const snap = await s.createSnapshot(6, CONF, new Uint8Array([9]));
        expect(snap.metadata).toEqual({ index: 6, term: 1, confState: CONF });
        await s.compact(6);
        expect(s.firstIndex()).toBe(7);
        expect(s.lastIndex()).toBe(10);
        expect(s.term(6)).toBe(1);
        expect(() => s.term(5)).toThrow(ErrCompacted);
        expect(() => s.entries(6, 8, Infinity)).toThrow(ErrCompacted);
        expect(s.entries(7, 11, Infinity)).toHaveLength(4);
        expect(s.snapshot().metadata.index).toBe(6);
        expect([...s.snapshot().data]).toEqual([9]);
        expect(s.initialState().confState).toEqual(CONF);
      }));

    it("ignores appended entries that are already compacted", () =>
      withStorage(async (s) => {
        await fill(s, 5);
        await s.createSnapshot(4, CONF, new Uint8Array(0));
        await s.compact(4);
        await s.append([ent(3, 1), ent(4, 1), ent(5, 1), ent(6, 1)]);
        expect(s.firstIndex()).toBe(5);
        expect(s.lastIndex()).toBe(6);
      }));

    it("applySnapshot replaces the log; an older snapshot is refused", () =>
      withStorage(async (s) => {
        await fill(s, 3);
        const snap: Snapshot = { metadata: { index: 20, term: 4, confState: CONF }, data: new Uint8Array([1, 2]) };
        await s.applySnapshot(snap);
        expect(s.firstIndex()).toBe(21);
        expect(s.lastIndex()).toBe(20);
        expect(s.term(20)).toBe(4);
        expect(s.snapshot().metadata.index).toBe(20);
        expect(s.initialState().confState).toEqual(CONF);
        const older: Snapshot = { metadata: { index: 10, term: 3, confState: CONF }, data: new Uint8Array(0) };
        await expect(async () => s.applySnapshot(older)).rejects.toThrow(ErrSnapOutOfDate);
        await s.append([ent(21, 4)]);
        expect(s.lastIndex()).toBe(21);
      }));

    it("refuses createSnapshot at or below the current snapshot", () =>
      withStorage(async (s) => {
        await fill(s, 5);
        await s.createSnapshot(3, CONF, new Uint8Array(0));
        await expect(async () => s.createSnapshot(2, CONF, new Uint8Array(0))).rejects.toThrow(ErrSnapOutOfDate);
      }));

    it("save writes a snapshot, the entries after it and the hard state as one", () =>
      withStorage(async (s) => {
        await fill(s, 4);
        const snap: Snapshot = { metadata: { index: 10, term: 3, confState: CONF }, data: new Uint8Array([7]) };
        await s.save({ snapshot: snap, entries: [ent(11, 3), ent(12, 4)], hardState: { term: 4, vote: 2, commit: 11 } }, true);
        expect([s.firstIndex(), s.lastIndex()]).toEqual([11, 12]);
        expect([s.term(10), s.term(11), s.term(12)]).toEqual([3, 3, 4]);
        expect(s.snapshot().metadata.index).toBe(10);
        expect(s.initialState()).toEqual({ hardState: { term: 4, vote: 2, commit: 11 }, confState: CONF });
      }));

    it("save truncates a conflicting suffix, and a write without sync reads back at once", () =>
      withStorage(async (s) => {
        await s.save({ entries: [ent(1, 1), ent(2, 1), ent(3, 1), ent(4, 1)], hardState: { term: 1, vote: 1, commit: 2 } }, true);
        await s.save({ entries: [ent(3, 2, "new3")], hardState: { term: 2, vote: 3, commit: 2 } }, true);
        expect(s.lastIndex()).toBe(3);
        expect(new TextDecoder().decode(s.entries(3, 4, Infinity)[0]!.data)).toBe("new3");
        await s.save({ entries: [], hardState: { term: 2, vote: 3, commit: 3 } }, false);
        expect(s.initialState().hardState).toEqual({ term: 2, vote: 3, commit: 3 });
        await s.save({ entries: [] }, true);
        expect([s.lastIndex(), s.initialState().hardState.commit]).toEqual([3, 3]);
      }));

    it("a refused save changes nothing: an older snapshot, or entries that leave a gap", () =>
      withStorage(async (s) => {
        await fill(s, 6);
        await s.createSnapshot(5, CONF, new Uint8Array([1]));
        await s.setHardState({ term: 1, vote: 1, commit: 5 });
        const older: Snapshot = { metadata: { index: 3, term: 1, confState: CONF }, data: new Uint8Array(0) };
        await expect(async () => s.save({ snapshot: older, entries: [ent(4, 1)], hardState: { term: 9, vote: 9, commit: 4 } }, true)).rejects.toThrow(ErrSnapOutOfDate);
        await expect(async () => s.save({ entries: [ent(9, 1)], hardState: { term: 9, vote: 9, commit: 9 } }, true)).rejects.toThrow();
        expect([s.firstIndex(), s.lastIndex(), s.snapshot().metadata.index]).toEqual([1, 6, 5]);
        expect(s.initialState().hardState).toEqual({ term: 1, vote: 1, commit: 5 });
      }));

    if (opts.reopen !== undefined) {
      const reopen = opts.reopen;
      it("keeps what synced saves wrote across reopen", () =>
        withStorage(async (s) => {
          await s.save({ entries: [ent(1, 1), ent(2, 1), ent(3, 2)], hardState: { term: 2, vote: 1, commit: 1 } }, true);
          const snap: Snapshot = { metadata: { index: 7, term: 3, confState: CONF }, data: new Uint8Array([4, 2]) };
          await s.save({ snapshot: snap, entries: [ent(8, 3)], hardState: { term: 3, vote: 2, commit: 7 } }, true);
          await s.save({ entries: [ent(9, 3)] }, true);
          const r = await reopen(s);
          expect([r.firstIndex(), r.lastIndex(), r.term(9)]).toEqual([8, 9, 3]);
          expect(r.initialState()).toEqual({ hardState: { term: 3, vote: 2, commit: 7 }, confState: CONF });
          expect([...r.snapshot().data]).toEqual([4, 2]);
          return r;
        }));

      it("keeps log, hard state and snapshot across reopen", () =>
        withStorage(async (s) => {
          await fill(s, 8, 2);
          await s.setHardState({ term: 3, vote: 1, commit: 8 });
          await s.createSnapshot(4, CONF, new Uint8Array([5]));
          await s.compact(4);
          const r = await reopen(s);
          expect(r.firstIndex()).toBe(5);
          expect(r.lastIndex()).toBe(8);
          expect(r.term(4)).toBe(2);
          expect(r.initialState()).toEqual({ hardState: { term: 3, vote: 1, commit: 8 }, confState: CONF });
          expect(r.entries(5, 9, Infinity).map((e) => e.index)).toEqual([5, 6, 7, 8]);
          expect([...r.snapshot().data]).toEqual([5]);
          return r;
        }));
    }
  });
}
