// The agent against a fake server with the mock driver: registration, reconcile, status reporting, reconnects, restarts.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { containerName } from "../../internal/driver/spec.js";
import { eventually, FakeServer } from "./fake-server.js";
import { AgentHarness, mib, mockSpec } from "./harness.js";

let server: FakeServer;
let harness: AgentHarness;

beforeEach(async () => {
  server = new FakeServer();
  await server.listen();
  harness = new AgentHarness();
});

afterEach(async () => {
  await harness.cleanup();
  await server.close();
});

function seqsOf(task_id: string): number[] {
  return server.applied.filter((u) => u.task_id === task_id).map((u) => u.seq);
}

describe("agent with the mock driver", () => {
  test("registers with its resources after the reserve, its attributes and its logs address", async () => {
    const agent = await harness.start([server.addr], await harness.dataDir(), {
      name: "worker-1",
      resources: { cpus: 4, memory_bytes: 2048 * mib, reserve_cpus: 0.5, reserve_memory_bytes: 256 * mib },
      attributes: { rack: "r1" },
    });
    const request = await eventually("registration", () => server.registrations[0]);
    expect(request).toMatchObject({
      node_id: agent.node_id,
      name: "worker-1",
      driver: "mock",
      http_addr: agent.http_addr,
      resources: { cpus: 3.5, memory_bytes: 1792 * mib },
      attributes: { rack: "r1" },
    });
    expect(request.node_id).toMatch(/^node-[0-9a-f]{16}$/);
    expect(request.resources.disk_bytes).toBeGreaterThan(0);
    expect(Object.keys(request.attributes)).toEqual(expect.arrayContaining(["hostname", "os", "arch"]));
    await eventually("heartbeats", () => server.heartbeats >= 2);
  });

  test("runs an assignment, reports STARTING then RUNNING, and KILLED once desired stopped", async () => {
    await harness.start([server.addr], await harness.dataDir());
    server.assign(mockSpec("web-1"));
    await eventually("RUNNING", () => server.lastState("web-1") === "RUNNING");
    server.setDesired("web-1", "stopped");
    await eventually("KILLED", () => server.lastState("web-1") === "KILLED");
    // KILLING shows only when the program outlives the SIGTERM for a moment.
    expect(server.statesOf("web-1").filter((s) => s !== "KILLING")).toEqual(["STARTING", "RUNNING", "KILLED"]);
    const seqs = seqsOf("web-1");
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBe(1);
    const killed = server.applied.find((u) => u.task_id === "web-1" && u.status.state === "KILLED");
    expect(killed?.status.reason).toBe("killed_by_request");
  });

  test("a task stopped before it ever started here is reported KILLED once, with no container made", async () => {
    const agent = await harness.start([server.addr], await harness.dataDir());
    server.assign(mockSpec("late"), "stopped");
    await eventually("KILLED", () => server.lastState("late") === "KILLED");
    expect(server.statesOf("late")).toEqual(["KILLED"]);
    expect(server.applied.find((u) => u.task_id === "late")?.status).toMatchObject({ reason: "killed_by_request", message: "stopped by orch before it started" });
    server.assign(mockSpec("other")); // a new list: "late" is still listed as stopped
    await eventually("other RUNNING", () => server.lastState("other") === "RUNNING");
    expect(server.statesOf("late")).toEqual(["KILLED"]);
    expect(harness.mock.engine.get(containerName(agent.node_id, "late"))).toBeUndefined();
  });

  test("exit 0 is FINISHED, exit 3 is FAILED, and neither is started again", async () => {
    const agent = await harness.start([server.addr], await harness.dataDir());
    server.assign(mockSpec("ok", { run_ms: 50, exit_code: 0 }));
    server.assign(mockSpec("bad", { run_ms: 50, exit_code: 3 }));
    await eventually("FINISHED", () => server.lastState("ok") === "FINISHED");
    await eventually("FAILED", () => server.lastState("bad") === "FAILED");
    const bad = server.applied.find((u) => u.task_id === "bad" && u.status.state === "FAILED");
    expect(bad?.status).toMatchObject({ reason: "exit_nonzero", exit_code: 3 });
    server.assign(mockSpec("other")); // a new list: the ended tasks are still "running" there
    await eventually("other RUNNING", () => server.lastState("other") === "RUNNING");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.statesOf("ok").filter((s) => s === "RUNNING")).toHaveLength(1);
    expect(harness.mock.engine.get(containerName(agent.node_id, "ok"))?.status).toBe("exited");
  });

  test("a task absent from the list is stopped and its container removed", async () => {
    const agent = await harness.start([server.addr], await harness.dataDir());
    server.assign(mockSpec("gone"));
    await eventually("RUNNING", () => server.lastState("gone") === "RUNNING");
    server.unassign("gone");
    await eventually("KILLED", () => server.lastState("gone") === "KILLED");
    await eventually("container removed", () => harness.mock.engine.get(containerName(agent.node_id, "gone")) === undefined);
  });

  test("a list with a lower index than one seen is ignored", async () => {
    const agent = await harness.start([server.addr], await harness.dataDir());
    server.assign(mockSpec("keep"));
    await eventually("RUNNING", () => server.lastState("keep") === "RUNNING");
    server.sendList(1, []);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.mock.engine.get(containerName(agent.node_id, "keep"))?.status).toBe("running");
    expect(server.lastState("keep")).toBe("RUNNING");
  });

  test("unacknowledged updates survive a restart, are sent again, and seq continues", async () => {
    const dir = await harness.dataDir();
    server.withhold_acks = true;
    const first = await harness.start([server.addr], dir);
    server.assign(mockSpec("sticky"));
    await eventually("RUNNING received", () => server.received.some((u) => u.task_id === "sticky" && u.status.state === "RUNNING"));
    expect(first.pendingUpdates()).toBeGreaterThan(0);
    await harness.stop(first);
    const before = server.received.length;
    server.withhold_acks = false;
    const second = await harness.start([server.addr], dir);
    expect(second.node_id).toBe(first.node_id);
    await eventually("re-sent and acknowledged", () => server.received.length > before && second.pendingUpdates() === 0);
    const resent = server.received.slice(before).map((u) => u.update_id);
    expect(resent).toEqual(expect.arrayContaining([`${first.node_id}:sticky:1`, `${first.node_id}:sticky:2`]));
    // Reattached, not restarted: one container, no new RUNNING.
    expect(harness.mock.engine.all().filter((c) => c.spec.task_id === "sticky")).toHaveLength(1);
    server.setDesired("sticky", "stopped");
    await eventually("KILLED", () => server.lastState("sticky") === "KILLED");
    const seqs = seqsOf("sticky");
    expect(seqs.slice(0, 2)).toEqual([1, 2]);
    expect(seqs.at(-1)).toBeGreaterThan(2);
  });

  test("keeps retrying through 503s and a server that goes away, and loses nothing", async () => {
    server.unavailable = true;
    await harness.start([server.addr], await harness.dataDir());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.registrations).toHaveLength(0);
    server.unavailable = false;
    server.assign(mockSpec("survivor"));
    await eventually("RUNNING", () => server.lastState("survivor") === "RUNNING");
    await server.close();
    server.setDesired("survivor", "stopped"); // decided while the agent cannot hear it
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.listen();
    await eventually("KILLED after the server came back", () => server.lastState("survivor") === "KILLED");
  });

  test("tries the next server when the first is down, and registers again when forgotten", async () => {
    const down = new FakeServer();
    await down.listen();
    const dead_addr = down.addr;
    await down.close();
    await harness.start([dead_addr, server.addr], await harness.dataDir());
    await eventually("registered on the live server", () => server.registrations.length === 1);
    server.forgetNodes();
    await eventually("registered again", () => server.registrations.length >= 2);
  });

  test("serves task logs as NDJSON and rejects bad query parameters with 400", async () => {
    const agent = await harness.start([server.addr], await harness.dataDir());
    const output = [
      { stream: "stdout" as const, text: "hello" },
      { stream: "stderr" as const, text: "oops" },
      { stream: "stdout" as const, text: "bye" },
    ];
    server.assign(mockSpec("talker", { output }));
    await eventually("RUNNING", () => server.lastState("talker") === "RUNNING");
    const base = `http://${agent.http_addr}/v1/agent/tasks/talker/logs`;
    const all = await (await fetch(base)).text();
    expect(all.trim().split("\n").map((l) => JSON.parse(l) as unknown)).toEqual(output);
    const tail = await (await fetch(`${base}?stdout&tail=1&timestamps`)).text();
    const lines = tail.trim().split("\n").map((l) => JSON.parse(l) as { stream: string; text: string; timestamp?: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ stream: "stdout", text: "bye" });
    expect(lines[0]?.timestamp).toBeDefined();
    const limited = await (await fetch(`${base}?max_lines=2`)).text();
    expect(limited.trim().split("\n")).toHaveLength(2);
    for (const bad of ["tail=-1", "max_lines=0", "max_lines=abc", "follow=maybe", "colour=red", "stdout=false&stderr=false"]) {
      const res = await fetch(`${base}?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_query");
    }
    const unknown = await fetch(`http://${agent.http_addr}/v1/agent/tasks/nope/logs`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("unknown_task");
  });
});
