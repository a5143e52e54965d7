// The single executable, copied alone to an empty folder, runs and does real work.
import { rm, readdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolatedBinary, run } from "../support/binary.js";
import { freePort } from "../support/ports.js";
import pkg from "../../package.json" with { type: "json" };

let dir = "";
let bin = "";

beforeAll(async () => {
  ({ dir, bin } = await isolatedBinary());
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function portArgs(): Promise<string[]> {
  return ["--bind", "127.0.0.1", "--http-port", String(await freePort()), "--raft-port", String(await freePort())];
}

describe("orch executable", () => {
  it("prints its version from an empty folder", async () => {
    const r = await run(bin, ["--version"], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(await readdir(dir)).toEqual(["orch"]);
  });

  it("runs its bundle from the embedded V8 code cache (Node warns when it rejects the cache)", async () => {
    // Without the cache V8 parses the 2 MB bundle at every start: tens of ms (docs/BENCHMARKS.md).
    const rejected = "Code cache data rejected";
    for (const args of [["--version"], ["version"], ["kv", "--help"]]) {
      const r = await run(bin, args, { cwd: dir });
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stderr, args.join(" ")).not.toContain(rejected);
    }
    // The same check sees a rejection: a V8 flag the cache was not made with invalidates it.
    const changed = await run(bin, ["--version"], { cwd: dir, env: { NODE_OPTIONS: "--max-old-space-size=100" } });
    expect(changed.stderr).toContain(rejected);
  });

  it("lists only commands that exist in --help", async () => {
    const r = await run(bin, ["--help"], { cwd: dir });
    expect(r.code).toBe(0);
    // Exactly the commands that are built (each has its own tests): none pretends to work.
    const listed = [...r.stdout.slice(r.stdout.indexOf("Commands:")).matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]);
    expect(listed).toEqual(["dev", "server", "agent", "run", "ps", "services", "nodes", "roles", "logs", "stop", "scale", "inspect", "frameworks", "status", "members", "kv", "doctor", "completion", "version", "help"]);
  });

  it("doctor --json opens a LevelDB with the embedded addon and talks to Docker", async () => {
    const dataDir = path.join(dir, "data");
    const r = await run(bin, ["doctor", "--json", "--data-dir", dataDir, ...(await portArgs())], { cwd: dir });
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { name: string; ok: boolean; facts?: Record<string, unknown> }[] };
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName["data_dir"]).toMatchObject({ ok: true, facts: { leveldb: true } });
    expect(byName["docker"]).toMatchObject({ ok: true, facts: { api_version: expect.stringMatching(/^1\.\d+$/) } });
    expect(report.ok).toBe(true);
    expect(r.code).toBe(0);
    // doctor changes nothing: the data folder it probed was not left behind.
    expect(await readdir(dir)).toEqual(["orch"]);
  });

  it("doctor with no engine at the socket exits 1 and says how to start one", async () => {
    const r = await run(bin, ["doctor", "--data-dir", path.join(dir, "d2"), ...(await portArgs())], {
      cwd: dir,
      env: { DOCKER_HOST: `unix://${path.join(dir, "no-engine.sock")}` },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+Docker engine\s+no Docker engine answers at unix:\/\/.*no-engine\.sock/);
    expect(r.stdout).toContain("fix: start the Docker engine");
    expect(r.stdout).toContain("1 of 4 checks failed");
  });

  it("doctor names a busy port and how to free it", async () => {
    const srv = net.createServer();
    await new Promise<void>((resolve) => srv.listen({ host: "127.0.0.1", port: 0 }, resolve));
    const busy = (srv.address() as net.AddressInfo).port;
    try {
      const r = await run(bin, ["doctor", "--json", "--bind", "127.0.0.1", "--http-port", String(busy), "--raft-port", String(await freePort()), "--data-dir", path.join(dir, "d3")], { cwd: dir });
      const report = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; detail: string; fix?: string }[] };
      const http = report.checks.find((c) => c.name === "port_http");
      expect(http).toMatchObject({ ok: false, detail: `cannot listen on 127.0.0.1:${busy} (EADDRINUSE)` });
      expect(http?.fix).toContain("--http-port");
      expect(r.code).toBe(1);
    } finally {
      srv.close();
    }
  });

  it("doctor says when the data folder cannot be written", async () => {
    const r = await run(bin, ["doctor", "--json", "--data-dir", "/proc/orch-data", ...(await portArgs())], { cwd: dir });
    const report = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; fix?: string }[] };
    expect(report.checks.find((c) => c.name === "data_dir")).toMatchObject({ ok: false, fix: expect.stringContaining("--data-dir") });
    expect(r.code).toBe(1);
  });

  it.each([
    [["doctor", "--http-port", "0"], /--http-port 0 is out of range/],
    [["doctor", "--raft-port", "abc"], /--raft-port "abc" is not a port/],
    [["doctor", "--bind", "300.1.1.1"], /--bind "300.1.1.1" is not an address/],
    [["doctor", "--no-such-flag"], /unknown option '--no-such-flag'/],
    [["frobnicate"], /unknown command 'frobnicate'/],
  ])("rejects bad input %j with exit 2 and a message", async (args, message) => {
    const r = await run(bin, args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });
});
