// Random faults and operator actions during the faulty phase: partitions, crashes with
// restarts (some timed against a disk write), clocks running fast, leadership transfers and
// membership changes, all drawn from the run's seed.
import type { Message } from "../../raft/index.js";
import type { Cluster } from "./cluster.js";
import type { Network } from "./network.js";
import type { Prng } from "./prng.js";
import type { SimOptions } from "./sim_options.js";
import type { SimNode } from "./sim_node.js";

/** What the injector may do to the world beyond the cluster and the network. */
export interface FaultHost {
  startNode(node: SimNode): void;
  /** Crashes the node's current process after `delay_ms` (if that process still lives then). */
  crashLater(node: SimNode, delay_ms: number): void;
  /** Makes the node's clock run fast: its tick timer fires this many extra times now. */
  skewClock(node: SimNode, ticks: number): void;
}

/** Voters kept at least / at most by membership changes. */
export const voters_min = 3;
export const voters_max = 7;
/** Ticks an armed crash waits for its write; an idle follower writes only when entries come. */
export const armed_crash_wait_ticks_max = 30;

export interface FaultStats {
  crashes: number;
  /** Crashes that struck while a synced write's fsync ran, or just after it returned. */
  midWriteCrashes: number;
  afterWriteCrashes: number;
  partitions: number;
  transfers: number;
  confChanges: number;
  campaigns: number;
}

export class FaultInjector {
  /** Restart tick per crashed node id. */
  private readonly restarts = new Map<number, number>();
  readonly stats: FaultStats = { crashes: 0, midWriteCrashes: 0, afterWriteCrashes: 0, partitions: 0, transfers: 0, confChanges: 0, campaigns: 0 };

  constructor(
    private readonly prng: Prng,
    private readonly options: SimOptions,
    private readonly cluster: Cluster,
    private readonly network: Network,
    private readonly host: FaultHost,
  ) {}

  onTick(nowTick: number): void {
    this.restartDue(nowTick);
    this.maybePartition();
    this.maybeCrash(nowTick);
    this.maybeTransfer();
    this.maybeChangeMembership();
    this.maybeCampaign();
  }

  /** Ends the faulty phase: every link heals and every crashed node comes back. */
  healEverything(): void {
    this.network.healAll();
    for (const node of this.cluster.active()) {
      node.armed = null;
      if (!node.up) this.host.startNode(node);
    }
    this.restarts.clear();
  }

  private restartDue(nowTick: number): void {
    for (const [id, tick] of [...this.restarts]) {
      if (tick > nowTick) continue;
      this.restarts.delete(id);
      const node = this.cluster.get(id);
      if (node !== undefined && !node.retired && !node.up) this.host.startNode(node);
    }
  }

  private maybePartition(): void {
    if (this.network.hasPartitions()) {
      if (this.prng.chance(this.options.partitionHealChance)) this.network.healAll();
      return;
    }
    if (!this.prng.chance(this.options.partitionStartChance)) return;
    const ids = this.cluster.activeIds();
    if (ids.length < 2) return;
    this.stats.partitions += 1;
    const kind = this.prng.int(4);
    if (kind === 0) {
      // Isolate the leader (or anyone): the classic stale-leader set-up.
      const victim = this.cluster.leader()?.id ?? this.prng.pick(ids);
      this.network.partition([victim], ids.filter((id) => id !== victim));
    } else if (kind === 1) {
      const shuffled = shuffle(this.prng, ids);
      const cut = this.prng.range(1, shuffled.length - 1);
      this.network.partition(shuffled.slice(0, cut), shuffled.slice(cut));
    } else if (kind === 2) {
      // One-way: a node that can hear but not speak (or the reverse).
      const victim = this.prng.pick(ids);
      const speaks = this.prng.chance(0.5);
      for (const other of ids) {
        if (other === victim) continue;
        if (speaks) this.network.blockOneWay(other, victim);
        else this.network.blockOneWay(victim, other);
      }
    } else {
      const a = this.prng.pick(ids);
      const b = this.prng.pick(ids.filter((id) => id !== a));
      this.network.blockOneWay(a, b);
    }
  }

  /** A node's process just died: it comes back after the profile's delay, or at once after `quick` crashes. */
  crashed(node: SimNode, nowTick: number, quick: boolean): void {
    const [low, high] = quick ? [0, 2] : this.options.restartDelayTicks;
    this.restarts.set(node.id, nowTick + this.prng.range(low, high));
  }

  private maybeCrash(nowTick: number): void {
    if (!this.prng.chance(this.options.crashChance)) return;
    const up = this.cluster.up();
    if (up.length === 0 || !this.mayCrashAnother()) return;
    const leader = this.cluster.leader();
    const victim = leader !== undefined && this.prng.chance(0.4) ? leader : this.prng.pick(up);
    if (victim.armed !== null) return;
    // Now, or armed against the victim's next synced write: while its fsync runs (the write
    // may be kept, lost or torn) or just after it returned (durable, but nobody was told).
    if (this.prng.chance(this.options.disk.midWriteCrashShare)) {
      victim.armed = this.prng.chance(0.5) ? "mid-write" : "after-write";
      victim.armedUntilTick = nowTick + armed_crash_wait_ticks_max;
    } else {
      this.host.crashLater(victim, 0);
    }
    this.stats.crashes += 1;
  }

  /** A synced write of the node was issued: an armed mid-write crash strikes before its fsync returns. */
  onSyncIssued(node: SimNode, done_in_ms: number): void {
    if (node.armed !== "mid-write") return;
    node.armed = null;
    this.stats.midWriteCrashes += 1;
    this.host.crashLater(node, this.prng.int(Math.max(1, done_in_ms)));
  }

  /** A synced write of the node is durable: true if an armed crash strikes before the driver hears of it. */
  crashOnSynced(node: SimNode): boolean {
    if (node.armed !== "after-write") return false;
    node.armed = null;
    this.stats.afterWriteCrashes += 1;
    return true;
  }

  /** An armed crash whose write never came (the node stayed idle) strikes anyway. */
  strikeArmed(nowTick: number): void {
    for (const node of this.cluster.up()) {
      if (node.armed === null || nowTick < node.armedUntilTick) continue;
      node.armed = null;
      this.host.crashLater(node, 0);
    }
  }

  /**
   * Decides whether to crash a node that just sent a vote or an append acknowledgement, when
   * losing its disk would hurt most; the simulator then restarts it within a tick or two.
   */
  crashAfterAck(messages: readonly Message[]): boolean {
    let grantsVote = false;
    let acksAppend = false;
    for (const m of messages) {
      if (m.reject) continue;
      if (m.type === "MsgVoteResp") grantsVote = true;
      else if (m.type === "MsgAppResp") acksAppend = true;
    }
    const chance =
      (grantsVote ? this.options.crashAfterVoteChance : 0) + (acksAppend ? this.options.crashAfterAckChance : 0);
    if (chance === 0 || !this.prng.chance(chance)) return false;
    if (!this.mayCrashAnother()) return false;
    this.stats.crashes += 1;
    return true;
  }

  private mayCrashAnother(): boolean {
    const active = this.cluster.active();
    const down = active.length - this.cluster.up().length;
    return this.options.crashMajority || down + 1 <= Math.floor((active.length - 1) / 2);
  }

  /** Election storms: nodes whose timers fire early, often two at once, so votes split. */
  private maybeCampaign(): void {
    if (!this.prng.chance(this.options.campaignChance)) return;
    const up = this.cluster.up();
    if (up.length === 0) return;
    const count = this.prng.chance(0.5) ? 2 : 1;
    const ticks = this.options.raft.electionTicks * 2;
    for (let k = 0; k < count; k += 1) this.host.skewClock(this.prng.pick(up), ticks);
    this.stats.campaigns += 1;
  }

  private maybeTransfer(): void {
    if (!this.prng.chance(this.options.transferChance)) return;
    const leader = this.cluster.leader();
    if (leader === undefined) return;
    const voters = leader.live.raft.status().confState.voters.filter((id) => id !== leader.id);
    if (voters.length === 0) return;
    leader.live.raft.transferLeader(this.prng.pick(voters));
    this.stats.transfers += 1;
  }

  private maybeChangeMembership(): void {
    if (!this.prng.chance(this.options.confChangeChance)) return;
    const leader = this.cluster.leader();
    if (leader === undefined) return;
    const { voters, learners } = leader.live.raft.status().confState;
    const raft = leader.live.raft;
    // Refusals (a change already pending, no entry of this term committed yet) come back as
    // rejected promises; a fresh node whose addition was refused is retired once the run settles.
    const learner = learners[0];
    if (learner !== undefined) {
      raft.proposeConfChange({ type: "AddNode", nodeId: learner }).catch(() => {});
    } else if (voters.length > voters_min && (voters.length >= voters_max || this.prng.chance(0.5))) {
      raft.proposeConfChange({ type: "RemoveNode", nodeId: this.prng.pick(voters) }).catch(() => {});
    } else {
      const type = this.prng.chance(0.5) ? "AddLearnerNode" : "AddNode";
      raft.proposeConfChange({ type, nodeId: this.cluster.nextFreshId() }).catch(() => {});
      this.host.startNode(this.cluster.addFresh());
    }
    this.stats.confChanges += 1;
  }
}

function shuffle<T>(prng: Prng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = prng.int(i + 1);
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}
