// Start-up time of `dist/orch --version` beside plain Node and the docker CLI, as JSON lines.
// Usage: npx tsx scripts/bench/startup.ts [runs]
import { execFileSync, spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const runs_max = 200;
const runs = Math.min(Number(process.argv[2] ?? 21), runs_max);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a whole number from 1 to ${runs_max}`);

interface Subject {
  name: string;
  cmd: string;
  args: string[];
}

const bin = path.join(root, "dist/orch");
const subjects: Subject[] = [
  { name: "orch --version (single executable)", cmd: bin, args: ["--version"] },
  { name: "node -e 0 (plain Node start)", cmd: process.execPath, args: ["-e", "0"] },
  { name: "docker --version (Go CLI)", cmd: "docker", args: ["--version"] },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

for (const s of subjects) {
  // One warm-up run so the page cache holds the file for every subject alike.
  execFileSync(s.cmd, s.args, { stdio: "ignore" });
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(s.cmd, s.args, { stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${s.name} exited ${r.status}`);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const line: Record<string, unknown> = {
    bench: "startup",
    subject: s.name,
    runs,
    median_ms: Number(percentile(ms, 50).toFixed(1)),
    p90_ms: Number(percentile(ms, 90).toFixed(1)),
  };
  if (s.cmd === bin) line["size_bytes"] = statSync(bin).size;
  process.stdout.write(JSON.stringify(line) + "\n");
}
