// Shared by the CI simulation tests: run a seed range and describe every failure with its replay line.
import { runSeed, type SeedResult } from "./run_seed.js";
import type { FaultProfile, NodeCount } from "./sim_options.js";

export interface SeedRangeReport {
  readonly failures: readonly string[];
  readonly inconclusive: readonly number[];
  readonly profiles: ReadonlySet<FaultProfile>;
  readonly ops: number;
  readonly crashes: number;
  readonly partitions: number;
}

export function runSeedRange(nodeCount: NodeCount, start: number, count: number): SeedRangeReport {
  const failures: string[] = [];
  const inconclusive: number[] = [];
  const profiles = new Set<FaultProfile>();
  let ops = 0;
  let crashes = 0;
  let partitions = 0;
  for (let seed = start; seed < start + count; seed += 1) {
    const result: SeedResult = runSeed(seed, nodeCount);
    profiles.add(result.options.profile);
    ops += result.stats.ops;
    crashes += result.stats.crashes;
    partitions += result.stats.partitions;
    if (result.verdict === "fail") failures.push(`seed ${seed}: ${result.message}`);
    if (result.verdict === "inconclusive") inconclusive.push(seed);
  }
  return { failures, inconclusive, profiles, ops, crashes, partitions };
}
