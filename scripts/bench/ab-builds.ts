// Two orch builds side by side AT THE SAME TIME (JSON lines): a three-server cluster of each on
// loopback, each driven by its own closed-loop writers, both loads running together. Run one
// after the other, the same build measures up to 2x apart on these VMs (the machine's speed
// swings between minutes); run together, both see the same machine, and an A/A comparison of
// one build with itself stays within about 8 % per round (docs/BENCHMARKS.md). Use it to decide whether
// a change to the server is worth keeping.
// Usage: npx tsx scripts/bench/ab-builds.ts --a PATH --b PATH [--rounds N] [--seconds N] [--clients N]
//   PATH: an orch executable (e.g. a copy of dist/orch built before the change).
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { isExecutableFile } from "./lib/executable.js";
import { LoopbackClient } from "./lib/http.js";
import { closedLoop, cpuPerWrite, jit_warmup, withCpu } from "./lib/load.js";
import { OrchCluster } from "./lib/orch.js";
import { runBench, wholeFlag } from "./lib/run.js";
import { emit, round } from "./lib/stats.js";

const rounds_max = 20;
const seconds_max = 300;
const clients_max = 256;
const value_bytes = 1024;
const writes_max = 500_000;

interface Options {
  a: string;
  b: string;
  rounds: number;
  seconds: number;
  clients: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      a: { type: "string" },
      b: { type: "string" },
      rounds: { type: "string", default: "4" },
      seconds: { type: "string", default: "10" },
      clients: { type: "string", default: "64" },
    },
  });
  const executable = (flag: string, p: string | undefined): string => {
    if (p === undefined) throw new Error(`--${flag} is missing: give the path of an orch executable (e.g. a copy of dist/orch)`);
    if (!isExecutableFile(p)) throw new Error(`--${flag} ${JSON.stringify(p)} is not an executable file`);
    return p;
  };
  return {
    a: executable("a", values.a),
    b: executable("b", values.b),
    rounds: wholeFlag("rounds", values.rounds, 1, rounds_max),
    seconds: wholeFlag("seconds", values.seconds, 1, seconds_max),
    clients: wholeFlag("clients", values.clients, 1, clients_max),
  };
}

interface Side {
  writes_per_s: number;
  p50_ms: number;
  p99_ms: number;
  server_cpu_us_per_write: number;
}

/** One round: both clusters started (in the given order), warmed up and measured together. */
async function roundOf(o: Options, first: "a" | "b", http: LoopbackClient, value: Buffer): Promise<Record<"a" | "b", Side>> {
  const order: ("a" | "b")[] = first === "a" ? ["a", "b"] : ["b", "a"];
  const clusters: Partial<Record<"a" | "b", OrchCluster>> = {};
  try {
    for (const side of order) clusters[side] = await OrchCluster.start(3, o[side]);
    const load = (side: "a" | "b", key_prefix: string, duration_ms: number, max: number): ReturnType<typeof closedLoop> =>
      closedLoop(clusters[side]!, http, { clients: o.clients, duration_ms, writes_max: max, key_prefix, value });
    await Promise.all(order.map((side) => load(side, "warmup", jit_warmup.duration_ms, jit_warmup.writes_max)));
    const measured = await Promise.all(order.map((side) => withCpu(clusters[side]!, () => load(side, "ab", o.seconds * 1000, writes_max))));
    const out = {} as Record<"a" | "b", Side>;
    order.forEach((side, i) => {
      const { result: r, cpu_cores } = measured[i]!;
      out[side] = { writes_per_s: r.writes_per_s, p50_ms: r.p50_ms, p99_ms: r.p99_ms, server_cpu_us_per_write: cpuPerWrite(cpu_cores, r.writes_per_s).server_cpu_us_per_write };
    });
    return out;
  } finally {
    for (const c of Object.values(clusters)) await c.destroy();
  }
}

runBench("ab-builds", async (http) => {
  const o = parseOptions(process.argv.slice(2));
  const value = randomBytes(value_bytes);
  emit({ bench: "setup", a: o.a, b: o.b, rounds: o.rounds, seconds: o.seconds, clients: o.clients, value_bytes, note: "both clusters run at the same time; a_over_b > 1 means build a wrote more" });
  const ratios: number[] = [];
  for (let i = 0; i < o.rounds; i++) {
    // Alternate which cluster starts first (and so gets the lower ports and earlier pids).
    const first = i % 2 === 0 ? "a" : "b";
    const r = await roundOf(o, first, http, value);
    const ratio = r.a.writes_per_s / r.b.writes_per_s;
    ratios.push(ratio);
    emit({ bench: "ab-builds", round: i + 1, first, a: r.a, b: r.b, a_over_b_writes_per_s: round(ratio, 3) });
  }
  const mean = ratios.reduce((s, x) => s + x, 0) / ratios.length;
  emit({ bench: "ab-builds-summary", rounds: ratios.length, a_over_b_mean: round(mean, 3), a_over_b_min: round(Math.min(...ratios), 3), a_over_b_max: round(Math.max(...ratios), 3) });
});
