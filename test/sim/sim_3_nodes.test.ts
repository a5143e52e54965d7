// CI sweep: seeded simulation runs on 3-node clusters across every fault profile.
import { describe, it } from "vitest";
import { expectSweepPassed, runSeedRange } from "./ci_seeds.js";

/** Seeds per cluster size in CI; three sizes give 270 runs (each runs the real driver and disk, about twice the cost of the old loop's). */
const ci_seeds_per_size = 90;

describe("raft simulation, 3 nodes", () => {
  it(`passes ${ci_seeds_per_size} seeds with every safety check and a linearizable history`, async () => {
    expectSweepPassed(await runSeedRange(3, 3 * 100_000, ci_seeds_per_size), ci_seeds_per_size);
  });
});
