// LevelStorage on a real LevelDB folder: durability across reopen, truncation, snapshots,
// compaction, and damaged records reported instead of replayed.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { afterEach, describe, expect, it } from "vitest";
import type { Entry } from "../raft/index.js";
import { storageContract } from "../raft/storage_contract.js";
import { LevelStorage, snapshot_chunk_bytes, StorageError } from "./level.js";
import { encodeSnapshot } from "./record.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), "orch-storage-"));
  dirs.push(d);
  return path.join(d, "raft");
}

const enc = new TextEncoder();
function ents(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push({ index: i, term, type: "Normal", data: enc.encode(`v${i}t${term}`) });
  return out;
}

async function reopen(s: LevelStorage): Promise<LevelStorage> {
  await s.close();
  return LevelStorage.open(s.path);
}

/** A data folder with entries 2..10 (term 2, committed), then changed behind LevelStorage's back. */
async function folderWith(mutate: (db: Level<Uint8Array, Uint8Array>) => Promise<void>): Promise<string> {
  const dir = await tempDir();
  const s = await LevelStorage.open(dir);
  await s.bootstrap({ voters: [1], learners: [] });
  await s.save({ entries: ents(2, 10, 2), hardState: { term: 2, vote: 1, commit: 10 } });
  await s.close();
  const raw = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
  await mutate(raw);
  await raw.close();
  return dir;
}

storageContract("LevelStorage", {
  create: async () => LevelStorage.open(await tempDir()),
  reopen: reopen,
  destroy: (s) => s.close(),
});

describe("LevelStorage", () => {
  it("starts empty as the Storage contract says", async () => {
    const s = await LevelStorage.open(await tempDir());
    expect([s.firstIndex(), s.lastIndex(), s.term(0)]).toEqual([1, 0, 0]);
    expect(s.initialState().hardState).toEqual({ term: 0, vote: 0, commit: 0 });
    await s.close();
  });

  it("keeps entries, hard state and membership across reopen", async () => {
    let s = await LevelStorage.open(await tempDir());
    await s.bootstrap({ voters: [1, 2, 3], learners: [] });
    await s.save({ entries: ents(2, 10, 2), hardState: { term: 2, vote: 1, commit: 7 } });
    s = await reopen(s);
    expect(s.initialState()).toEqual({ hardState: { term: 2, vote: 1, commit: 7 }, confState: { voters: [1, 2, 3], learners: [] } });
    expect([s.firstIndex(), s.lastIndex(), s.term(1), s.term(10)]).toEqual([2, 10, 1, 2]);
    expect(s.entries(2, 11, Infinity)).toEqual(ents(2, 10, 2));
    await s.close();
  });

  it("truncates a conflicting suffix on disk, not only in memory", async () => {
    let s = await LevelStorage.open(await tempDir());
    await s.bootstrap({ voters: [1], learners: [] });
    await s.save({ entries: ents(2, 20, 2) });
    await s.save({ entries: ents(6, 8, 3) });
    expect(s.lastIndex()).toBe(8);
    s = await reopen(s);
    expect(s.lastIndex()).toBe(8);
    expect(s.entries(2, 9, Infinity)).toEqual([...ents(2, 5, 2), ...ents(6, 8, 3)]);
    await s.close();
  });

  it("refuses an append that would leave a gap, and writes nothing", async () => {
    const s = await LevelStorage.open(await tempDir());
    await s.bootstrap({ voters: [1], learners: [] });
    await expect(s.save({ entries: ents(5, 6, 2), hardState: { term: 9, vote: 0, commit: 1 } })).rejects.toThrow(/gap/);
    expect(s.lastIndex()).toBe(1);
    expect(s.initialState().hardState.term).toBe(1);
    await s.close();
  });

  it("installs a received snapshot, replacing the log, durably", async () => {
    let s = await LevelStorage.open(await tempDir());
    await s.bootstrap({ voters: [1, 2], learners: [] });
    await s.save({ entries: ents(2, 5, 2) });
    const snap = { metadata: { index: 50, term: 4, confState: { voters: [1, 2, 3], learners: [4] } }, data: enc.encode("state") };
    await s.save({ snapshot: snap, entries: ents(51, 52, 4), hardState: { term: 4, vote: 0, commit: 50 } });
    s = await reopen(s);
    expect(s.snapshot()).toEqual(snap);
    expect([s.firstIndex(), s.lastIndex(), s.term(50)]).toEqual([51, 52, 4]);
    expect(s.initialState().confState).toEqual({ voters: [1, 2, 3], learners: [4] });
    await s.close();
  });

  it("creates a snapshot and compacts the log it covers", async () => {
    let s = await LevelStorage.open(await tempDir());
    await s.bootstrap({ voters: [1], learners: [] });
    await s.save({ entries: ents(2, 100, 2), hardState: { term: 2, vote: 1, commit: 100 } });
    await s.createSnapshot(80, { voters: [1], learners: [] }, enc.encode("fsm@80"));
    await expect(s.compact(90)).rejects.toThrow(/past the snapshot/);
    await s.compact(80);
    expect([s.firstIndex(), s.lastIndex()]).toEqual([81, 100]);
    s = await reopen(s);
    expect([s.firstIndex(), s.lastIndex(), s.term(80)]).toEqual([81, 100, 2]);
    expect(new TextDecoder().decode(s.snapshot().data)).toBe("fsm@80");
    await s.close();
  });

  it("after a snapshot without compaction, reloads from the snapshot on", async () => {
    let s = await LevelStorage.open(await tempDir());
    await s.bootstrap({ voters: [1], learners: [] });
    await s.save({ entries: ents(2, 30, 2) });
    await s.createSnapshot(20, { voters: [1], learners: [] }, new Uint8Array(0));
    s = await reopen(s);
    expect([s.firstIndex(), s.lastIndex()]).toEqual([21, 30]);
    await s.close();
  });

  it("writes a large snapshot in chunks, keeps appending meanwhile, and reads it back whole", async () => {
    let s = await LevelStorage.open(await tempDir());
    await s.bootstrap({ voters: [1], learners: [] });
    await s.save({ entries: ents(2, 50, 2), hardState: { term: 2, vote: 1, commit: 50 } });
    const big = Uint8Array.from({ length: 3 * snapshot_chunk_bytes + 12_345 }, (_, i) => (i * 7 + (i >> 11)) & 255);
    // Saves do not wait for the snapshot being written.
    const snapshotting = s.createSnapshot(40, { voters: [1], learners: [] }, big);
    await s.save({ entries: ents(51, 60, 2), hardState: { term: 2, vote: 1, commit: 60 } });
    await snapshotting;
    await s.compact(40);
    const next = Uint8Array.from({ length: snapshot_chunk_bytes + 1 }, (_, i) => i & 255);
    await s.createSnapshot(55, { voters: [1], learners: [] }, next);
    s = await reopen(s);
    expect(s.snapshot().metadata.index).toBe(55);
    expect(s.snapshot().data).toEqual(next);
    expect([s.firstIndex(), s.lastIndex()]).toEqual([56, 60]);
    await s.close();
    // The first snapshot's chunks went with it: only the current one's two remain.
    const raw = new Level<Uint8Array, Uint8Array>(s.path, { keyEncoding: "view", valueEncoding: "view" });
    const chunks = await raw.keys({ gte: Uint8Array.of(0x63), lt: Uint8Array.of(0x64) }).all();
    await raw.close();
    expect(chunks.length).toBe(2);
  });

  it("loads a snapshot written inline by an earlier version, and drops chunks no header points at", async () => {
    // A chunk of a snapshot whose header never got written (a crash mid-snapshot).
    const stray = new Uint8Array(13);
    stray[0] = 0x63;
    new DataView(stray.buffer).setBigUint64(1, 9n);
    const dir = await folderWith(async (raw) => {
      await raw.put(Uint8Array.of(0x73), encodeSnapshot({ metadata: { index: 8, term: 2, confState: { voters: [1], learners: [] } }, data: enc.encode("old-fsm@8") }));
      await raw.put(stray, Uint8Array.of(1, 2, 3));
    });
    const s = await LevelStorage.open(dir);
    expect(s.snapshot()).toEqual({ metadata: { index: 8, term: 2, confState: { voters: [1], learners: [] } }, data: enc.encode("old-fsm@8") });
    expect(s.lastIndex()).toBe(10);
    await s.close();
    const again = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    expect(await again.get(stray)).toBeUndefined();
    await again.close();
  });

  it("keeps meta beside the log", async () => {
    let s = await LevelStorage.open(await tempDir());
    await s.setMeta({ cluster_id: "c1", node_id: 3 });
    s = await reopen(s);
    expect(s.meta()).toEqual({ cluster_id: "c1", node_id: 3 });
    await s.close();
  });

  it("refuses a second bootstrap", async () => {
    const s = await LevelStorage.open(await tempDir());
    await s.bootstrap({ voters: [1], learners: [] });
    await expect(s.bootstrap({ voters: [1], learners: [] })).rejects.toThrow(/already holds a Raft log/);
    await s.close();
  });

  it("says the folder is in use when another process holds it", async () => {
    const dir = await tempDir();
    const s = await LevelStorage.open(dir);
    await expect(LevelStorage.open(dir)).rejects.toThrow(/in use by another process/);
    await s.close();
  });
});

describe("damaged data folders", () => {
  async function damaged(mutate: (db: Level<Uint8Array, Uint8Array>) => Promise<void>): Promise<unknown> {
    const dir = await folderWith(mutate);
    return LevelStorage.open(dir).then(
      async (x) => {
        await x.close();
        return "opened";
      },
      (err: unknown) => err,
    );
  }
  const key = (i: number): Uint8Array => {
    const k = new Uint8Array(9);
    k[0] = 0x65;
    new DataView(k.buffer).setBigUint64(1, BigInt(i));
    return k;
  };

  it("finds a flipped bit in an entry", async () => {
    const err = await damaged(async (db) => {
      const v = (await db.get(key(5)))!;
      v[v.length - 1] = v[v.length - 1]! ^ 0x01;
      await db.put(key(5), v);
    });
    expect(err).toBeInstanceOf(StorageError);
    expect(String(err)).toMatch(/log entry 5: checksum mismatch.*not replayed.*orch server --join/);
  });

  it("finds a missing entry in the middle of the log", async () => {
    const err = await damaged((db) => db.del(key(6)));
    expect(String(err)).toMatch(/log entry 7: gap: expected entry 6/);
  });

  it("finds a truncated hard state", async () => {
    const err = await damaged((db) => db.put(Uint8Array.of(0x68), Uint8Array.of(1, 2, 3)));
    expect(String(err)).toMatch(/hard state record: record of 3 bytes is too short/);
  });

  it("finds a missing or damaged snapshot chunk", async () => {
    const dir = await tempDir();
    const s = await LevelStorage.open(dir);
    await s.bootstrap({ voters: [1], learners: [] });
    await s.save({ entries: ents(2, 10, 2), hardState: { term: 2, vote: 1, commit: 10 } });
    await s.createSnapshot(9, { voters: [1], learners: [] }, new Uint8Array(2 * snapshot_chunk_bytes).fill(5));
    await s.close();
    const chunk = (n: number): Uint8Array => {
      const k = new Uint8Array(13);
      k[0] = 0x63;
      new DataView(k.buffer).setBigUint64(1, 9n);
      new DataView(k.buffer).setUint32(9, n);
      return k;
    };
    const open = async (): Promise<unknown> => LevelStorage.open(dir).then(async (x) => { await x.close(); return "opened"; }, (err: unknown) => err);
    const raw = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    const v = (await raw.get(chunk(1)))!;
    v[100] = v[100]! ^ 0x10;
    await raw.put(chunk(1), v);
    await raw.close();
    expect(String(await open())).toMatch(/snapshot 9 chunk 1: checksum mismatch.*not replayed/);
    const raw2 = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    await raw2.del(chunk(1));
    await raw2.close();
    expect(String(await open())).toMatch(/snapshot 9: chunk 1 of 2 is missing/);
  });

  it("finds a commit index beyond the log", async () => {
    const err = await damaged(async (db) => {
      await db.batch([9, 10].map((i) => ({ type: "del" as const, key: key(i) })));
    });
    expect(String(err)).toMatch(/commit index 10 is beyond the last log entry 8/);
  });
});
