// The shared test suite every Driver must pass (mock and docker alike), registered given a harness.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, test } from "vitest";
import { DriverError, DriverTimeoutError, TaskActiveError, UnknownTaskError } from "./errors.js";
import { isTerminal } from "./states.js";
import { MemoryStopIntents, type StopIntents } from "./stop-intents.js";
import type { Driver, LogLine, TaskSpec, TaskStatus } from "./types.js";

/** Programs the suite runs; each harness says how its driver runs them. */
export type ContractProgram =
  | { kind: "sleep" } // runs until stopped
  | { kind: "exit"; code: number; stdout?: string[]; stderr?: string[] } // writes lines, then exits
  | { kind: "missing_executable" }; // the engine cannot start it

/** What a test may pass to a driver constructor through the harness. */
export interface ContractDriverOptions {
  stop_intents?: StopIntents;
}

export interface ContractHarness {
  /** A driver for a node id no other test uses, on an engine of its own or shared. */
  driver(options?: ContractDriverOptions): Driver;
  /** A new driver instance for the same node on the same engine, as after an agent restart. */
  restart(previous: Driver, options?: ContractDriverOptions): Driver;
  /** A driver for a different node on the same engine as `neighbour`. */
  otherNode(neighbour: Driver): Driver;
  program(program: ContractProgram): Pick<TaskSpec, "image" | "command" | "args">;
  /** An image that is absent and cannot be pulled, without touching any network beyond loopback. */
  missing_image: string;
  /** Deletes a task's container behind the driver's back, as a person with `docker rm -f` would. */
  removeBehindBack(driver: Driver, task_id: string): Promise<void>;
  /** Moves a virtual clock; a no-op on a real engine, where time passes by itself. */
  advance(driver: Driver, ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** Longest a test waits for a task to reach a terminal state. */
export const contract_exit_timeout_ms = 15_000;
export const contract_grace_ms = 3_000;
const contract_log_lines_max = 100;
const mib = 1024 * 1024;

function withTimeout<T>(promise: Promise<T>, timeout_ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${timeout_ms} ms`)), timeout_ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function driverContract(name: string, makeHarness: () => ContractHarness): void {
  describe.concurrent(`Driver contract: ${name}`, () => {
    let h: ContractHarness;
    const run = randomUUID().slice(0, 8);
    const id = (label: string): string => `${label}-${run}`;
    const spec = (task_id: string, program: ContractProgram, extra: Partial<TaskSpec> = {}): TaskSpec => ({
      task_id,
      ...h.program(program),
      cpus: 0.25,
      memory_bytes: 32 * mib,
      pids_limit: 64,
      ...extra,
    });
    /** Lets a finite program finish; the mock needs its clock moved, docker needs nothing. */
    const finish = async (driver: Driver, task_id: string) => {
      const done = driver.wait(task_id, { timeout_ms: contract_exit_timeout_ms });
      await h.advance(driver, 1_000);
      return done;
    };
    const collect = async (lines: AsyncIterable<LogLine>): Promise<LogLine[]> => {
      const out: LogLine[] = [];
      for await (const line of lines) out.push(line);
      return out;
    };

    beforeAll(() => {
      h = makeHarness();
    });
    afterAll(async () => {
      await h.cleanup();
    });

    test("start reports RUNNING with the container and node", async ({ expect }) => {
      const driver = h.driver();
      const status = await driver.start(spec(id("run"), { kind: "sleep" }));
      expect(status).toMatchObject({ task_id: id("run"), node_id: driver.node_id, state: "RUNNING", reason: "running" });
      expect(status.container_id).toEqual(expect.any(String));
      expect(await driver.inspect(id("run"))).toMatchObject({ state: "RUNNING", container_id: status.container_id });
    });

    test("exit 0 ends FINISHED", async ({ expect }) => {
      const driver = h.driver();
      await driver.start(spec(id("ok"), { kind: "exit", code: 0 }));
      const status = await finish(driver, id("ok"));
      expect(status).toMatchObject({ state: "FINISHED", reason: "exited", exit_code: 0, message: "exited with code 0" });
    });

    test("exit 3 ends FAILED naming the code", async ({ expect }) => {
      const driver = h.driver();
      await driver.start(spec(id("three"), { kind: "exit", code: 3 }));
      const status = await finish(driver, id("three"));
      expect(status).toMatchObject({ state: "FAILED", reason: "exit_nonzero", exit_code: 3 });
      expect(status.message).toContain("exited with code 3");
      expect(await driver.inspect(id("three"))).toEqual(status);
    });

    test("stop ends KILLED, and stays KILLED", async ({ expect }) => {
      const driver = h.driver();
      await driver.start(spec(id("stop"), { kind: "sleep" }));
      const stopping = driver.stop(id("stop"), { grace_ms: contract_grace_ms });
      await h.advance(driver, contract_grace_ms);
      const status = await stopping;
      expect(status).toMatchObject({ state: "KILLED", reason: "killed_by_request" });
      expect(await driver.inspect(id("stop"))).toMatchObject({ state: "KILLED" });
      expect(await driver.stop(id("stop"), { grace_ms: contract_grace_ms })).toMatchObject({ state: "KILLED" });
    });

    test("stop of a task that already finished keeps FINISHED", async ({ expect }) => {
      const driver = h.driver();
      await driver.start(spec(id("done"), { kind: "exit", code: 0 }));
      await finish(driver, id("done"));
      expect(await driver.stop(id("done"), { grace_ms: contract_grace_ms })).toMatchObject({ state: "FINISHED" });
    });

    test("start twice, even at once, makes one container", async ({ expect }) => {
      const driver = h.driver();
      const task = spec(id("twice"), { kind: "sleep" });
      const [first, second] = await Promise.all([driver.start(task), driver.start(task)]);
      const third = await driver.start(task);
      expect(first.container_id).toEqual(expect.any(String));
      expect(second.container_id).toBe(first.container_id);
      expect(third.container_id).toBe(first.container_id);
      expect((await driver.list()).filter((status) => status.task_id === task.task_id)).toHaveLength(1);
    });

    test("a restarted driver lists its tasks and no other node's", async ({ expect }) => {
      const driver = h.driver();
      const neighbour = h.otherNode(driver);
      await driver.start(spec(id("keep"), { kind: "sleep" }));
      await driver.start(spec(id("gone"), { kind: "exit", code: 3 }));
      await finish(driver, id("gone"));
      await neighbour.start(spec(id("theirs"), { kind: "sleep" }));
      const restarted = h.restart(driver);
      const listed = await restarted.list();
      expect(listed.map((status) => [status.task_id, status.state])).toEqual([
        [id("gone"), "FAILED"],
        [id("keep"), "RUNNING"],
      ]);
      expect(listed.every((status) => status.node_id === driver.node_id)).toBe(true);
      // Reattached: the new instance controls the old container, and start stays idempotent.
      const again = await restarted.start(spec(id("keep"), { kind: "sleep" }));
      expect(again.container_id).toBe(listed[1]?.container_id);
      const stopping = restarted.stop(id("keep"), { grace_ms: contract_grace_ms });
      await h.advance(restarted, contract_grace_ms);
      expect(await stopping).toMatchObject({ state: "KILLED" });
      expect((await neighbour.list()).map((status) => status.task_id)).toEqual([id("theirs")]);
    });

    test("with shared stop intents, a restarted driver still reports KILLED", async ({ expect }) => {
      const stop_intents = new MemoryStopIntents();
      const driver = h.driver({ stop_intents });
      await driver.start(spec(id("intent"), { kind: "sleep" }));
      const stopping = driver.stop(id("intent"), { grace_ms: contract_grace_ms });
      await h.advance(driver, contract_grace_ms);
      await stopping;
      const restarted = h.restart(driver, { stop_intents });
      expect(await restarted.inspect(id("intent"))).toMatchObject({ state: "KILLED", reason: "killed_by_request" });
      await restarted.remove(id("intent"));
      expect(stop_intents.has(id("intent"))).toBe(false);
    });

    test("logs come back demultiplexed, per stream, bounded", async ({ expect }) => {
      const driver = h.driver();
      const stdout = ["out one", "out two", "out three"];
      const stderr = ["err one", "err two"];
      await driver.start(spec(id("logs"), { kind: "exit", code: 0, stdout, stderr }));
      await finish(driver, id("logs"));
      const all = await collect(driver.logs(id("logs"), { max_lines: contract_log_lines_max }));
      expect(all.filter((line) => line.stream === "stdout").map((line) => line.text)).toEqual(stdout);
      expect(all.filter((line) => line.stream === "stderr").map((line) => line.text)).toEqual(stderr);
      expect(all.every((line) => line.timestamp === undefined)).toBe(true);
      const only_err = await collect(driver.logs(id("logs"), { stdout: false, max_lines: contract_log_lines_max }));
      expect(only_err.map((line) => line.text)).toEqual(stderr);
      const bounded = await collect(driver.logs(id("logs"), { stderr: false, max_lines: 2 }));
      expect(bounded.map((line) => line.text)).toEqual(stdout.slice(0, 2));
      const stamped = await collect(driver.logs(id("logs"), { stderr: false, timestamps: true, max_lines: 10 }));
      expect(stamped.map((line) => line.text)).toEqual(stdout);
      for (const line of stamped) expect(Date.parse(line.timestamp ?? "")).not.toBeNaN();
    });

    test("follow streams until the task exits", async ({ expect }) => {
      const driver = h.driver();
      await driver.start(spec(id("follow"), { kind: "exit", code: 0, stdout: ["a", "b"] }));
      const following = collect(driver.logs(id("follow"), { follow: true, max_lines: contract_log_lines_max }));
      await h.advance(driver, 1_000);
      expect((await following).map((line) => line.text)).toEqual(["a", "b"]);
      const tail = await collect(driver.logs(id("follow"), { tail_lines: 1, max_lines: 10 }));
      expect(tail.map((line) => line.text)).toEqual(["b"]);
    });

    test("watch reports a task RUNNING, then KILLED after stop", async ({ expect }) => {
      const driver = h.driver();
      const controller = new AbortController();
      const statuses = driver.watch({ signal: controller.signal })[Symbol.asyncIterator]();
      const next = async (): Promise<TaskStatus> => {
        for (;;) {
          const result = await withTimeout(statuses.next(), contract_exit_timeout_ms, "a watched status");
          if (result.done === true) throw new Error("watch ended before the task did");
          if (result.value.task_id === id("watched")) return result.value;
        }
      };
      try {
        const first = next(); // subscribes before the start, so nothing is missed
        await driver.start(spec(id("watched"), { kind: "sleep" }));
        // The engine may show it STARTING first; RUNNING must come before any end.
        let seen = await first;
        while (seen.state !== "RUNNING" && !isTerminal(seen)) seen = await next();
        expect(seen).toMatchObject({ state: "RUNNING" });
        await driver.stop(id("watched"), { grace_ms: contract_grace_ms });
        let status = await next();
        while (!isTerminal(status)) status = await next();
        expect(status).toMatchObject({ state: "KILLED", reason: "killed_by_request" });
      } finally {
        controller.abort();
        await statuses.return?.();
      }
    });

    test("an unknown task is a clear error on every operation", async ({ expect }) => {
      const driver = h.driver();
      const nobody = id("nobody");
      await expect(driver.inspect(nobody)).rejects.toThrow(UnknownTaskError);
      await expect(driver.inspect(nobody)).rejects.toThrow(`task ${nobody} is unknown on node ${driver.node_id}`);
      await expect(driver.stop(nobody, { grace_ms: 1 })).rejects.toThrow(UnknownTaskError);
      await expect(driver.wait(nobody, { timeout_ms: 1 })).rejects.toThrow(UnknownTaskError);
      await expect(driver.remove(nobody)).rejects.toThrow(UnknownTaskError);
      await expect(collect(driver.logs(nobody, { max_lines: 1 }))).rejects.toThrow(UnknownTaskError);
      await expect(driver.inspect("../bad id")).rejects.toThrow(DriverError);
    });

    test("a missing image ends FAILED naming the image and the fix", async ({ expect }) => {
      const driver = h.driver();
      const status = await driver.start({ ...spec(id("noimage"), { kind: "sleep" }), image: h.missing_image });
      expect(status).toMatchObject({ state: "FAILED", reason: "image_unavailable" });
      expect(status.message).toContain(h.missing_image);
      expect(status.message).toContain("docker load");
      expect(await driver.inspect(id("noimage"))).toEqual(status);
      expect(await collect(driver.logs(id("noimage"), { max_lines: 1 }))).toEqual([]);
    });

    test("a spec that cannot run ends FAILED naming the field", async ({ expect }) => {
      const driver = h.driver();
      const status = await driver.start(spec(id("tiny"), { kind: "sleep" }, { memory_bytes: 1024, cpus: 0 }));
      expect(status).toMatchObject({ state: "FAILED", reason: "invalid_spec" });
      expect(status.message).toContain("memory_bytes is 1024");
      expect(status.message).toContain("cpus is 0");
    });

    test("an executable that does not exist ends FAILED saying so", async ({ expect }) => {
      const driver = h.driver();
      const status = await driver.start(spec(id("noexec"), { kind: "missing_executable" }));
      // With an init process in the container the engine starts fine and init exits 127 instead.
      const failed = await finish(driver, id("noexec"));
      expect(status.state === "FAILED" || status.state === "RUNNING").toBe(true);
      expect(failed).toMatchObject({ state: "FAILED", reason: expect.stringMatching(/^(start_failed|exit_nonzero)$/) });
      expect(failed.message).toContain("not found");
    });

    test("wait gives up with a timeout error naming the task", async ({ expect }) => {
      const driver = h.driver();
      await driver.start(spec(id("slow"), { kind: "sleep" }));
      const waiting = driver.wait(id("slow"), { timeout_ms: 200 });
      await h.advance(driver, 300);
      await expect(waiting).rejects.toThrow(DriverTimeoutError);
      await expect(driver.wait(id("slow"), { timeout_ms: 0 })).rejects.toThrow(`task ${id("slow")}`);
    });

    test("published ports are reported as bound", async ({ expect }) => {
      const driver = h.driver();
      const status = await driver.start(
        spec(id("ports"), { kind: "sleep" }, {
          host_ip: "127.0.0.1",
          ports: [{ container_port: 8080, host_port: 0, protocol: "tcp" }],
        }),
      );
      expect(status.state).toBe("RUNNING");
      expect(status.ports).toHaveLength(1);
      expect(status.ports?.[0]).toMatchObject({ container_port: 8080, host_ip: "127.0.0.1", protocol: "tcp" });
      expect(status.ports?.[0]?.host_port).toBeGreaterThan(0);
    });

    test("remove refuses an active task unless forced, then forgets it", async ({ expect }) => {
      const driver = h.driver();
      await driver.start(spec(id("rm"), { kind: "sleep" }));
      await expect(driver.remove(id("rm"))).rejects.toThrow(TaskActiveError);
      await driver.remove(id("rm"), { force: true });
      await expect(driver.inspect(id("rm"))).rejects.toThrow(UnknownTaskError);
      expect(await driver.list()).toEqual([]);
    });

    test("a container removed behind the driver's back is LOST", async ({ expect }) => {
      const driver = h.driver();
      await driver.start(spec(id("lost"), { kind: "sleep" }));
      await h.removeBehindBack(driver, id("lost"));
      expect(await driver.inspect(id("lost"))).toMatchObject({ state: "LOST", reason: "container_missing" });
    });
  });
}
