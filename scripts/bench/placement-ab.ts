// Two orch builds through scripts/bench/placement.ts in one run, taking turns (a b, b a, a b, ...):
// placements/s and placements per leader CPU second of each, and their ratio per round (JSON lines).
// Usage: npx tsx scripts/bench/placement-ab.ts --a PATH --b PATH [--rounds 4] [--together] [--nodes 10000]
//        [--services 1000] [--tasks-per-service 100] [--servers 1|3] [--submit-inflight 128] [--timeout-s 900]
//   PATH: an orch executable (e.g. dist/orch, and an older build's dist/orch copied aside).
// One placement run at a time, so each has the machine; the turns alternate so that a slow
// minute of this shared VM hits both builds alike. With --together both runs go at once (as
// ab-builds.ts does), each with half the machine, so both see the same busy moments of a shared
// VM; the one that starts first alternates. placement.ts validates the pass-through flags.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isExecutableFile } from "./lib/executable.js";
import { cleanupAll, installCleanupHandlers, trackProcess } from "./lib/cleanup.js";
import { wholeFlag } from "./lib/run.js";
import { emit, round } from "./lib/stats.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const rounds_max = 20;
/** With --together, the second run starts this much after the first. */
const together_stagger_ms = 500;
/** Bound on one placement run's output kept (a few KiB of JSON lines). */
const output_bytes_max = 1 << 20;

interface Options {
  a: string;
  b: string;
  rounds: number;
  together: boolean;
  pass: string[];
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      a: { type: "string" },
      b: { type: "string" },
      rounds: { type: "string", default: "4" },
      together: { type: "boolean", default: false },
      nodes: { type: "string" },
      services: { type: "string" },
      "tasks-per-service": { type: "string" },
      servers: { type: "string" },
      "submit-inflight": { type: "string" },
      "timeout-s": { type: "string" },
      seed: { type: "string" },
    },
  });
  const executable = (flag: string, p: string | undefined): string => {
    if (p === undefined) throw new Error(`--${flag} is missing: give the path of an orch executable (e.g. a copy of dist/orch)`);
    if (!isExecutableFile(p)) throw new Error(`--${flag} ${JSON.stringify(p)} is not an executable file`);
    return path.resolve(p);
  };
  const pass: string[] = [];
  for (const k of ["nodes", "services", "tasks-per-service", "servers", "submit-inflight", "timeout-s", "seed"] as const) {
    const v = values[k];
    if (v !== undefined) pass.push(`--${k}`, v);
  }
  return { a: executable("a", values.a), b: executable("b", values.b), rounds: wholeFlag("rounds", values.rounds, 1, rounds_max), together: values.together, pass };
}

interface Result {
  placements_per_s: number;
  placements_per_leader_cpu_s: number;
  seconds: number;
  leader_rss_mib_peak: number | undefined;
  load_avg_1m_end: number;
}

/** One placement.ts run against one build; its server line, or an error with the run's last lines. */
function placementRun(binary: string, pass: readonly string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", path.join(here, "placement.ts"), "--server", binary, ...pass], { stdio: ["ignore", "pipe", "inherit"] });
    trackProcess(p);
    let out = "";
    p.stdout.setEncoding("utf8");
    p.stdout.on("data", (c: string) => {
      if (out.length < output_bytes_max) out += c;
    });
    p.on("error", reject);
    p.on("exit", (code) => {
      const lines = out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
      const server = lines.find((l) => typeof l["subject"] === "string" && (l["subject"] as string).startsWith("orch server"));
      if (code !== 0 || server === undefined) return reject(new Error(`placement.ts --server ${binary} exited ${code}: ${out.split("\n").slice(-4).join("\n")}`));
      const memory = server["memory"] as { leader: boolean; rss_mib_peak_sampled?: number }[];
      resolve({
        placements_per_s: server["placements_per_s"] as number,
        placements_per_leader_cpu_s: server["placements_per_leader_cpu_s"] as number,
        seconds: server["seconds_first_submit_to_last_placed"] as number,
        leader_rss_mib_peak: memory.find((m) => m.leader)?.rss_mib_peak_sampled,
        load_avg_1m_end: server["load_avg_1m_end"] as number,
      });
    });
  });
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  installCleanupHandlers();
  emit({ bench: "placement-ab", a: o.a, b: o.b, rounds: o.rounds, together: o.together, placement_flags: o.pass.join(" "), note: `${o.together ? "both placement.ts runs at once" : "one placement.ts run at a time"}, turns alternating; a_over_b > 1 means build a placed faster` });
  const ratios: number[] = [];
  const cpu_ratios: number[] = [];
  for (let i = 0; i < o.rounds; i++) {
    const order: ("a" | "b")[] = i % 2 === 0 ? ["a", "b"] : ["b", "a"];
    const r: Partial<Record<"a" | "b", Result>> = {};
    if (o.together) {
      // The second starts a moment later, so the two do not register their nodes in the same instant.
      const runs = order.map((side, k) => new Promise<void>((resolve) => setTimeout(resolve, k * together_stagger_ms)).then(() => placementRun(o[side], o.pass)));
      const done = await Promise.all(runs);
      order.forEach((side, k) => (r[side] = done[k]));
      for (const side of order) emit({ bench: "placement-ab", round: i + 1, side, build: o[side], together: true, ...r[side] });
    } else {
      for (const side of order) {
        r[side] = await placementRun(o[side], o.pass);
        emit({ bench: "placement-ab", round: i + 1, side, build: o[side], ...r[side] });
      }
    }
    const ratio = r.a!.placements_per_s / r.b!.placements_per_s;
    const cpu_ratio = r.a!.placements_per_leader_cpu_s / r.b!.placements_per_leader_cpu_s;
    ratios.push(ratio);
    cpu_ratios.push(cpu_ratio);
    emit({ bench: "placement-ab", round: i + 1, first: order[0], a_over_b_placements_per_s: round(ratio, 3), a_over_b_per_leader_cpu_s: round(cpu_ratio, 3) });
  }
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  emit({
    bench: "placement-ab-summary",
    rounds: ratios.length,
    a_over_b_mean: round(mean(ratios), 3),
    a_over_b_min: round(Math.min(...ratios), 3),
    a_over_b_max: round(Math.max(...ratios), 3),
    a_over_b_per_leader_cpu_s_mean: round(mean(cpu_ratios), 3),
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main()
    .catch((err: unknown) => {
      process.stderr.write(`placement-ab: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    })
    .finally(() => cleanupAll());
}
