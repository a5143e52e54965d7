// The benchmarks refuse bad flags with a message naming the flag, before starting anything.
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { wholeFlag } from "./lib/run.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = path.join(here, "../../node_modules/.bin/tsx");

function bench(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [path.join(here, script), ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}

describe("wholeFlag", () => {
  it("takes whole numbers in range and names the flag and range otherwise", () => {
    expect(wholeFlag("rounds", "4", 1, 20)).toBe(4);
    expect(wholeFlag("failover-runs", "0", 0, 20)).toBe(0);
    for (const raw of ["0", "21", "2.5", "x", ""]) expect(() => wholeFlag("rounds", raw, 1, 20)).toThrow(`--rounds ${JSON.stringify(raw)}: give a whole number from 1 to 20`);
  });
});

describe("ab-builds flags", () => {
  it("refuses a missing or non-executable build and a bad round count, exit 1", async () => {
    const missing = await bench("ab-builds.ts", ["--b", process.execPath]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain("--a is missing: give the path of an orch executable");
    const not_exec = await bench("ab-builds.ts", ["--a", process.execPath, "--b", "/nonexistent/orch"]);
    expect(not_exec.code).toBe(1);
    expect(not_exec.stderr).toContain('--b "/nonexistent/orch" is not an executable file');
    const folder = await bench("ab-builds.ts", ["--a", here, "--b", process.execPath]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain(`--a ${JSON.stringify(here)} is not an executable file`);
    const rounds = await bench("ab-builds.ts", ["--a", process.execPath, "--b", process.execPath, "--rounds", "0"]);
    expect(rounds.code).toBe(1);
    expect(rounds.stderr).toContain('--rounds "0": give a whole number from 1 to 20');
  }, 60_000);
});

describe("kv-vs-etcd flags", () => {
  it("refuses a bad --failover-client-runs before starting anything, exit 1", async () => {
    const r = await bench("kv-vs-etcd.ts", ["--failover-client-runs", "21"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--failover-client-runs "21": give a whole number from 0 to 20');
  }, 60_000);
});

describe("offers flags", () => {
  it("refuses bad counts, subjects, servers and a profile without tsx before starting anything, exit 1", async () => {
    const cases: [string[], string][] = [
      [["--frameworks", "0"], '--frameworks "0": give a whole number from 1 to 100'],
      [["--tasks-per-framework", "10001"], '--tasks-per-framework "10001": give a whole number from 1 to 10000'],
      [["--tasks-per-offer", "1001"], '--tasks-per-offer "1001": give a whole number from 1 to 1000'],
      [["--accept-inflight", "x"], '--accept-inflight "x": give a whole number from 1 to 256'],
      [["--nodes", "2.5"], '--nodes "2.5": give a whole number from 1 to 100000'],
      [["--subjects", "frameworks,frameworks"], '--subjects "frameworks,frameworks": give frameworks, services, or both'],
      [["--subjects", "mesos"], '--subjects "mesos": give frameworks, services, or both'],
      [["--servers", "2"], '--servers "2": give 1 or 3'],
      [["--server", "/nonexistent/orch"], '--server "/nonexistent/orch": give binary, tsx, or the path of an orch executable'],
      [["--cpu-prof", "/tmp/x"], "--cpu-prof needs --server tsx"],
    ];
    const results = await Promise.all(cases.map(([args]) => bench("offers.ts", args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(" ")).toBe(1);
      expect(r.stderr).toContain(cases[i]![1]);
    });
  }, 120_000);
});

describe("placement and placement-ab flags", () => {
  it("refuses a --server that is neither binary, tsx nor an executable, and a missing build for placement-ab, exit 1", async () => {
    const [placement, folder, ab] = await Promise.all([
      bench("placement.ts", ["--server", "/nonexistent/orch"]),
      bench("placement.ts", ["--server", here]),
      bench("placement-ab.ts", ["--b", process.execPath]),
    ]);
    expect(placement.code).toBe(1);
    expect(placement.stdout).toContain('--server \\"/nonexistent/orch\\": give binary, tsx, or the path of an orch executable');
    expect(folder.code).toBe(1);
    expect(ab.code).toBe(1);
    expect(ab.stderr).toContain("--a is missing: give the path of an orch executable");
  }, 60_000);
});
