// Three RaftNodes on real LevelDB folders, wired by an in-process transport: elections,
// replication, a stopped leader, snapshots with compaction, and restart from disk; and a lone
// server on an in-memory disk restarted while an entry it proposed was not yet answered.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MemoryStorage, type ConfState, type Message, type StorageWrite } from "../../raft/index.js";
import { LevelStorage } from "../../storage/level.js";
import { CommandType } from "../fsm/commands.js";
import { decodeSnapshot } from "../fsm/snapshot.js";
import { StateMachine } from "../fsm/state.js";
import type { Clock } from "./clock.js";
import { RaftNode } from "./node.js";
import type { NodeStorage } from "./storage.js";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const tick_ms = 10;

interface Cluster {
  dir: string;
  nodes: Map<number, RaftNode>;
  fsms: Map<number, StateMachine>;
  stores: Map<number, LevelStorage>;
  down: Set<number>;
}

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) {
    for (const [id, n] of c.nodes) {
      await n.stop();
      await c.stores.get(id)?.close();
    }
    await rm(c.dir, { recursive: true, force: true });
  }
});

async function startNode(c: Cluster, id: number, opts: { snapshot_entries?: number } = {}): Promise<RaftNode> {
  const storage = await LevelStorage.open(path.join(c.dir, `n${id}`));
  if (storage.lastIndex() === 0) await storage.bootstrap({ voters: [1, 2, 3], learners: [] });
  const fsm = new StateMachine();
  const node: RaftNode = new RaftNode({
    id,
    storage,
    fsm,
    logger: quiet,
    tick_ms,
    seed: id,
    snapshot_entries: opts.snapshot_entries ?? 10_000,
    snapshot_catchup_entries: 5,
    request_timeout_ms: 3_000,
    transport: {
      send: (msgs: readonly Message[]) => {
        for (const m of msgs) {
          if (c.down.has(m.to) || c.down.has(id)) continue;
          const peer = c.nodes.get(m.to);
          // Delivered on a later turn, as a network would.
          if (peer !== undefined) setImmediate(() => peer.step(m));
        }
      },
    },
  });
  c.nodes.set(id, node);
  c.fsms.set(id, fsm);
  c.stores.set(id, storage);
  node.start();
  return node;
}

async function cluster(opts: { snapshot_entries?: number } = {}): Promise<Cluster> {
  const c: Cluster = { dir: await mkdtemp(path.join(os.tmpdir(), "orch-node-")), nodes: new Map(), fsms: new Map(), stores: new Map(), down: new Set() };
  clusters.push(c);
  for (const id of [1, 2, 3]) await startNode(c, id, opts);
  return c;
}

async function until<T>(what: string, f: () => T | undefined, timeout_ms = 5_000): Promise<T> {
  const deadline = Date.now() + timeout_ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function leaderOf(c: Cluster): RaftNode | undefined {
  for (const [id, n] of c.nodes) if (!c.down.has(id) && n.status().softState.raftState === "Leader") return n;
  return undefined;
}

const put = (key: string, value: string) => ({ type: CommandType.kv_put, key, value: new TextEncoder().encode(value) }) as const;

describe("RaftNode", () => {
  it("elects a leader and replicates writes proposed on any server", async () => {
    const c = await cluster();
    const leader = await until("a leader", () => leaderOf(c));
    const follower = [...c.nodes.values()].find((n) => n !== leader)!;
    await until("the follower to know the leader", () => follower.leader() !== 0);
    expect(await leader.propose(put("a", "1"))).toMatchObject({ ok: true, key: "a" });
    // Proposed on a follower: Raft forwards it to the leader.
    expect(await follower.propose(put("b", "2"))).toMatchObject({ ok: true, key: "b" });
    await until("every server to apply both", () => [...c.fsms.values()].every((f) => f.kv.get("b") !== undefined));
    await follower.linearizableRead();
    expect(c.fsms.get(follower.id)!.kv.get("a")?.value).toEqual(new TextEncoder().encode("1"));
  });

  it("keeps serving after the leader stops, and nothing acknowledged is lost", async () => {
    const c = await cluster();
    const first = await until("a leader", () => leaderOf(c));
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) {
      await first.propose(put(`k${i}`, "x"));
      acked.push(`k${i}`);
    }
    c.down.add(first.id);
    await first.stop();
    const second = await until("a new leader", () => leaderOf(c), 8_000);
    expect(second.id).not.toBe(first.id);
    await second.propose(put("after", "y"));
    for (const [id, f] of c.fsms) if (id !== first.id) for (const k of acked) expect(f.kv.get(k)).toBeDefined();
  });

  it("waits, past snapshot_entries, until the log since the last snapshot is as large as that snapshot", async () => {
    const c = await cluster({ snapshot_entries: 20 });
    const leader = await until("a leader", () => leaderOf(c));
    const store = c.stores.get(leader.id)!;
    // A large state: 30 values of 8 KiB, then a first snapshot once 20 entries were applied.
    await Promise.all(Array.from({ length: 30 }, (_, i) => leader.propose(put(`big${i}`, "x".repeat(8192)))));
    await until("a first snapshot", () => store.snapshot().metadata.index >= 20);
    const first = store.snapshot();
    expect(first.data.byteLength).toBeGreaterThan(20 * 8192);
    // 60 small writes: past snapshot_entries, far below the snapshot's size; no new snapshot.
    for (let i = 0; i < 60; i++) await leader.propose(put(`s${i}`, "y"));
    expect(store.snapshot().metadata.index).toBe(first.metadata.index);
    // Writes as large as the state: a second snapshot follows.
    await Promise.all(Array.from({ length: 40 }, (_, i) => leader.propose(put(`big${i}`, "z".repeat(8192)))));
    await until("a second snapshot", () => store.snapshot().metadata.index > first.metadata.index);
  });

  it("snapshots, compacts, and restarts a server from its own disk", async () => {
    const c = await cluster({ snapshot_entries: 20 });
    const leader = await until("a leader", () => leaderOf(c));
    await Promise.all(Array.from({ length: 60 }, (_, i) => leader.propose(put(`k${i % 10}`, `v${i}`))));
    const store = c.stores.get(leader.id)!;
    // The snapshot is written, then the log compacted: wait for both.
    await until("a snapshot and a compacted log", () => store.snapshot().metadata.index >= 20 && store.firstIndex() > 2);
    // Restart a follower from its folder: state comes back from snapshot plus log.
    const f = [...c.nodes.values()].find((n) => n !== leader)!;
    await until("the follower to apply everything", () => c.fsms.get(f.id)!.kv.size === 10);
    const before = c.fsms.get(f.id)!.snapshot();
    await f.stop();
    await c.stores.get(f.id)!.close();
    const again = await startNode(c, f.id, { snapshot_entries: 20 });
    await again.linearizableRead().catch(() => undefined);
    await until("the restarted follower to catch up", () => {
      const s = c.fsms.get(f.id)!;
      return s.kv.get("k9")?.value !== undefined && s.kv.size === 10;
    });
    expect(decodeSnapshot(c.fsms.get(f.id)!.snapshot()).rows).toEqual(decodeSnapshot(before).rows);
  });

  it("answers no_leader quickly when a lone server cannot elect", async () => {
    const c = await cluster();
    await until("a leader", () => leaderOf(c));
    const lone = c.nodes.get(1)!;
    c.down.add(2);
    c.down.add(3);
    await until("server 1 to lose its leader", () => {
      const st = lone.status().softState;
      return st.raftState !== "Leader" && st.lead === 0;
    }, 8_000);
    await expect(lone.propose(put("x", "1"))).rejects.toMatchObject({ code: "no_leader", status: 503 });
  });
});

describe("RaftNode across a restart", () => {
  /** A lone voter's disk in memory: saves land at once; while `hold.on` they never report back (the process died before hearing). */
  function memoryDisk(mem: MemoryStorage, hold: { on: boolean }): NodeStorage {
    return {
      initialState: () => mem.initialState(),
      entries: (lo, hi, max) => mem.entries(lo, hi, max),
      term: (i) => mem.term(i),
      firstIndex: () => mem.firstIndex(),
      lastIndex: () => mem.lastIndex(),
      snapshot: () => mem.snapshot(),
      save: (w: StorageWrite) => {
        mem.save(w);
        return hold.on ? new Promise<void>(() => {}) : Promise.resolve();
      },
      createSnapshot: (i: number, conf: ConfState, data: Uint8Array) => Promise.resolve(mem.createSnapshot(i, conf, data)),
      compact: (i: number) => Promise.resolve(mem.compact(i)),
    };
  }
  /** Time stands still at `now_ms`; timers never fire. */
  const stillClock = (now_ms: number): Clock => ({ now: () => now_ms, setTimeout: () => 0, clearTimeout: () => {}, setInterval: () => 0, clearInterval: () => {} });

  it("does not answer a request with the result of an entry proposed before the restart", async () => {
    const mem = MemoryStorage.bootstrap([1]);
    const hold = { on: false };
    const options = { id: 1, fsm: new StateMachine(), transport: { send: () => {} }, logger: quiet, seed: 1 };
    const before = new RaftNode({ ...options, storage: memoryDisk(mem, hold), clock: stillClock(1_000) });
    before.start();
    await until("the lone server to lead", () => before.status().softState.raftState === "Leader" && before.status().applied > 1);
    // Written and committed, but the process dies before it applies the entry or answers.
    hold.on = true;
    void before.propose(put("x", "old"));
    hold.on = false;
    const after = new RaftNode({ ...options, fsm: new StateMachine(), storage: memoryDisk(mem, hold), clock: stillClock(2_000) });
    after.start();
    // Proposed while the restarted server is still replaying the old entry.
    const answer = await after.propose(put("y", "new"));
    expect(answer).toMatchObject({ ok: true, key: "y" });
  });
});
