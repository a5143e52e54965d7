// Random faults and operator actions during the faulty phase: partitions, crashes with
// restarts, leadership transfers and membership changes, all drawn from the run's seed.
import { ErrProposalDropped, type Message } from "../../raft/index.js";
import type { Cluster } from "./cluster.js";
import type { Network } from "./network.js";
import type { Prng } from "./prng.js";
import type { SimPayload } from "./protocol.js";
import type { SimOptions } from "./sim_options.js";
import { crash_points, type SimNode } from "./sim_node.js";

/** Voters kept at least / at most by membership changes. */
export const voters_min = 3;
export const voters_max = 7;

export interface FaultStats {
  crashes: number;
  partitions: number;
  transfers: number;
  confChanges: number;
  campaigns: number;
}

export class FaultInjector {
  /** Restart tick per crashed node id. */
  private readonly restarts = new Map<number, number>();
  readonly stats: FaultStats = { crashes: 0, partitions: 0, transfers: 0, confChanges: 0, campaigns: 0 };

  constructor(
    private readonly prng: Prng,
    private readonly options: SimOptions,
    private readonly cluster: Cluster,
    private readonly network: Network<SimPayload>,
    private readonly startNode: (node: SimNode) => void,
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
      node.crashPoint = null;
      if (!node.up) this.startNode(node);
    }
    this.restarts.clear();
  }

  private restartDue(nowTick: number): void {
    for (const [id, tick] of [...this.restarts]) {
      if (tick > nowTick) continue;
      this.restarts.delete(id);
      const node = this.cluster.get(id);
      if (node !== undefined && !node.retired && !node.up) this.startNode(node);
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

  private maybeCrash(nowTick: number): void {
    if (!this.prng.chance(this.options.crashChance)) return;
    const up = this.cluster.up();
    if (up.length === 0 || !this.mayCrashAnother()) return;
    const leader = this.cluster.leader();
    const victim = leader !== undefined && this.prng.chance(0.4) ? leader : this.prng.pick(up);
    // Armed, not immediate: it strikes at a chosen step of the node's next Ready.
    victim.crashPoint = this.prng.pick(crash_points);
    const [low, high] = this.options.restartDelayTicks;
    this.restarts.set(victim.id, nowTick + this.prng.range(low, high));
    this.stats.crashes += 1;
  }

  /** Decides whether to crash a node that just acknowledged a vote or an append. */
  crashAfterAck(nodeId: number, messages: readonly Message[], nowTick: number): boolean {
    const grantsVote = messages.some((m) => !m.reject && m.type === "MsgVoteResp");
    const acksAppend = messages.some((m) => !m.reject && m.type === "MsgAppResp");
    const chance =
      (grantsVote ? this.options.crashAfterVoteChance : 0) + (acksAppend ? this.options.crashAfterAckChance : 0);
    if (chance === 0 || !this.prng.chance(chance)) return false;
    if (!this.mayCrashAnother()) return false;
    // Back by the next tick: the messages this node was about to receive still find it.
    this.restarts.set(nodeId, nowTick + this.prng.range(0, 2));
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
    for (let k = 0; k < count; k += 1) this.prng.pick(up).live.raft.campaign();
    this.stats.campaigns += 1;
  }

  private maybeTransfer(): void {
    if (!this.prng.chance(this.options.transferChance)) return;
    const leader = this.cluster.leader();
    if (leader === undefined) return;
    const voters = leader.live.confState.voters.filter((id) => id !== leader.id);
    if (voters.length === 0) return;
    leader.live.raft.transferLeader(this.prng.pick(voters));
    this.stats.transfers += 1;
  }

  private maybeChangeMembership(): void {
    if (!this.prng.chance(this.options.confChangeChance)) return;
    const leader = this.cluster.leader();
    if (leader === undefined) return;
    const voters = leader.live.confState.voters;
    const learners = leader.live.confState.learners;
    try {
      const learner = learners[0];
      if (learner !== undefined) {
        leader.live.raft.proposeConfChange({ type: "AddNode", nodeId: learner });
      } else if (voters.length > voters_min && (voters.length >= voters_max || this.prng.chance(0.5))) {
        leader.live.raft.proposeConfChange({ type: "RemoveNode", nodeId: this.prng.pick(voters) });
      } else {
        const type = this.prng.chance(0.5) ? "AddLearnerNode" : "AddNode";
        leader.live.raft.proposeConfChange({ type, nodeId: this.cluster.nextFreshId() });
        this.startNode(this.cluster.addFresh());
      }
      this.stats.confChanges += 1;
    } catch (error) {
      if (!(error instanceof ErrProposalDropped)) throw error;
    }
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
