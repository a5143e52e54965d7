// How a RaftNode answers a request caught by a leader change: `not_applied` only when the
// request provably is in no log (a dropped forward, an index committed with another entry, any
// read), `timeout` when a forwarded proposal may still be somewhere.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Message } from "../../raft/index.js";
import { LevelStorage } from "../../storage/level.js";
import { CommandType } from "../fsm/commands.js";
import { StateMachine } from "../fsm/state.js";
import { RaftNode } from "./node.js";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const tick_ms = 10;
const request_timeout_ms = 3_000;

interface Cluster {
  dir: string;
  nodes: Map<number, RaftNode>;
  fsms: Map<number, StateMachine>;
  stores: Map<number, LevelStorage>;
  /** Servers cut off: nothing to or from them is delivered. */
  cut: Set<number>;
  /**
   * How a MsgProp to or from a cut server is lost: reported dropped by the sender's transport
   * (never handed to a connection), or silently (written to a socket the peer never read).
   */
  proposals_lost: "reported" | "silently";
  /** MsgProps delivered to a server other than their origin (a forward on the wire). */
  forwarded: number;
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

async function cluster(proposals_lost: Cluster["proposals_lost"]): Promise<Cluster> {
  const c: Cluster = { dir: await mkdtemp(path.join(os.tmpdir(), "orch-failover-")), nodes: new Map(), fsms: new Map(), stores: new Map(), cut: new Set(), proposals_lost, forwarded: 0 };
  clusters.push(c);
  for (const id of [1, 2, 3]) {
    const storage = await LevelStorage.open(path.join(c.dir, `n${id}`));
    await storage.bootstrap({ voters: [1, 2, 3], learners: [] });
    const fsm = new StateMachine();
    const node: RaftNode = new RaftNode({
      id,
      storage,
      fsm,
      logger: quiet,
      tick_ms,
      seed: id,
      request_timeout_ms,
      transport: {
        send: (msgs: readonly Message[]) => {
          for (const m of msgs) {
            if (c.cut.has(m.to) || c.cut.has(id)) {
              // As the real transport does: reported outside send(), on a later turn.
              if (m.type === "MsgProp" && c.proposals_lost === "reported") setImmediate(() => node.reportDroppedProposal(m));
              continue;
            }
            const peer = c.nodes.get(m.to);
            if (m.type === "MsgProp") c.forwarded++;
            if (peer !== undefined) setImmediate(() => peer.step(m));
          }
        },
      },
    });
    c.nodes.set(id, node);
    c.fsms.set(id, fsm);
    c.stores.set(id, storage);
    node.start();
  }
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

function leaderOf(c: Cluster, except?: number): RaftNode | undefined {
  for (const [id, n] of c.nodes) if (id !== except && !c.cut.has(id) && n.status().softState.raftState === "Leader") return n;
  return undefined;
}

const put = (key: string) => ({ type: CommandType.kv_put, key, value: new TextEncoder().encode("v") }) as const;

/** Settles p, with how long it took. */
async function timed<T>(p: Promise<T>): Promise<{ ms: number; result?: T; error?: { code?: string; status?: number; message: string } }> {
  const t0 = Date.now();
  try {
    const result = await p;
    return { ms: Date.now() - t0, result };
  } catch (err) {
    return { ms: Date.now() - t0, error: err as { code?: string; status?: number; message: string } };
  }
}

/** A key written after the cluster healed has reached every server, so anything older has too. */
async function settleAll(c: Cluster): Promise<void> {
  c.cut.clear();
  const leader = await until("a leader after healing", () => leaderOf(c), 8_000);
  await leader.propose(put("after-heal"));
  await until("every server to apply the last write", () => [...c.fsms.values()].every((f) => f.kv.get("after-heal") !== undefined), 8_000);
}

async function followerOf(c: Cluster, leader: RaftNode): Promise<RaftNode> {
  const f = [...c.nodes.values()].find((n) => n !== leader)!;
  await until("the follower to know the leader", () => f.leader() === leader.id);
  return f;
}

describe("a request caught by a leader change", () => {
  it("is answered not_applied at once when the forward to the leader was dropped, and is never applied", async () => {
    const c = await cluster("reported");
    const leader = await until("a leader", () => leaderOf(c));
    const f = await followerOf(c, leader);
    c.cut.add(leader.id);
    const r = await timed(f.propose(put("dropped")));
    expect(r.error).toMatchObject({ code: "not_applied", status: 503 });
    expect(r.ms).toBeLessThan(request_timeout_ms);
    await settleAll(c);
    for (const fsm of c.fsms.values()) expect(fsm.kv.get("dropped")).toBeUndefined();
  });

  it("times out (indeterminate) when the forward left this server, since it may still be appended", async () => {
    const c = await cluster("silently");
    const leader = await until("a leader", () => leaderOf(c));
    const f = await followerOf(c, leader);
    c.cut.add(leader.id);
    const r = await timed(f.propose(put("in-flight")));
    expect(r.error).toMatchObject({ code: "timeout", status: 504 });
    expect(r.ms).toBeGreaterThanOrEqual(request_timeout_ms - 50);
  });

  it("ends a waiting read at once when the leader changes, and the retry succeeds", async () => {
    const c = await cluster("silently");
    const leader = await until("a leader", () => leaderOf(c));
    const f = await followerOf(c, leader);
    c.cut.add(leader.id);
    const r = await timed(f.linearizableRead());
    expect(r.error).toMatchObject({ code: "not_applied", status: 503 });
    expect(r.ms).toBeLessThan(request_timeout_ms);
    // Retried as the client does: an election on a busy machine may change the leader twice.
    for (let attempt = 1; ; attempt++) {
      const again = await timed(f.linearizableRead());
      if (again.error === undefined) break;
      expect(again.error).toMatchObject({ code: expect.stringMatching(/^(not_applied|no_leader)$/) as unknown });
      if (attempt === 20) throw new Error(`the read still fails after ${attempt} attempts: ${again.error.message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it("is answered not_applied when a deposed leader's entry is overwritten by a committed one, and is never applied", async () => {
    const c = await cluster("silently");
    const old = await until("a leader", () => leaderOf(c));
    await old.propose(put("before"));
    c.cut.add(old.id);
    // Appended to the old leader's log only: no follower hears of it.
    const orphan = timed(old.propose(put("orphan")));
    const next = await until("a new leader among the others", () => leaderOf(c, old.id), 8_000);
    await next.propose(put("by-the-new-leader"));
    c.cut.delete(old.id);
    const r = await orphan;
    expect(r.error).toMatchObject({ code: "not_applied", status: 503 });
    expect(r.ms).toBeLessThan(request_timeout_ms);
    await settleAll(c);
    for (const fsm of c.fsms.values()) {
      expect(fsm.kv.get("orphan")).toBeUndefined();
      expect(fsm.kv.get("by-the-new-leader")).toBeDefined();
    }
  });

  it("still applies a write proposed on a follower once the leader is reachable (the forward path works)", async () => {
    const c = await cluster("reported");
    const leader = await until("a leader", () => leaderOf(c));
    const f = await followerOf(c, leader);
    const before = c.forwarded;
    expect(await f.propose(put("forwarded"))).toMatchObject({ ok: true });
    expect(c.forwarded).toBeGreaterThan(before);
  });
});
