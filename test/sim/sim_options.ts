// Everything one run does, derived from its seed: cluster size, fault mix, client behaviour.
import type { ClientTimings } from "./client.js";
import type { NetworkFaults } from "./network.js";
import { Prng } from "./prng.js";
import type { DiskTimings } from "./sim_disk.js";

export type NodeCount = 3 | 5 | 7;
export const node_counts: readonly NodeCount[] = [3, 5, 7];

/**
 * calm: a good network and disks, no faults. lossy: drops, duplicates, long delays.
 * partitions: symmetric and one-way cuts. crashes: crashes at any point of the Ready loop,
 * some while a write's fsync runs, some right after a vote or an ack. disk: slow disks,
 * stalled fsyncs and crashes that lose or tear unsynced writes. elections: election storms
 * (clocks running fast) with voters crashing right after they vote. membership: nodes
 * removed and fresh nodes added. chaos: all of it at once.
 */
export type FaultProfile = "calm" | "lossy" | "partitions" | "crashes" | "disk" | "elections" | "membership" | "chaos";
export const fault_profiles: readonly FaultProfile[] = [
  "calm",
  "lossy",
  "partitions",
  "crashes",
  "disk",
  "elections",
  "membership",
  "chaos",
];

/** Raft timing of every server, in ticks of the driver's tick_ms. */
export interface NodeTimings {
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
}

export interface SnapshotPolicy {
  /** The driver's snapshot_entries: snapshot once this many entries were applied since the last one; null = never. */
  readonly everyEntries: number | null;
  /** The driver's snapshot_catchup_entries: entries kept behind the snapshot for slightly slow followers. */
  readonly keepEntries: number;
}

export interface DiskFaults {
  readonly normal: DiskTimings;
  /** A slow disk: every fsync takes several ticks. */
  readonly slow: DiskTimings;
  /** Share of servers (drawn per server) whose disk is slow. */
  readonly slowDiskShare: number;
  /** Share of crashes that strike while a write's fsync runs (the write may be kept, lost or torn). */
  readonly midWriteCrashShare: number;
}

export interface SimOptions {
  readonly seed: number;
  readonly nodeCount: NodeCount;
  readonly profile: FaultProfile;
  /** Ticks with faults and client traffic. */
  readonly runTicks: number;
  /** Bound on the healed phase that must bring every node to the same applied index. */
  readonly healTicksMax: number;
  readonly clientCount: number;
  readonly keys: readonly string[];
  readonly raft: NodeTimings;
  readonly client: ClientTimings;
  readonly network: NetworkFaults;
  readonly disk: DiskFaults;
  /** Per tick: chance that a partition starts (when none is active) and that it heals. */
  readonly partitionStartChance: number;
  readonly partitionHealChance: number;
  /** Per tick: chance that a node crashes; it restarts after a delay in this range. */
  readonly crashChance: number;
  readonly restartDelayTicks: readonly [number, number];
  /** Whether crashes may take down a majority at once. */
  readonly crashMajority: boolean;
  /** Chance that a node crashes right after acknowledging an append. */
  readonly crashAfterAckChance: number;
  /** Chance that a node crashes right after granting a vote (and restarts within ticks). */
  readonly crashAfterVoteChance: number;
  /** Per tick: chance that one or two nodes start an election early (timer skew). */
  readonly campaignChance: number;
  /** Per tick: chance that the leader is asked to hand over to another voter. */
  readonly transferChance: number;
  /** Per tick: chance of a membership change (remove a voter, add a fresh node). */
  readonly confChangeChance: number;
  readonly snapshot: SnapshotPolicy;
}

const calm_network: NetworkFaults = {
  dropRate: 0,
  duplicateRate: 0,
  minDelayTicks: 1,
  maxDelayTicks: 2,
  longDelayRate: 0,
  longDelayTicks: 1,
  slowLinkShare: 0,
  slowLinkExtraTicks: 1,
};

/** The same seed always gives the same options; `nodeCount` may be forced by the caller. */
export function optionsForSeed(seed: number, nodeCount?: NodeCount): SimOptions {
  const prng = new Prng(seed ^ 0x5eed_0f7);
  const nodes = nodeCount ?? prng.pick(node_counts);
  const profile = prng.pick(fault_profiles);
  const faulty = profile !== "calm";
  const lossy = profile === "lossy" || profile === "chaos";
  const network: NetworkFaults = faulty
    ? {
        dropRate: lossy ? prng.pick([0.02, 0.05, 0.1, 0.2]) : prng.pick([0, 0.01]),
        duplicateRate: lossy ? prng.pick([0.01, 0.05, 0.1]) : prng.pick([0, 0.01]),
        minDelayTicks: 1,
        maxDelayTicks: prng.pick([1, 2, 3, 5]),
        longDelayRate: lossy ? prng.pick([0, 0.01, 0.03]) : 0,
        longDelayTicks: prng.pick([10, 30, 60]),
        slowLinkShare: prng.pick([0, 0.1, 0.3]),
        slowLinkExtraTicks: prng.pick([2, 3, 5]),
      }
    : { ...calm_network, slowLinkShare: prng.pick([0, 0.2]), slowLinkExtraTicks: 3 };
  const partitions = profile === "partitions" || profile === "chaos";
  const crashes = profile === "crashes" || profile === "chaos" || profile === "disk";
  const elections = profile === "elections";
  const diskFaults = profile === "disk" || profile === "chaos";
  const stall_chance = diskFaults ? prng.pick([0.002, 0.01, 0.03]) : faulty ? prng.pick([0, 0.002]) : 0;
  const disk: DiskFaults = {
    normal: { write_ms: [0, 1], fsync_ms: prng.pick([[1, 2], [1, 4], [2, 8]] as const), stall_chance, stall_ms: [20, 150] },
    slow: { write_ms: [0, 2], fsync_ms: [10, 40], stall_chance, stall_ms: [50, 300] },
    slowDiskShare: diskFaults ? prng.pick([0.2, 0.5]) : faulty ? prng.pick([0, 0.2]) : 0,
    midWriteCrashShare: diskFaults ? prng.pick([0.5, 0.8]) : 0.3,
  };
  return {
    seed,
    nodeCount: nodes,
    profile,
    runTicks: prng.pick([300, 500, 800]),
    healTicksMax: 1500,
    clientCount: prng.range(3, 10),
    keys: ["a", "b", "c", "d", "e"].slice(0, prng.range(1, 4)),
    raft: { electionTicks: 10, heartbeatTicks: 1 },
    client: {
      attemptTimeoutTicks: prng.pick([15, 30, 50]),
      opDeadlineTicks: prng.pick([60, 120, 200]),
      maxThinkTicks: prng.pick([0, 3, 10]),
    },
    network,
    disk,
    partitionStartChance: partitions ? prng.pick([0.01, 0.03]) : 0,
    partitionHealChance: prng.pick([0.02, 0.05, 0.1]),
    crashChance: crashes ? prng.pick([0.005, 0.01, 0.03]) : faulty ? 0.002 : 0,
    restartDelayTicks: [prng.range(0, 5), prng.range(10, 80)],
    crashMajority: profile === "chaos",
    crashAfterAckChance: crashes ? prng.pick([0, 0.01, 0.05]) : 0,
    crashAfterVoteChance: crashes ? prng.pick([0, 0.1, 0.3]) : elections ? prng.pick([0.3, 0.6]) : 0,
    campaignChance: elections ? prng.pick([0.05, 0.1, 0.2]) : faulty ? prng.pick([0, 0.01, 0.05]) : 0,
    transferChance: faulty ? prng.pick([0, 0.005, 0.02]) : 0,
    confChangeChance: profile === "membership" || profile === "chaos" ? prng.pick([0.005, 0.02]) : 0,
    snapshot: prng.chance(0.6)
      ? { everyEntries: prng.pick([5, 20, 60]), keepEntries: prng.pick([0, 3, 20]) }
      : { everyEntries: null, keepEntries: 0 },
  };
}

/** One line naming the run, printed with every failure. */
export function describeOptions(options: SimOptions): string {
  return (
    `seed=${options.seed} nodes=${options.nodeCount} profile=${options.profile} ticks=${options.runTicks} ` +
    `clients=${options.clientCount} keys=${options.keys.length} drop=${options.network.dropRate} ` +
    `dup=${options.network.duplicateRate} crash=${options.crashChance} slowDisks=${options.disk.slowDiskShare} ` +
    `stall=${options.disk.normal.stall_chance} fsync=${options.disk.normal.fsync_ms.join("-")}ms ` +
    `snapshotEvery=${options.snapshot.everyEntries ?? "never"}` +
    (options.disk.normal.fsync_lies_ms !== undefined ? ` fsyncLies=${options.disk.normal.fsync_lies_ms}ms` : "")
  );
}
