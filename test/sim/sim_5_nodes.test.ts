// CI sweep: seeded simulation runs on 5-node clusters across every fault profile.
import { describe, expect, it } from "vitest";
import { runSeedRange } from "./ci_seeds.js";
import { fault_profiles } from "./sim_options.js";

/** Seeds per cluster size in CI; three sizes give 540 runs. */
const ci_seeds_per_size = 180;

describe("raft simulation, 5 nodes", () => {
  it(`passes ${ci_seeds_per_size} seeds with every safety check and a linearizable history`, () => {
    const report = runSeedRange(5, 5 * 100_000, ci_seeds_per_size);
    expect(report.failures, report.failures.join("\n\n")).toEqual([]);
    expect(report.inconclusive, "linearizability search budget exceeded").toEqual([]);
    // The sweep must actually exercise faults, or passing it means little.
    expect([...report.profiles].sort()).toEqual([...fault_profiles].sort());
    expect(report.crashes).toBeGreaterThan(ci_seeds_per_size);
    expect(report.partitions).toBeGreaterThan(ci_seeds_per_size / 10);
    expect(report.ops).toBeGreaterThan(ci_seeds_per_size * 50);
  });
});
