// Start-up time of `orch --version` beside plain Node and the docker CLI, as JSON lines.
// Usage: npx tsx scripts/bench/startup.ts [runs] [--orch PATH] [--before PATH]
// Subjects: `orch --version` and the `orch version` command, `node -e 0`, `docker --version`.
//   --orch: the executable to measure (default dist/orch); --before: another orch executable
//   (e.g. built from main before a change), measured in the same rounds.
// Every round runs each subject once, in an order that rotates from round to round, so a busy
// moment on a shared machine hits all subjects alike; over_node_ms is the median of the
// per-round differences from `node -e 0`. code_cache says whether the executable ran its bundle
// from the embedded V8 code cache (Node prints "Code cache data rejected" when it does not).
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runs_max = 500;

const { values, positionals } = parseArgs({
  options: { orch: { type: "string" }, before: { type: "string" } },
  allowPositionals: true,
});
const runs = Number(positionals[0] ?? 21);
if (!Number.isInteger(runs) || runs < 1 || runs > runs_max) throw new Error(`runs must be a whole number from 1 to ${runs_max}`);

function executable(flag: string, p: string): string {
  try {
    accessSync(p, constants.X_OK);
  } catch {
    throw new Error(`--${flag} ${JSON.stringify(p)} is not an executable file (build one with scripts/build-binary.sh)`);
  }
  return path.resolve(p);
}

interface Subject {
  name: string;
  cmd: string;
  args: string[];
  orch: boolean;
  ms: number[];
}

const subject = (name: string, cmd: string, args: string[], orch = false): Subject => ({ name, cmd, args, orch, ms: [] });
const orch = executable("orch", values.orch ?? path.join(root, "dist/orch"));
const before = values.before !== undefined ? executable("before", values.before) : undefined;
const subjects: Subject[] = [
  subject("orch --version (single executable)", orch, ["--version"], true),
  ...(before !== undefined ? [subject("orch --version (before)", before, ["--version"], true)] : []),
  // A command: commander dispatches to it and its module loads.
  subject("orch version (a command)", orch, ["version"], true),
  ...(before !== undefined ? [subject("orch version (before)", before, ["version"], true)] : []),
  subject("node -e 0 (plain Node start)", process.execPath, ["-e", "0"]),
  subject("docker --version (Go CLI)", "docker", ["--version"]),
];
const node = subjects.find((s) => s.cmd === process.execPath)!;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);
const round1 = (x: number): number => Number(x.toFixed(1));

function codeCache(s: Subject): "accepted" | "rejected" {
  const r = spawnSync(s.cmd, s.args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${s.name} exited ${r.status}: ${r.stderr}`);
  return r.stderr.includes("Code cache data rejected") ? "rejected" : "accepted";
}

// One warm-up run so the page cache holds every file alike.
for (const s of subjects) execFileSync(s.cmd, s.args, { stdio: "ignore" });
for (let round = 0; round < runs; round++) {
  for (let k = 0; k < subjects.length; k++) {
    const s = subjects[(round + k) % subjects.length]!;
    const t0 = process.hrtime.bigint();
    const r = spawnSync(s.cmd, s.args, { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${s.name} exited ${r.status}`);
    s.ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}

for (const s of subjects) {
  const sorted = [...s.ms].sort((a, b) => a - b);
  const line: Record<string, unknown> = {
    bench: "startup",
    subject: s.name,
    runs,
    median_ms: round1(percentile(sorted, 50)),
    p90_ms: round1(percentile(sorted, 90)),
  };
  if (s.orch) {
    line["over_node_ms"] = round1(median(s.ms.map((ms, i) => ms - node.ms[i]!)));
    line["size_bytes"] = statSync(s.cmd).size;
    line["code_cache"] = codeCache(s);
    line["path"] = s.cmd.startsWith(root + path.sep) ? path.relative(root, s.cmd) : s.cmd;
  }
  process.stdout.write(JSON.stringify(line) + "\n");
}
