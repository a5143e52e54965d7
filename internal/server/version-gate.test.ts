// The version gate with three real Raft nodes on LevelDB, one of them run as an older build
// (its command-set version capped at the baseline, so role_set is a type it does not know):
// the leader refuses to propose what that member cannot apply, and a server that meets such an
// entry in its log stops with a message instead of skipping it.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Message } from "../../raft/index.js";
import { LevelStorage } from "../../storage/level.js";
import { CommandType, command_set_version, command_set_version_baseline } from "../fsm/commands.js";
import { StateMachine } from "../fsm/state.js";
import { CommandSetError } from "../fsm/version.js";
import type { RaftNode } from "../raftnode/node.js";
import { HttpError } from "./http/errors.js";
import { GatedRaftNode } from "./version-gate.js";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const old_version = command_set_version_baseline;

interface Cluster {
  dir: string;
  nodes: Map<number, RaftNode>;
  fsms: Map<number, StateMachine>;
  stores: Map<number, LevelStorage>;
}

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) {
    for (const id of [...c.nodes.keys()]) await stopNode(c, id);
    await rm(c.dir, { recursive: true, force: true });
  }
});

async function stopNode(c: Cluster, id: number): Promise<void> {
  await c.nodes.get(id)?.stop();
  await c.stores.get(id)?.close();
  c.nodes.delete(id);
  c.stores.delete(id);
}

/** Starts (or restarts from its folder) server s<id> running a build that knows `version`. */
async function startNode(c: Cluster, id: number, version: number): Promise<{ node: RaftNode; fsm: StateMachine }> {
  const storage = await LevelStorage.open(path.join(c.dir, `n${id}`));
  if (storage.lastIndex() === 0) {
    const initial = new StateMachine();
    for (const m of [1, 2, 3]) initial.members.upsert({ id: m, name: `s${m}`, raft_addr: `127.0.0.1:${m}`, http_addr: "" });
    await storage.bootstrap({ voters: [1, 2, 3], learners: [] }, initial.snapshot());
  }
  const fsm = new StateMachine({ command_set_version: version });
  const node = new GatedRaftNode({
    id,
    storage,
    fsm,
    logger: quiet,
    tick_ms: 10,
    seed: id,
    request_timeout_ms: 3_000,
    transport: {
      send: (msgs: readonly Message[]) => {
        for (const m of msgs) {
          const peer = c.nodes.get(m.to);
          if (peer !== undefined && c.nodes.has(m.from)) setImmediate(() => peer.step(m));
        }
      },
    },
  });
  c.nodes.set(id, node);
  c.fsms.set(id, fsm);
  c.stores.set(id, storage);
  node.start();
  return { node, fsm };
}

async function until<T>(what: string, f: () => T | undefined | false, timeout_ms = 8_000): Promise<T> {
  const deadline = Date.now() + timeout_ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function leaderOf(c: Cluster): RaftNode | undefined {
  for (const n of c.nodes.values()) if (n.status().softState.raftState === "Leader") return n;
  return undefined;
}

/** What Server.announceHttp does: the member table learns the version this server's build knows. */
async function announce(node: RaftNode, fsm: StateMachine): Promise<void> {
  await until(`s${node.id} to hear a leader`, () => node.leader() !== 0);
  await node.propose({ type: CommandType.member_update, id: node.id, name: `s${node.id}`, raft_addr: `127.0.0.1:${node.id}`, http_addr: "", command_set_version: fsm.command_set_version });
}

const setRole = { type: CommandType.role_set, role: "batch", weight: 2 } as const;

describe("version gate across an old and a new build", () => {
  it("refuses to propose a type an old member lacks, and an old build that meets one in its log stops with a message", async () => {
    const c: Cluster = { dir: await mkdtemp(path.join(os.tmpdir(), "orch-gate-")), nodes: new Map(), fsms: new Map(), stores: new Map() };
    clusters.push(c);
    for (const id of [1, 2]) await startNode(c, id, command_set_version);
    let s3 = await startNode(c, 3, old_version);
    for (const [id, n] of c.nodes) await announce(n, c.fsms.get(id)!);
    const leader = await until("a leader", () => leaderOf(c));
    await until("every server to see every announcement", () => [...c.fsms.values()].every((f) => f.members.get(3)?.command_set_version === old_version));

    // Half one: while s3 runs the old build, nobody may write role_set, not even through a follower,
    // and s3 itself does not know the type.
    for (const [id, n] of c.nodes) {
      const err = await n.propose(setRole).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).status).toBe(409);
      expect((err as HttpError).message).toBe(
        id === 3
          ? `this server's build knows command-set version ${old_version}, but role_set needs ${command_set_version}: upgrade this server, then retry`
          : `server s3 knows command-set version ${old_version}, but role_set needs ${command_set_version}: upgrade s3 and every server below ${command_set_version}, then retry`,
      );
    }
    expect([...c.fsms.values()].every((f) => f.roles.all().length === 0)).toBe(true);
    // Old types still go through; the old server applies them with the rest.
    await leader.propose({ type: CommandType.kv_put, key: "k", value: new Uint8Array([1]) });
    await until("s3 to apply the put", () => s3.fsm.kv.get("k") !== undefined);

    // s3 is upgraded: once it announces the new version, role_set is proposed and applied everywhere.
    await stopNode(c, 3);
    s3 = await startNode(c, 3, command_set_version);
    await announce(s3.node, s3.fsm);
    await until("the leader to see s3's new version", () => c.fsms.get(leader.id)!.members.get(3)?.command_set_version === command_set_version);
    const applied = await leader.propose(setRole);
    expect(applied).toMatchObject({ ok: true, role: { role: "batch", weight: 2 } });
    await until("every server to apply the role", () => [...c.fsms.values()].every((f) => f.roles.get("batch")?.weight === 2));
    const role_index = c.fsms.get(leader.id)!.roles.get("batch")!.version;

    // Half two: s3 is rolled back to the old build. Replaying its log, it meets role_set and stops there.
    await stopNode(c, 3);
    s3 = await startNode(c, 3, old_version);
    const failed = await until("s3 to stop", () => s3.node.failed);
    expect(failed).toBeInstanceOf(CommandSetError);
    expect(failed.message).toBe(
      `entry ${role_index} was written by command-set version ${command_set_version}; this server knows up to ${old_version}: upgrade this server (command type ${CommandType.role_set}, role_set, is unknown to it)`,
    );
    // It did not skip the entry: nothing at or after it was applied.
    expect(s3.fsm.applied_index).toBe(role_index - 1);
    expect(s3.fsm.roles.get("batch")).toBeUndefined();
    // A stopped server answers every request with the reason, never a result.
    await expect(s3.node.propose({ type: CommandType.kv_put, key: "x", value: new Uint8Array(0) })).rejects.toMatchObject({ status: 503, message: expect.stringContaining("upgrade this server") });
    // The two new servers go on.
    await leader.propose({ type: CommandType.kv_put, key: "after", value: new Uint8Array([2]) });
  });
});
