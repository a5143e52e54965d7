// One seeded run: servers running the production node driver and state machine on simulated
// disks, clients, and a faulty network, all on virtual time; then a healed phase and the final
// checks. Everything random derives from options.seed.
import type { ConfChange, MemoryStorage, Message, StorageWrite } from "../../raft/index.js";
import type { Logger } from "../../internal/log/logger.js";
import { checkHistory, type CheckResult, type Operation } from "../lincheck/index.js";
import { SimClient, type ClientEnv } from "./client.js";
import { Cluster } from "./cluster.js";
import { FaultInjector } from "./fault_injector.js";
import { SimFailure } from "./failure.js";
import { finalChecks } from "./final_checks.js";
import { HistoryRecorder } from "./history_recorder.js";
import { handleRequest } from "./kv_service.js";
import { Network } from "./network.js";
import { Prng } from "./prng.js";
import type { SimPayload } from "./protocol.js";
import { SafetyChecker } from "./safety.js";
import { Scheduler, type Owner } from "./scheduler.js";
import { SimDisk, fast_disk } from "./sim_disk.js";
import type { NodeWiring, SimNode } from "./sim_node.js";
import type { SimOptions } from "./sim_options.js";

/** Client ids start here so they never collide with server ids. */
export const client_id_base = 1000;
/** Virtual length of one Raft tick: the driver's tick_ms. Network delays and disk latencies are in ms. */
export const tick_ms = 10;
/** How often the leader-completeness check runs during the faulty phase. */
const completeness_check_every_ticks = 50;

export interface AckedWrite {
  readonly clientId: number;
  readonly seq: number;
  readonly index: number;
  /** The command text the client's write shows at that index (traced_fsm.ts's describeCommand). */
  readonly expect: string;
}

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export class Simulation {
  readonly scheduler = new Scheduler();
  readonly cluster: Cluster;
  readonly network: Network;
  readonly safety: SafetyChecker;
  readonly recorder = new HistoryRecorder();
  readonly clients: SimClient[] = [];
  readonly acked: AckedWrite[] = [];
  readonly faults: FaultInjector;
  tick = 0;
  /** False once the run heals: no more faults of any kind. */
  private faultsActive = true;
  healTicks = 0;
  private eventTime = 0;
  private readonly randSeeds: Prng;
  private readonly diskPrng: Prng;
  private readonly toRetire = new Set<number>();
  /** A simulator-side error raised inside a promise callback, surfaced after the instant. */
  private bug: Error | undefined;
  private readonly wiring: NodeWiring;
  private readonly clientEnv: ClientEnv;

  constructor(readonly options: SimOptions) {
    const root = new Prng(options.seed);
    this.network = new Network(root.fork(), options.network);
    this.randSeeds = root.fork();
    const faultPrng = root.fork();
    const clientPrng = root.fork();
    this.diskPrng = root.fork();
    this.safety = new SafetyChecker((id, index) => termOf(this.cluster.get(id), index));
    this.cluster = new Cluster(options.nodeCount, (id, initial) => this.makeDisk(id, initial));
    this.wiring = {
      tick_ms,
      timings: options.raft,
      snapshot: options.snapshot,
      request_timeout_ms: options.client.opDeadlineTicks * tick_ms,
      clock: (owner) => this.scheduler.clockFor(owner),
      transport: (id, owner) => ({ send: (messages) => this.sendRaft(id, owner, messages) }),
      logger: (id) => ({ ...quiet, error: (message, fields) => (this.bug ??= new SimFailure("node error log", `node ${id}: ${message} ${JSON.stringify(fields ?? {})}`)) }),
      observer: this.safety,
      onMembershipChange: (id, change) => this.onMembershipChange(id, change),
    };
    this.clientEnv = {
      nowTick: () => this.tick,
      nowTime: () => this.nextEventTime(),
      send: (from, to, payload) => this.send(from, to, payload, null),
      servers: () => this.cluster.activeIds(),
      onAcknowledged: (clientId, seq, index, expect) => this.acked.push({ clientId, seq, index, expect }),
    };
    this.faults = new FaultInjector(faultPrng, options, this.cluster, this.network, {
      startNode: (node) => this.startNode(node),
      // A crash still pending when the run heals does not strike.
      crashLater: (node, delay_ms) => {
        const owner = node.live.owner;
        this.scheduler.after(delay_ms, () => this.faultsActive && this.crash(node, false), owner);
      },
      skewClock: (node, ticks) => this.scheduler.skew(node.live.owner, ticks),
    });
    for (const node of this.cluster.active()) this.startNode(node);
    for (let i = 0; i < options.clientCount; i += 1) {
      this.clients.push(new SimClient(client_id_base + i, clientPrng.fork(), options.keys, options.client, this.recorder));
    }
  }

  /** Runs the whole scenario; rejects with SimFailure (or a Raft error) on the first violation. */
  async run(): Promise<CheckResult> {
    for (; this.tick < this.options.runTicks; this.tick += 1) {
      this.faults.onTick(this.tick);
      await this.step(true);
      if (this.tick % completeness_check_every_ticks === 0) this.safety.checkLeaderCompleteness();
    }
    await this.heal();
    finalChecks(this);
    return checkHistory(this.checkedHistory());
  }

  /**
   * The history the checker reads. A put or cas whose client never heard back is indeterminate,
   * and each one widens the search a lot; once the cluster has settled, a write whose (unique)
   * value no server applied provably never happened, so it leaves the history. Only writes that
   * did apply stay indeterminate.
   */
  checkedHistory(): Operation[] {
    const applied = this.safety.appliedPuts();
    return this.recorder.history().filter((op) => {
      if (op.output !== null || (op.input.kind !== "put" && op.input.kind !== "cas")) return true;
      return applied.has(`put ${op.input.key}=${op.input.value}`);
    });
  }

  /** Heals everything and runs until the cluster has settled, or fails after healTicksMax. */
  private async heal(): Promise<void> {
    this.faultsActive = false;
    this.faults.healEverything();
    // A healed network: no loss, and round trips well inside the election timeout.
    this.network.faults = {
      dropRate: 0,
      duplicateRate: 0,
      minDelayTicks: 1,
      maxDelayTicks: 2,
      longDelayRate: 0,
      longDelayTicks: 1,
      slowLinkShare: 0,
      slowLinkExtraTicks: 1,
    };
    this.network.clearSlowLinks();
    for (const node of this.cluster.active()) node.disk.timings = fast_disk;
    for (let heal = 0; heal < this.options.healTicksMax; heal += 1, this.tick += 1) {
      await this.step(false);
      this.healTicks = heal;
      if (this.settled()) return;
    }
    const states = this.cluster
      .active()
      .map((n) => (n.up ? `${n.id}:${n.live.raft.status().softState.raftState}@${n.live.fsm.applied_index}` : `${n.id}:down`))
      .join(" ");
    throw new SimFailure(
      "liveness after healing",
      `the cluster did not settle within healTicksMax=${this.options.healTicksMax} ticks of a healed network (${states})`,
    );
  }

  /** A leader whose every entry is committed, applied by every member, and no client waiting. */
  private settled(): boolean {
    if (this.clients.some((client) => client.busy)) return false;
    const leader = this.cluster.leader();
    if (leader === undefined) return false;
    const status = leader.live.raft.status();
    if (status.softState.raftState !== "Leader" || status.hardState.commit !== status.lastIndex) return false;
    const members = [...status.confState.voters, ...status.confState.learners];
    for (const id of members) {
      const node = this.cluster.get(id);
      if (node === undefined || !node.up || node.live.fsm.applied_index !== status.lastIndex) return false;
    }
    // Nodes removed while they were away never apply their own removal: stop them now.
    for (const node of this.cluster.active()) {
      if (!members.includes(node.id)) this.retire(node);
    }
    return true;
  }

  /** One tick: faults and clients act at its start, then every event inside it runs. */
  private async step(issuing: boolean): Promise<void> {
    this.scheduler.now_ms = this.tick * tick_ms;
    for (const client of this.clients) client.onTick(this.clientEnv, issuing);
    await this.scheduler.runUntil((this.tick + 1) * tick_ms - 1, () => this.raiseProblems());
    if (this.faultsActive) this.faults.strikeArmed(this.tick);
    for (const id of this.toRetire) {
      const node = this.cluster.get(id);
      if (node !== undefined) this.retire(node);
    }
    this.toRetire.clear();
  }

  /** A broken check inside a node (which stops it) or in a promise callback fails the run here. */
  private raiseProblems(): void {
    if (this.safety.violation !== undefined) throw this.safety.violation;
    if (this.bug !== undefined) throw this.bug;
    for (const node of this.cluster.up()) {
      const failed = node.live.raft.failed;
      if (failed !== undefined) throw new SimFailure("node stopped", `node ${node.id}'s RaftNode stopped: ${failed.message}`);
    }
  }

  private sendRaft(from: number, owner: Owner, messages: readonly Message[]): void {
    if (!owner.alive) return;
    for (const message of messages) this.send(from, message.to, { kind: "raft", message }, owner);
    const node = this.cluster.get(from);
    if (node !== undefined && this.faultsActive && this.faults.crashAfterAck(messages)) {
      // Right after the acknowledgement left, before the node does anything else.
      this.scheduler.after(0, () => this.faultsActive && this.crash(node, true), owner);
    }
  }

  /**
   * Raft's messages between servers are dropped, duplicated and reordered: Raft must tolerate
   * all of it (orch's transport drops on full queues and broken connections). Forwarded
   * proposals are not duplicated: orch's API has no session to deduplicate them, and TCP does
   * not replay. Client requests and replies ride HTTP over TCP: delayed, never dropped at
   * random; they are lost only with a crashed server, and a client then gives up on the op.
   */
  private send(from: number, to: number, payload: SimPayload, owner: Owner | null): void {
    const raft = payload.kind === "raft";
    const kind = { duplicable: raft && payload.message.type !== "MsgProp", lossy: raft };
    const delays = this.network.route(from, to, kind, tick_ms);
    if (delays.length === 0 && payload.kind === "raft" && owner !== null) this.reportLost(from, owner, payload.message);
    for (const delay of delays) this.scheduler.after(delay, () => this.deliver(from, to, payload, owner));
  }

  private deliver(from: number, to: number, payload: SimPayload, owner: Owner | null): void {
    if (!this.network.arrive(from, to)) {
      if (payload.kind === "raft" && owner !== null) this.reportLost(from, owner, payload.message);
      return;
    }
    if (payload.kind === "reply") {
      this.clients[to - client_id_base]?.onReply(this.clientEnv, payload);
      return;
    }
    const node = this.cluster.get(to);
    if (node === undefined || !node.up) {
      if (payload.kind === "raft" && owner !== null) this.reportLost(from, owner, payload.message);
      return;
    }
    if (payload.kind === "request") {
      const live = node.live;
      handleRequest(
        live,
        payload,
        (result) => this.send(to, payload.clientId, { kind: "reply", clientId: payload.clientId, seq: payload.seq, result }, live.owner),
        (error) => (this.bug ??= error),
      );
      return;
    }
    const message = payload.message;
    node.live.raft.step(message);
    // The transport tells the sender a snapshot went through once it has.
    if (message.type === "MsgSnap" && owner !== null) this.scheduler.after(0, () => this.cluster.get(from)?.live.raft.reportSnapshot(to, true), owner);
  }

  /** What the server's transport reports when a message could not be delivered. */
  private reportLost(from: number, owner: Owner, message: Message): void {
    this.scheduler.after(
      0,
      () => {
        const raft = this.cluster.get(from)?.live.raft;
        if (raft === undefined) return;
        if (message.type === "MsgSnap") raft.reportSnapshot(message.to, false);
        // A follower's answer that could not reach the leader: the transport reports the broken
        // connection, which hastens the election (hastenElectionOnLeaderLoss).
        else if (message.type === "MsgApp" || message.type === "MsgAppResp" || message.type === "MsgHeartbeatResp") raft.reportUnreachable(message.to);
      },
      owner,
    );
  }

  private makeDisk(id: number, initial: MemoryStorage): SimDisk {
    const prng = this.diskPrng.fork();
    const disk = this.options.disk;
    const timings = prng.chance(disk.slowDiskShare) ? disk.slow : disk.normal;
    const node = (): SimNode | undefined => this.cluster.get(id);
    return new SimDisk(
      {
        now: () => this.scheduler.now_ms,
        after: (delay_ms, fn) => void this.scheduler.after(delay_ms, fn),
        onSyncIssued: (done_in_ms) => {
          const n = node();
          if (n !== undefined && this.faultsActive) this.faults.onSyncIssued(n, done_in_ms);
        },
        crashOnSynced: () => {
          const n = node();
          if (n === undefined || !this.faultsActive || !this.faults.crashOnSynced(n)) return false;
          this.crash(n, false);
          return true;
        },
        onSaved: (write) => this.onSaved(id, write),
      },
      prng,
      timings,
      initial,
    );
  }

  /** A save reached the disk's readable view: log matching, and the log of a new leader. */
  private onSaved(id: number, write: StorageWrite): void {
    const node = this.cluster.get(id);
    if (node === undefined || !node.up) return;
    const live = node.live;
    this.safety.onPersist(id, write.entries, write.hardState, node.disk);
    // The driver took this Ready's leader before writing it; the term on disk is the one it leads.
    if (live.raft.leader() !== id) return;
    const term = node.disk.initialState().hardState.term;
    if (term === live.leaderTerm) return;
    live.leaderTerm = term;
    this.safety.onLeader(id, term, node.disk);
  }

  private crash(node: SimNode, quick: boolean): void {
    if (!node.up) return;
    node.crash();
    if (this.faultsActive) this.faults.crashed(node, this.tick, quick);
  }

  private startNode(node: SimNode): void {
    node.start(this.randSeeds.u32(), this.wiring);
  }

  private retire(node: SimNode): void {
    if (node.up) node.crash();
    node.retired = true;
  }

  private onMembershipChange(nodeId: number, change: ConfChange | undefined): void {
    if (change?.type === "RemoveNode" && change.nodeId === nodeId) this.toRetire.add(nodeId);
  }

  private nextEventTime(): number {
    this.eventTime += 1;
    return this.eventTime;
  }
}

function termOf(node: SimNode | undefined, index: number): number | undefined {
  if (node === undefined || index < node.disk.firstIndex() - 1 || index > node.disk.lastIndex()) return undefined;
  return node.disk.term(index);
}
