// Shared by the CI simulation tests: run a seed range, describe every failure with its replay line, and check the sweep injected faults.
import { expect } from "vitest";
import { runSeed, type SeedResult } from "./run_seed.js";
import { fault_profiles, type FaultProfile, type NodeCount } from "./sim_options.js";

export interface SeedRangeReport {
  readonly failures: readonly string[];
  readonly inconclusive: readonly number[];
  readonly profiles: ReadonlySet<FaultProfile>;
  readonly ops: number;
  readonly crashes: number;
  readonly midWriteCrashes: number;
  readonly unsyncedLost: number;
  readonly tornFrames: number;
  readonly diskStalls: number;
  readonly partitions: number;
}

export async function runSeedRange(nodeCount: NodeCount, start: number, count: number): Promise<SeedRangeReport> {
  const failures: string[] = [];
  const inconclusive: number[] = [];
  const profiles = new Set<FaultProfile>();
  let ops = 0;
  let crashes = 0;
  let midWriteCrashes = 0;
  let unsyncedLost = 0;
  let tornFrames = 0;
  let diskStalls = 0;
  let partitions = 0;
  for (let seed = start; seed < start + count; seed += 1) {
    const result: SeedResult = await runSeed(seed, nodeCount);
    profiles.add(result.options.profile);
    ops += result.stats.ops;
    crashes += result.stats.crashes;
    midWriteCrashes += result.stats.midWriteCrashes;
    unsyncedLost += result.stats.unsyncedLost;
    tornFrames += result.stats.tornFrames;
    diskStalls += result.stats.diskStalls;
    partitions += result.stats.partitions;
    if (result.verdict === "fail") failures.push(`seed ${seed}: ${result.message}`);
    if (result.verdict === "inconclusive") inconclusive.push(seed);
  }
  return { failures, inconclusive, profiles, ops, crashes, midWriteCrashes, unsyncedLost, tornFrames, diskStalls, partitions };
}

/**
 * The sweep passed, and it tested something: every profile ran, servers crashed (some while a
 * write's fsync ran, losing or tearing what was not synced), the network was cut, disks stalled
 * and clients did work. A sweep with no faults passes trivially, so it fails here instead.
 */
export function expectSweepPassed(report: SeedRangeReport, seeds: number): void {
  expect(report.failures, report.failures.join("\n\n")).toEqual([]);
  expect(report.inconclusive, "linearizability search budget exceeded").toEqual([]);
  expect([...report.profiles].sort()).toEqual([...fault_profiles].sort());
  expect(report.crashes).toBeGreaterThan(seeds);
  expect(report.midWriteCrashes).toBeGreaterThan(seeds / 10);
  expect(report.unsyncedLost).toBeGreaterThan(seeds / 20);
  expect(report.tornFrames).toBeGreaterThan(seeds / 20);
  expect(report.diskStalls).toBeGreaterThan(seeds / 10);
  expect(report.partitions).toBeGreaterThan(seeds / 10);
  expect(report.ops).toBeGreaterThan(seeds * 50);
}
