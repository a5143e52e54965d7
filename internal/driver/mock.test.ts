// Runs the shared driver contract on the mock driver, plus what only the mock can show (virtual time).
import { describe, expect, test } from "vitest";
import { driverContract, type ContractProgram } from "./contract.js";
import { MockDriver, MockEngine, type MockProgram } from "./mock.js";
import type { Driver, TaskSpec } from "./types.js";

const image = "orch-test/busybox:latest";
const mib = 1024 * 1024;

/** The contract's programs, encoded in the command so the script can read them back. */
function mockScript(spec: TaskSpec): MockProgram {
  const program = JSON.parse(spec.command?.[1] ?? "{}") as ContractProgram;
  switch (program.kind) {
    case "sleep":
      return {};
    case "exit":
      return {
        run_ms: 10,
        exit_code: program.code,
        output: [
          ...(program.stdout ?? []).map((text) => ({ stream: "stdout" as const, text })),
          ...(program.stderr ?? []).map((text) => ({ stream: "stderr" as const, text })),
        ],
      };
    case "missing_executable":
      return { start_error: 'exec: "/nonexistent": executable file not found in $PATH' };
  }
}

function engineOf(driver: Driver): MockEngine {
  if (!(driver instanceof MockDriver)) throw new Error("mock harness got a driver it did not make");
  return driver.engine;
}

let nodes = 0;
driverContract("mock", () => ({
  driver: (options) => new MockDriver(new MockEngine(mockScript, [image]), `mock-node-${nodes++}`, options),
  restart: (previous, options) => new MockDriver(engineOf(previous), previous.node_id, options),
  otherNode: (neighbour) => new MockDriver(engineOf(neighbour), `mock-node-${nodes++}`),
  program: (program) => ({ image, command: ["mock", JSON.stringify(program)] }),
  missing_image: "127.0.0.1:9/orch-missing/nothing:latest",
  removeBehindBack: async (driver, task_id) => {
    engineOf(driver).remove(`orch_${driver.node_id}_${task_id}`);
  },
  advance: async (driver, ms) => {
    engineOf(driver).advance(ms);
  },
  cleanup: async () => undefined,
}));

describe("mock driver on a virtual clock", () => {
  const spec = (task_id: string): TaskSpec => ({ task_id, image, cpus: 1, memory_bytes: 64 * mib });

  test("a script decides exit codes and durations; nothing moves until the clock does", async () => {
    const engine = new MockEngine(() => ({ run_ms: 5_000, exit_code: 7 }), [image]);
    const driver = new MockDriver(engine, "n1");
    await driver.start(spec("t1"));
    engine.advance(4_999);
    expect(await driver.inspect("t1")).toMatchObject({ state: "RUNNING" });
    engine.advance(1);
    expect(await driver.inspect("t1")).toMatchObject({ state: "FAILED", exit_code: 7, reason: "exit_nonzero" });
  });

  test("an OOM program ends FAILED oom_killed naming the limit", async () => {
    const engine = new MockEngine(() => ({ run_ms: 100, oom: true }), [image]);
    const driver = new MockDriver(engine, "n1");
    await driver.start(spec("t1"));
    const done = driver.wait("t1", { timeout_ms: 1_000 });
    engine.advance(100);
    const status = await done;
    expect(status).toMatchObject({ state: "FAILED", reason: "oom_killed", exit_code: 137 });
    expect(status.message).toContain("killed by the kernel: memory limit 64 MiB exceeded");
  });

  test("a program that ignores SIGTERM is KILLING until the grace period ends", async () => {
    const engine = new MockEngine(() => ({ ignores_sigterm: true }), [image]);
    const driver = new MockDriver(engine, "n1");
    await driver.start(spec("t1"));
    let settled = false;
    const stopping = driver.stop("t1", { grace_ms: 2_000 }).finally(() => {
      settled = true;
    });
    engine.advance(1_999);
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(await driver.inspect("t1")).toMatchObject({ state: "KILLING", reason: "killing" });
    engine.advance(1);
    expect(await stopping).toMatchObject({ state: "KILLED", exit_code: 137 });
  });

  test("two runs of the same script give the same statuses (deterministic)", async () => {
    const trace = async (): Promise<string[]> => {
      const engine = new MockEngine((s) => ({ run_ms: s.task_id.length * 10, exit_code: s.task_id.length % 3 }), [image]);
      const driver = new MockDriver(engine, "n1");
      for (const task_id of ["a", "bb", "ccc", "dddd"]) await driver.start(spec(task_id));
      engine.advance(25);
      return (await driver.list()).map((s) => `${s.task_id}:${s.state}:${s.container_id}`);
    };
    expect(await trace()).toEqual(await trace());
  });

  test("a host port already bound by a running task fails the second start", async () => {
    const engine = new MockEngine(() => ({}), [image]);
    const driver = new MockDriver(engine, "n1");
    const ported = (task_id: string): TaskSpec => ({
      ...spec(task_id),
      host_ip: "127.0.0.1",
      ports: [{ container_port: 80, host_port: 18080, protocol: "tcp" }],
    });
    expect(await driver.start(ported("t1"))).toMatchObject({ state: "RUNNING" });
    const second = await driver.start(ported("t2"));
    expect(second).toMatchObject({ state: "FAILED", reason: "start_failed" });
    expect(second.message).toContain("port is already allocated");
  });
});
