// The agent with the real Docker driver: limits, exits, stops, removal, logs, kill -9 and restart, and the CLI's refusals.
import { execFileSync } from "node:child_process";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { TaskSpec } from "../../internal/driver/types.js";
import { containersOf, docker, removeContainersOf } from "./docker-nodes.js";
import { eventually, FakeServer } from "./fake-server.js";
import { AgentHarness, mib, test_image } from "./harness.js";
import { kill9, runCli, spawnAgent, type AgentProcess } from "./process.js";

const node_ids = new Set<string>();
let server: FakeServer;
let harness: AgentHarness;
const processes: AgentProcess[] = [];

beforeAll(() => {
  execFileSync("bash", ["scripts/docker-engine.sh"], { stdio: "ignore" });
});

beforeEach(async () => {
  server = new FakeServer();
  await server.listen();
  harness = new AgentHarness();
});

afterEach(async () => {
  for (const p of processes.splice(0)) await kill9(p);
  await harness.cleanup();
  await server.close();
});

afterAll(async () => {
  await removeContainersOf(node_ids);
});

function shell(task_id: string, script: string, extra: Partial<TaskSpec> = {}): TaskSpec {
  return { task_id, image: test_image, command: ["sh", "-c", script], cpus: 0.5, memory_bytes: 64 * mib, ...extra };
}

async function dockerAgent() {
  const agent = await harness.start([server.addr], await harness.dataDir(), { driver: "docker", driver_kind: undefined });
  node_ids.add(agent.node_id);
  return agent;
}

describe("agent with the docker driver", () => {
  test("a running assignment becomes a RUNNING container with its limits; stopped → KILLED", async () => {
    const agent = await dockerAgent();
    server.assign(shell("svc", "trap 'exit 0' TERM; while true; do sleep 0.1; done"));
    await eventually("RUNNING", () => server.lastState("svc") === "RUNNING");
    const [container] = await containersOf(agent.node_id, "svc");
    const info = await docker.getContainer(container?.Id ?? "missing").inspect();
    expect(info.State.Running).toBe(true);
    expect(info.HostConfig.NanoCpus).toBe(0.5e9);
    expect(info.HostConfig.Memory).toBe(64 * mib);
    server.setDesired("svc", "stopped");
    await eventually("KILLED", () => server.lastState("svc") === "KILLED");
    const updates = server.applied.filter((u) => u.task_id === "svc");
    expect(updates.map((u) => u.status.state).filter((s) => s !== "KILLING")).toEqual(["STARTING", "RUNNING", "KILLED"]);
    expect(updates.map((u) => u.seq)).toEqual(updates.map((_, i) => i + 1));
    expect(updates.every((u) => u.status.node_id === agent.node_id)).toBe(true);
  });

  test("exit 0 is FINISHED and exit 3 is FAILED", async () => {
    await dockerAgent();
    server.assign(shell("zero", "exit 0"));
    server.assign(shell("three", "exit 3"));
    await eventually("FINISHED", () => server.lastState("zero") === "FINISHED");
    await eventually("FAILED", () => server.lastState("three") === "FAILED");
    expect(server.applied.find((u) => u.task_id === "three" && u.status.state === "FAILED")?.status).toMatchObject({ exit_code: 3, reason: "exit_nonzero" });
  });

  test("a task absent from the list is stopped and its container removed", async () => {
    const agent = await dockerAgent();
    server.assign(shell("doomed", "sleep 3600"), "running", 200);
    await eventually("RUNNING", () => server.lastState("doomed") === "RUNNING");
    server.unassign("doomed");
    await eventually("KILLED", () => server.lastState("doomed") === "KILLED");
    await eventually("container removed", async () => (await containersOf(agent.node_id, "doomed")).length === 0);
  });

  test("the logs endpoint returns the container's lines", async () => {
    const agent = await dockerAgent();
    server.assign(shell("chatty", "echo one; echo two >&2; echo three; sleep 3600"));
    await eventually("RUNNING", () => server.lastState("chatty") === "RUNNING");
    const lines = await eventually("three lines", async () => {
      const text = await (await fetch(`http://${agent.http_addr}/v1/agent/tasks/chatty/logs`)).text();
      const parsed = text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { stream: string; text: string });
      return parsed.length === 3 ? parsed : undefined;
    });
    // Ordered within a stream; the engine reads stdout and stderr through separate pipes.
    expect(lines.filter((l) => l.stream === "stdout").map((l) => l.text)).toEqual(["one", "three"]);
    expect(lines.filter((l) => l.stream === "stderr").map((l) => l.text)).toEqual(["two"]);
    const followed = await fetch(`http://${agent.http_addr}/v1/agent/tasks/chatty/logs?follow&stdout&max_lines=2`);
    expect((await followed.text()).trim().split("\n").map((l) => (JSON.parse(l) as { text: string }).text)).toEqual(["one", "three"]);
  });

  test("after kill -9 and a restart: same node, containers kept and reported, no duplicates, unacked updates re-sent, seq continues", async () => {
    const dir = await harness.dataDir();
    const args = ["--join", server.addr, "--data-dir", dir, "--http-port", "0", "--bind", "127.0.0.1", "--driver", "docker"];
    const first = await spawnAgent(args);
    processes.push(first);
    node_ids.add(first.node_id);
    server.assign(shell("a", "sleep 3600"));
    server.assign(shell("b", "sleep 3600"));
    await eventually("both RUNNING", () => server.lastState("a") === "RUNNING" && server.lastState("b") === "RUNNING");
    server.withhold_acks = true;
    server.assign(shell("c", "sleep 3600"));
    await eventually("c RUNNING received (not acked)", () => server.received.some((u) => u.task_id === "c" && u.status.state === "RUNNING"));
    await kill9(first);
    expect((await containersOf(first.node_id)).filter((c) => c.State === "running")).toHaveLength(3);

    server.withhold_acks = false;
    const received_before = server.received.length;
    const second = await spawnAgent(args);
    processes.push(second);
    expect(second.node_id).toBe(first.node_id);
    await eventually("c's updates re-sent", () => server.received.slice(received_before).some((u) => u.update_id === `${first.node_id}:c:2`));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const task_id of ["a", "b", "c"]) {
      const containers = await containersOf(first.node_id, task_id);
      expect(containers, task_id).toHaveLength(1);
      expect(containers[0]?.State, task_id).toBe("running");
      expect(server.statesOf(task_id).filter((s) => s === "RUNNING"), task_id).toHaveLength(1);
    }
    server.setDesired("a", "stopped");
    await eventually("a KILLED", () => server.lastState("a") === "KILLED");
    const seqs = server.applied.filter((u) => u.task_id === "a").map((u) => u.seq);
    expect(seqs.slice(0, 2)).toEqual([1, 2]);
    expect(seqs.at(-1)).toBeGreaterThan(2);
  });
});

describe("orch agent flags", () => {
  test.each([
    [["--join", "127.0.0.1:1", "--mem", "lots"], /--mem "lots" is not an amount of memory/],
    [["--join", "127.0.0.1:1", "--cpus", "-2"], /--cpus "-2" is not a number of CPUs/],
    [["--join", "127.0.0.1:1", "--driver", "podman"], /--driver "podman" is not a driver: use docker or mock/],
    [["--join", "127.0.0.1:1", "--attr", "rack"], /--attr "rack" is not key=value/],
    [["--join", "127.0.0.1:1", "--http-port", "70000"], /--http-port "70000" is not a port/],
    [["--join", "nowhere"], /--join "nowhere" is not host:port/],
    [[], /--join is required/],
  ])("%j exits 2 with a clear message", async (args, message) => {
    const { code, stderr } = await runCli(["agent", ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
