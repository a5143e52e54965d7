// Command line for the simulator: `--seed S` replays one run, `--seeds N [--start S]` sweeps.
import { node_counts, type NodeCount } from "./sim_options.js";
import { runSeed, type SeedResult } from "./run_seed.js";

interface Args {
  readonly start: number;
  readonly count: number;
  readonly nodes: NodeCount | undefined;
  readonly verbose: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let start = 1;
  let count = 100;
  let nodes: NodeCount | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    const number = (): number => {
      const parsed = Number(value);
      if (value === undefined || !Number.isSafeInteger(parsed) || parsed < 0) {
        throw new Error(`sim: ${flag} needs a non-negative integer, got ${String(value)}`);
      }
      i += 1;
      return parsed;
    };
    if (flag === "--seed") {
      start = number();
      count = 1;
      verbose = true;
    } else if (flag === "--seeds") count = number();
    else if (flag === "--start") start = number();
    else if (flag === "--nodes") {
      const n = number();
      if (!node_counts.includes(n as NodeCount)) throw new Error(`sim: --nodes must be 3, 5 or 7, got ${n}`);
      nodes = n as NodeCount;
    } else if (flag === "--verbose") verbose = true;
    else throw new Error(`sim: unknown flag ${String(flag)}; use --seed S | --seeds N [--start S] [--nodes 3|5|7] [--verbose]`);
  }
  return { start, count, nodes, verbose };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const began = performance.now();
  const failures: SeedResult[] = [];
  let inconclusive = 0;
  let ops = 0;
  const progressEvery = Math.max(1, Math.floor(args.count / 20));
  for (let k = 0; k < args.count; k += 1) {
    const seed = args.start + k;
    const result = await runSeed(seed, args.nodes);
    ops += result.stats.ops;
    if (result.verdict === "fail") {
      failures.push(result);
      console.error(`FAIL seed ${seed}: ${result.message}`);
    } else if (result.verdict === "inconclusive") {
      inconclusive += 1;
      console.error(`INCONCLUSIVE seed ${seed}: ${result.message}`);
    }
    if (args.verbose) console.log(JSON.stringify({ seed, verdict: result.verdict, stats: result.stats }));
    if ((k + 1) % progressEvery === 0 && args.count > 1) {
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      console.log(`progress ${k + 1}/${args.count} seeds, ${failures.length} failed, ${seconds}s`);
    }
  }
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  const passed = args.count - failures.length - inconclusive;
  console.log(
    `summary: ${args.count} seeds from ${args.start} (nodes ${args.nodes ?? "3/5/7"}): ${passed} passed, ` +
      `${failures.length} failed, ${inconclusive} inconclusive, ${ops} client ops, ${seconds}s` +
      (failures.length > 0 ? `; failing seeds: ${failures.map((f) => f.seed).join(" ")}` : ""),
  );
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
