// The quick start as a user lives it: `orch dev` from the built executable, then run, ps, logs, stop,
// a container killed behind orch's back, a crash of orch itself, and every bad input refused.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/cluster.js";
import { docker } from "../support/docker.js";
import { containersOf, DevCluster } from "../support/dev.js";

const image = "orch-test/busybox:latest";
let d: DevCluster;
const uniq = (): string => randomBytes(3).toString("hex");

beforeAll(async () => {
  d = await DevCluster.start();
});
afterAll(async () => {
  await d?.destroy();
});

interface TaskJson {
  task_id: string;
  state: string;
  reason: string;
  message: string;
  exit_code?: number;
}

async function tasks(service: string, all = true): Promise<TaskJson[]> {
  const r = await d.orch(["ps", "--json", "--service", service, ...(all ? ["--all"] : [])]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as TaskJson[];
}

describe("orch dev", () => {
  it("runs a service of 2 replicas with real limits, prints its ids, and shows it in ps and logs", async () => {
    const name = `web-${uniq()}`;
    d.services.add(name);
    const r = await d.orch(["run", "--name", name, "--count", "2", "--cpus", "0.25", "--mem", "32m", image, "--", "sh", "-c", "echo hello from orch; sleep 3600"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").map((l) => l.split(/\s+/)[0])).toEqual([`${name}.1`, `${name}.2`]);
    const running = await containersOf(name);
    expect(running.map((c) => c.task_id).sort()).toEqual([`${name}.1`, `${name}.2`]);
    const inspect = JSON.parse((await docker(["inspect", running[0]!.id])).stdout) as { HostConfig: { NanoCpus: number; Memory: number; MemorySwap: number; PidsLimit: number } }[];
    expect(inspect[0]!.HostConfig).toMatchObject({ NanoCpus: 250_000_000, Memory: 32 * 1024 * 1024, MemorySwap: 32 * 1024 * 1024, PidsLimit: 4096 });
    const ps = await d.orch(["ps", "--service", name]);
    expect(ps.stdout).toMatch(/^TASK\s+SERVICE\s+FRAMEWORK\s+ROLE\s+NODE\s+STATE\s+SINCE/);
    expect(ps.stdout.match(/\brunning\b/g)).toHaveLength(2);
    const logs = await d.orch(["logs", `${name}.1`]);
    expect(logs).toMatchObject({ code: 0, stdout: "hello from orch\n" });
  });

  it("restarts a container killed from outside, and stop ends every task KILLED", async () => {
    const name = `kill-${uniq()}`;
    d.services.add(name);
    expect((await d.orch(["run", "--name", name, image, "--", "sleep", "3600"])).code).toBe(0);
    const [victim] = await containersOf(name);
    await docker(["kill", victim!.id]);
    await until("a replacement task running", async () => {
      const ts = await tasks(name);
      return ts.some((t) => t.task_id === `${name}.1` && t.state === "FAILED" && t.reason === "exit_signal") && ts.some((t) => t.task_id === `${name}.2` && t.state === "RUNNING") ? true : undefined;
    });
    expect((await containersOf(name)).map((c) => c.task_id)).toEqual([`${name}.2`]);
    const stop = await d.orch(["stop", name]);
    expect(stop).toMatchObject({ code: 0, stdout: `stopping ${name}\n` });
    await until("the task KILLED", async () => ((await tasks(name)).find((t) => t.task_id === `${name}.2`)?.state === "KILLED" ? true : undefined));
    expect(await containersOf(name)).toEqual([]);
  });

  it("run --once streams the output and exits with the task's exit code", async () => {
    const name = `once-${uniq()}`;
    d.services.add(name);
    const r = await d.orch(["run", "--once", "--name", name, image, "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("to-stdout\n");
    expect(r.stderr).toContain("to-stderr");
    expect(r.stderr).toContain(`${name}.1 FAILED: exited with code 3`);
    const fine = `fine-${uniq()}`;
    d.services.add(fine);
    const ok = await d.orch(["run", "--once", "--name", fine, image, "--", "sh", "-c", "echo fine"]);
    expect(ok).toMatchObject({ code: 0, stdout: "fine\n" });
  });

  it("keeps tasks running across a kill -9 of orch dev, without duplicates", async () => {
    const name = `survive-${uniq()}`;
    d.services.add(name);
    expect((await d.orch(["run", "--name", name, "--count", "2", image, "--", "sleep", "3600"])).code).toBe(0);
    const before = (await containersOf(name)).map((c) => c.id).sort();
    d.kill9();
    d.launch();
    await d.ready();
    await until("both tasks reported RUNNING again", async () => ((await tasks(name, false)).filter((t) => t.state === "RUNNING").length === 2 ? true : undefined));
    expect((await containersOf(name)).map((c) => c.id).sort()).toEqual(before);
  });

  it("refuses bad input with a message and exit code 2, and creates nothing", async () => {
    const cases: [string[], RegExp][] = [
      [["--cpus", "0"], /--cpus 0 must be more than 0 CPUs/],
      [["--cpus", "lots"], /--cpus "lots" is not a CPU amount/],
      [["--mem", "12x"], /--mem "12x" is not an amount of memory: write it like 512m, 1g/],
      [["--count", "-1"], /--count "-1": give a whole number >= 0/],
      [["--port", "80:"], /--port "80:": write CONTAINER_PORT/],
      [["--env", "NOVALUE"], /--env "NOVALUE": write NAME=value/],
      [["--grace", "soon"], /--grace "soon": write a duration/],
    ];
    for (const [flags, message] of cases) {
      const r = await d.orch(["run", "--name", "never", ...flags, image]);
      expect(r.code, flags.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const server_side: [string[], RegExp][] = [
      [["--name", "never", "--constraint", "os=linux"], /invalid constraint "os=linux": no operator/],
      [["--name", "never", "--cpus", "1000"], /cpus 1000 is more than any node has/],
      [["--name", "never", "--mem", "100000g"], /more than any node has/],
      [["--name", "Bad_Name"], /name "Bad_Name": use 1-63 lower-case letters/],
    ];
    for (const [flags, message] of server_side) {
      const r = await d.orch(["run", ...flags, image]);
      expect(r.code, flags.join(" ")).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect((await d.orch(["services", "--json"])).stdout).not.toContain('"never"');
    const unknown = await d.orch(["stop", "no-such-thing"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no service or task named "no-such-thing"');
    const scale = await d.orch(["scale", "no-such-thing", "3"]);
    expect(scale.code).toBe(1);
    expect(scale.stderr).toContain('no service or job named "no-such-thing"');
  });

  it("lists its node with resources and usage", async () => {
    const r = await d.orch(["nodes"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+STATUS\s+CPUS\s+MEMORY\s+TASKS/);
    expect(r.stdout).toMatch(/\ndev\s+ready\s+\d/);
  });
});
