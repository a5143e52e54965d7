// The version gate with real server processes. An "old build" is this executable started with
// ORCH_COMMAND_SET_VERSION=12 (hidden): it applies, announces and proposes only the command set
// every build knew before versions were announced, so role_set (version 13) is to it exactly what
// an unknown type is to an older binary: no handler. What differs from a real old binary is only
// that the message on meeting it can come from this code; a real pre-gate binary would skip it.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { command_set_version, command_set_version_baseline } from "../../internal/fsm/commands.js";
import { requireBinary } from "../support/binary.js";
import { TestCluster, until } from "../support/cluster.js";

let c: TestCluster;
afterEach(async () => {
  await c?.destroy();
});

const old_build = { ORCH_COMMAND_SET_VERSION: String(command_set_version_baseline) };

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(requireBinary(), args, { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}

/** The command-set version the member table (as `name` sees it) holds for `member`. */
async function announced(name: string, member: string): Promise<number | undefined> {
  const st = (await c.status(name)) as unknown as { members: { name: string; command_set_version?: number }[] } | undefined;
  return st?.members.find((m) => m.name === member)?.command_set_version;
}

describe("the version gate between an old and a new build", () => {
  it("refuses roles while a member runs the old build, takes them once it is upgraded, and stops a rolled-back server at the entry", async () => {
    c = await TestCluster.create();
    const names = ["s1", "s2", "s3"];
    for (const n of names) await c.add(n);
    const list = c.bootstrapList(names);
    for (const n of names) c.startNew(c.servers.get(n)!, ["--bootstrap", list], n === "s3" ? old_build : {});
    await c.waitLeader(names);
    await until("s3 to announce the old version", async () => ((await announced("s1", "s3")) === command_set_version_baseline ? true : undefined));
    const addr = `127.0.0.1:${c.servers.get("s1")!.http_port}`;

    const refused = await cli(["--addr", addr, "roles", "set", "batch", "--weight", "2"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`server s3 knows command-set version ${command_set_version_baseline}, but role_set needs ${command_set_version}: upgrade s3`);
    const members = await cli(["--addr", addr, "members"]);
    expect(members.stdout).toMatch(new RegExp(`^s3\\s.*\\s${command_set_version_baseline}\\s`, "m"));

    // Upgrade s3: restarted on the new build it announces the new version, and roles go through.
    expect(await c.stopGracefully("s3")).toBe(0);
    c.start(c.servers.get("s3")!, []);
    await until("s3 to announce the new version", async () => ((await announced("s1", "s3")) === command_set_version ? true : undefined));
    const set = await cli(["--addr", addr, "roles", "set", "batch", "--weight", "2", "--quota", "cpus=8,mem=16g"]);
    expect(set, set.stderr).toMatchObject({ code: 0, stdout: "batch: weight 2, guarantee -, limit cpus=8,mem=16g\n" });
    const on_s3 = await cli(["--addr", `127.0.0.1:${c.servers.get("s3")!.http_port}`, "roles"]);
    expect(on_s3.stdout).toMatch(/^batch\s+2\s+-\s+cpus=8,mem=16g/m);

    // Roll s3 back to the old build: replaying its log it meets role_set, and stops there with exit code 1.
    expect(await c.stopGracefully("s3")).toBe(0);
    const proc = c.start(c.servers.get("s3")!, [], old_build);
    const code = await new Promise<number | null>((resolve) => proc.once("exit", (x) => resolve(x)));
    expect(code).toBe(1);
    const log = await readFile(c.servers.get("s3")!.log, "utf8");
    expect(log).toMatch(new RegExp(`entry \\d+ was written by command-set version ${command_set_version}; this server knows up to ${command_set_version_baseline}: upgrade this server`));
    // The two new servers keep serving.
    expect((await c.put("s1", "after", "x")).status).toBe(200);
  });
});
