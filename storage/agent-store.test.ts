// The agent store: node id kept across opens, seq and queue durable, coalescing when full, damage reported clearly.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Level } from "level";
import { afterEach, describe, expect, test } from "vitest";
import type { StatusUpdate } from "../internal/api/agent.js";
import type { TaskState } from "../internal/driver/types.js";
import { AgentStore, AgentStoreError, type TaskRecord } from "./agent-store.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "orch-agent-store-"));
  dirs.push(dir);
  return dir;
}

const terminal_states: TaskState[] = ["FINISHED", "FAILED", "KILLED", "LOST"];

async function record(store: AgentStore, task_id: string, state: TaskState): Promise<StatusUpdate> {
  const seq = (store.task(task_id)?.seq ?? 0) + 1;
  const terminal = terminal_states.includes(state);
  const rec: TaskRecord = { task_id, seq, state, reason: "r", terminal };
  const update = {
    update_id: `${store.node_id}:${task_id}:${seq}`,
    task_id,
    seq,
    status: { task_id, node_id: store.node_id, state, reason: "running", message: "m" },
    at_ms: 1,
  } as StatusUpdate;
  await store.recordStatus(rec, update);
  return update;
}

describe("agent store", () => {
  test("keeps its node id, task records, queue and stop intents across reopen", async () => {
    const dir = await tempDir();
    const first = await AgentStore.open(dir);
    expect(first.node_id).toMatch(/^node-[0-9a-f]{16}$/);
    await record(first, "a", "STARTING");
    const running = await record(first, "a", "RUNNING");
    await first.ack([`${first.node_id}:a:1`]);
    await first.addStopIntent("a");
    await first.setClusterState({ cluster_id: "c1", index: 7 });
    await first.close();
    const second = await AgentStore.open(dir);
    expect(second.node_id).toBe(first.node_id);
    expect(second.task("a")).toMatchObject({ seq: 2, state: "RUNNING", terminal: false });
    expect(second.pending()).toEqual([running]);
    expect(second.hasStopIntent("a")).toBe(true);
    expect(second.clusterState()).toEqual({ cluster_id: "c1", index: 7 });
    await second.forgetTask("a");
    await second.deleteStopIntent("a");
    expect(second.task("a")).toBeUndefined();
    expect(second.pending()).toHaveLength(1); // still owed to the servers
    await second.close();
  });

  test("a seq that does not grow is refused", async () => {
    const store = await AgentStore.open(await tempDir());
    const update = await record(store, "a", "RUNNING");
    await expect(store.recordStatus({ task_id: "a", seq: 1, state: "KILLED", reason: "r", terminal: true }, { ...update })).rejects.toThrow(/not above/);
    await store.close();
  });

  test("when full, coalesces to the newest update per task and keeps every terminal one", async () => {
    const store = await AgentStore.open(await tempDir(), { status_queue_max: 4 });
    await record(store, "a", "STARTING");
    await record(store, "a", "RUNNING");
    await record(store, "b", "FAILED");
    await record(store, "a", "KILLING");
    await record(store, "c", "STARTING"); // full: a's older two go
    const left = store.pending().map((u) => `${u.task_id}:${u.status.state}`);
    expect(left).toEqual(["b:FAILED", "a:KILLING", "c:STARTING"]);
    await record(store, "d", "KILLED"); // four: full, one per task
    await expect(record(store, "e", "RUNNING")).rejects.toThrow(/status_queue_max/);
    expect(store.pending()).toHaveLength(4);
    expect(store.task("e")).toBeUndefined(); // the refused update took no seq
    await store.close();
  });

  test("a damaged record stops the open with an error that says what to do", async () => {
    const dir = await tempDir();
    const store = await AgentStore.open(dir);
    await record(store, "a", "RUNNING");
    await store.close();
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: "utf8", valueEncoding: "view" });
    const value = (await db.get("t/a")) as Uint8Array;
    value[value.length - 2] = (value[value.length - 2] ?? 0) ^ 0xff;
    await db.put("t/a", value);
    await db.close();
    const opened = AgentStore.open(dir);
    await expect(opened).rejects.toThrow(AgentStoreError);
    await expect(AgentStore.open(dir)).rejects.toThrow(/damaged .*checksum mismatch.*move the folder aside/);
  });

  test("a folder in use by another agent is refused clearly", async () => {
    const dir = await tempDir();
    const store = await AgentStore.open(dir);
    await expect(AgentStore.open(dir)).rejects.toThrow(/in use by another process/);
    await store.close();
  });
});
