// Runs one seed to a verdict that names the seed and how to replay it.
import { formatCheckResult } from "../lincheck/index.js";
import { describeOptions, optionsForSeed, type NodeCount, type SimOptions } from "./sim_options.js";
import { Simulation } from "./simulation.js";

export interface SeedResult {
  readonly seed: number;
  readonly options: SimOptions;
  /** "inconclusive": the linearizability search ran out of budget; safety checks passed. */
  readonly verdict: "pass" | "fail" | "inconclusive";
  /** For a failure: what broke, the run's shape, and the replay command. */
  readonly message: string;
  readonly stats: {
    readonly ticks: number;
    readonly ops: number;
    readonly completed: number;
    readonly abandoned: number;
    readonly leaders: number;
    readonly applied: number;
    readonly crashes: number;
    /** Crashes timed against a synced write, and what the disks lost or tore at crashes. */
    readonly midWriteCrashes: number;
    readonly afterWriteCrashes: number;
    readonly unsyncedLost: number;
    readonly tornFrames: number;
    readonly diskStalls: number;
    readonly partitions: number;
    readonly transfers: number;
    readonly confChanges: number;
    readonly messages: number;
    readonly dropped: number;
  };
}

export function replayCommand(seed: number, nodeCount?: NodeCount): string {
  return `scripts/sim.sh --seed ${seed}${nodeCount === undefined ? "" : ` --nodes ${nodeCount}`}`;
}

/** `adjust` changes the seed's options (the negative test breaks the disk with it). */
export async function runSeed(seed: number, nodeCount?: NodeCount, adjust?: (options: SimOptions) => SimOptions): Promise<SeedResult> {
  const drawn = optionsForSeed(seed, nodeCount);
  const options = adjust === undefined ? drawn : adjust(drawn);
  const sim = new Simulation(options);
  let verdict: SeedResult["verdict"] = "pass";
  let message = "";
  try {
    const check = await sim.run();
    if (check.result === "not-linearizable") {
      verdict = "fail";
      message = `linearizability: ${formatCheckResult(check)}`;
    } else if (check.result === "unknown") {
      verdict = "inconclusive";
      message = formatCheckResult(check);
    }
  } catch (error) {
    verdict = "fail";
    message = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
  }
  if (verdict !== "pass") {
    message = `${message}\n  run: ${describeOptions(options)} (failed at tick ${sim.tick})\n  replay: ${replayCommand(seed, nodeCount)}`;
  }
  const history = sim.recorder.history();
  const disks = sim.cluster.all().map((node) => node.disk.stats);
  return {
    seed,
    options,
    verdict,
    message,
    stats: {
      ticks: sim.tick,
      ops: history.length,
      completed: history.filter((op) => op.returnTime !== null).length,
      abandoned: history.filter((op) => op.returnTime === null).length,
      leaders: sim.safety.leaderCount(),
      applied: sim.safety.appliedCount(),
      crashes: sim.faults.stats.crashes,
      midWriteCrashes: sim.faults.stats.midWriteCrashes,
      afterWriteCrashes: sim.faults.stats.afterWriteCrashes,
      unsyncedLost: disks.reduce((n, d) => n + d.lostAtCrash, 0),
      tornFrames: disks.reduce((n, d) => n + d.tornFrames, 0),
      diskStalls: disks.reduce((n, d) => n + d.stalls, 0),
      partitions: sim.faults.stats.partitions,
      transfers: sim.faults.stats.transfers,
      confChanges: sim.faults.stats.confChanges,
      messages: sim.network.sentCount,
      dropped: sim.network.droppedCount,
    },
  };
}
