// The simulator catches a broken durability invariant: with disks whose fsync returns before the
// data is durable, a crash loses writes the driver already acknowledged, and some seed fails with
// its replay line. The same seeds pass on honest disks, so the failure is the broken fsync's.
import { describe, expect, it } from "vitest";
import { runSeed } from "./run_seed.js";
import type { SimOptions } from "./sim_options.js";

/** Seeds tried before giving up; a lying disk is caught well within this. */
const seeds_max = 40;
const first_seed = 900_000;

function lyingDisks(options: SimOptions): SimOptions {
  const lie = { fsync_lies_ms: 40 };
  return {
    ...options,
    profile: "crashes",
    crashChance: 0.03,
    crashAfterAckChance: 0.05,
    crashAfterVoteChance: 0.3,
    crashMajority: true,
    disk: { ...options.disk, normal: { ...options.disk.normal, ...lie }, slow: { ...options.disk.slow, ...lie } },
  };
}

describe("raft simulation, negative test", () => {
  it("fails, naming the seed, when fsync returns before the data is durable", async () => {
    let caught: { seed: number; message: string } | undefined;
    for (let seed = first_seed; seed < first_seed + seeds_max && caught === undefined; seed += 1) {
      const result = await runSeed(seed, 3, lyingDisks);
      if (result.verdict === "fail") caught = { seed, message: result.message };
    }
    expect(caught, `no seed in ${seeds_max} caught the lying fsync`).toBeDefined();
    const { seed, message } = caught!;
    expect(message).toContain(`replay: scripts/sim.sh --seed ${seed} --nodes 3`);
    expect(message).toContain("fsyncLies=40ms");
    const honest = await runSeed(seed, 3, (options) => ({ ...lyingDisks(options), disk: options.disk }));
    expect(honest.verdict, honest.message).toBe("pass");
  });
});
