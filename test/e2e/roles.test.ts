// Roles from the built executable as a user runs it (orch dev, mock driver): set weight, limit and
// guarantee, read them back, see each task's framework and role in ps and each service's role in
// services, and every bad input refused with the right exit code and a message naming it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/cluster.js";
import { DevCluster } from "../support/dev.js";

let d: DevCluster;

beforeAll(async () => {
  d = await DevCluster.start(["--driver", "mock"]);
});
afterAll(async () => {
  await d?.destroy();
});

/** Columns of the line whose first column is `first`, by the header's names. */
function row(table: string, first: string): Record<string, string> {
  const [header, ...lines] = table.trimEnd().split("\n");
  const names = header!.split(/\s{2,}/);
  const line = lines.find((l) => l.split(/\s+/)[0] === first);
  if (line === undefined) throw new Error(`no row ${first} in:\n${table}`);
  const starts = names.map((n) => header!.indexOf(n));
  return Object.fromEntries(names.map((n, i) => [n, line.slice(starts[i], starts[i + 1] ?? line.length).trim()]));
}

describe("orch roles", () => {
  it("sets a role's weight, limit and guarantee, keeps what is not given, and clears with none", async () => {
    // Right after a start the server may not have announced its command-set version: the client waits for it.
    const set = await d.orch(["roles", "set", "batch", "--weight", "2", "--quota", "cpus=8,mem=16g"]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe("batch: weight 2, guarantee -, limit cpus=8,mem=16g\n");
    expect((await d.orch(["roles", "set", "batch", "--guarantee", "cpus=2,mem=4g"])).stdout).toBe("batch: weight 2, guarantee cpus=2,mem=4g, limit cpus=8,mem=16g\n");
    const json = await d.orch(["roles", "set", "batch", "--quota", "none", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ role: "batch", weight: 2, guarantee: { cpus: 2, memory_bytes: 4 * 1024 ** 3 }, limit: {}, configured: true });
    const list = await d.orch(["roles"]);
    expect(row(list.stdout, "batch")).toMatchObject({ ROLE: "batch", WEIGHT: "2", GUARANTEE: "cpus=2,mem=4g", LIMIT: "-" });
  });

  it("shows the framework and role of each task in ps, the role of each service, and what a role's tasks hold", async () => {
    const web = await d.orch(["run", "--name", "web", "--count", "2", "--role", "frontend", "--cpus", "0.5", "--mem", "64m", "--detach", "busybox", "--", "sleep", "3600"]);
    expect(web.code, web.stderr).toBe(0);
    const job = await d.orch(["run", "--name", "nightly", "--detach", "--once", "busybox", "--", "sleep", "3600"]);
    expect(job.code, job.stderr).toBe(0);
    const ps = await until("three tasks placed", async () => {
      const r = await d.orch(["ps"]);
      return r.stdout.includes("nightly.1") && r.stdout.includes("web.2") ? r.stdout : undefined;
    });
    expect(row(ps, "web.1")).toMatchObject({ SERVICE: "web", FRAMEWORK: "services", ROLE: "frontend" });
    expect(row(ps, "nightly.1")).toMatchObject({ SERVICE: "nightly", FRAMEWORK: "jobs", ROLE: "default" });
    const services = await d.orch(["services"]);
    expect(row(services.stdout, "web")).toMatchObject({ KIND: "service", ROLE: "frontend" });
    const roles = await d.orch(["roles"]);
    expect(row(roles.stdout, "frontend")).toMatchObject({ WEIGHT: "1", USED: "cpus=1,mem=128m", TASKS: "2", SERVICES: "1" });
  });

  it.each([
    [["roles", "set", "batch"], 2, "give --weight, --quota or --guarantee"],
    [["roles", "set", "batch", "--weight", "0"], 2, '--weight "0": give a number above 0'],
    [["roles", "set", "batch", "--quota", "gpus=1"], 2, '--quota: "gpus=1" names no resource'],
    [["roles", "set", "batch", "--guarantee", "mem=lots"], 2, '--guarantee mem= "lots" is not an amount of memory'],
    [["roles", "set", "Batch", "--weight", "1"], 1, 'role "Batch": use 1-63 lower-case letters'],
    [["roles", "set", "capped", "--quota", "cpus=1", "--guarantee", "cpus=2"], 1, "guarantee.cpus 2 is above limit.cpus 1"],
  ])("refuses %j with exit %i naming the bad value", async (args, code, message) => {
    const before = (await d.orch(["roles", "--json"])).stdout;
    const r = await d.orch(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
    expect((await d.orch(["roles", "--json"])).stdout).toBe(before);
  });
});
