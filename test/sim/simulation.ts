// One seeded run: a cluster, its clients and a faulty network on virtual time, then a
// healed phase, then the final checks. Everything random derives from options.seed.
import type { ConfChange, ConfState, Message } from "../../raft/index.js";
import { checkHistory, type CheckResult } from "../lincheck/index.js";
import { SimClient, type ClientEnv } from "./client.js";
import { Cluster } from "./cluster.js";
import { FaultInjector } from "./fault_injector.js";
import { SimFailure } from "./failure.js";
import { finalChecks } from "./final_checks.js";
import { HistoryRecorder } from "./history_recorder.js";
import { handleRequest } from "./kv_service.js";
import { Network, type Envelope } from "./network.js";
import type { NodeEnv } from "./node_env.js";
import { Prng } from "./prng.js";
import type { SimPayload } from "./protocol.js";
import { runReadyLoop } from "./ready_loop.js";
import { SafetyChecker } from "./safety.js";
import type { SimNode } from "./sim_node.js";
import type { SimOptions } from "./sim_options.js";

/** Client ids start here so they never collide with server ids. */
export const client_id_base = 1000;
/** How often the leader-completeness check runs during the faulty phase. */
const completeness_check_every_ticks = 50;

export interface AckedWrite {
  readonly clientId: number;
  readonly seq: number;
  readonly index: number;
}

export class Simulation {
  readonly cluster: Cluster;
  readonly network: Network<SimPayload>;
  readonly safety = new SafetyChecker();
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
  /** Transport feedback (lost snapshots, unreachable peers) fed to Raft between Readies. */
  private feedback: Array<{ readonly from: number; readonly message: Message; readonly delivered: boolean }> = [];
  private readonly toRetire = new Set<number>();
  private readonly nodeEnv: NodeEnv;
  private readonly clientEnv: ClientEnv;

  constructor(readonly options: SimOptions) {
    const root = new Prng(options.seed);
    this.network = new Network<SimPayload>(root.fork(), options.network);
    this.randSeeds = root.fork();
    this.cluster = new Cluster(options.nodeCount);
    const faultPrng = root.fork();
    const clientPrng = root.fork();
    this.nodeEnv = {
      nowTick: () => this.tick,
      send: (from, to, payload) => this.send(from, to, payload),
      safety: this.safety,
      snapshotPolicy: options.snapshot,
      onConfChangeApplied: (nodeId, change, confState) => this.onConfChangeApplied(nodeId, change, confState),
      crashAfterSend: (nodeId, messages) => this.faultsActive && this.faults.crashAfterAck(nodeId, messages, this.tick),
    };
    this.clientEnv = {
      nowTick: () => this.tick,
      nowTime: () => this.nextEventTime(),
      send: (from, to, payload) => this.send(from, to, payload),
      servers: () => this.cluster.activeIds(),
      onAcknowledged: (clientId, seq, index) => this.acked.push({ clientId, seq, index }),
    };
    this.faults = new FaultInjector(faultPrng, options, this.cluster, this.network, (node) => this.startNode(node));
    for (const node of this.cluster.active()) this.startNode(node);
    for (let i = 0; i < options.clientCount; i += 1) {
      this.clients.push(new SimClient(client_id_base + i, clientPrng.fork(), options.keys, options.client, this.recorder));
    }
  }

  /** Runs the whole scenario; throws SimFailure (or a Raft error) on the first violation. */
  run(): CheckResult {
    for (; this.tick < this.options.runTicks; this.tick += 1) {
      this.faults.onTick(this.tick);
      this.step(true);
      if (this.tick % completeness_check_every_ticks === 0) this.safety.checkLeaderCompleteness();
    }
    this.heal();
    finalChecks(this);
    return checkHistory(this.recorder.history());
  }

  /** Heals everything and runs until the cluster has settled, or fails after healTicksMax. */
  private heal(): void {
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
    for (let heal = 0; heal < this.options.healTicksMax; heal += 1, this.tick += 1) {
      this.step(false);
      this.healTicks = heal;
      if (this.settled()) return;
    }
    const states = this.cluster
      .active()
      .map((n) => (n.up ? `${n.id}:${n.live.raftState}@${n.live.applied}` : `${n.id}:down`))
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
    if (status.hardState.commit !== status.lastIndex || status.hardState.term !== leader.live.leaderTerm) return false;
    const members = [...status.confState.voters, ...status.confState.learners];
    for (const id of members) {
      const node = this.cluster.get(id);
      if (node === undefined || !node.up || node.live.applied !== status.lastIndex) return false;
    }
    // Nodes removed while they were away never apply their own removal: stop them now.
    for (const node of this.cluster.active()) {
      if (!members.includes(node.id)) this.retire(node);
    }
    return true;
  }

  private step(issuing: boolean): void {
    this.applyFeedback();
    this.deliver();
    for (const node of this.cluster.up()) node.live.raft.tick();
    for (const client of this.clients) client.onTick(this.clientEnv, issuing);
    for (const node of this.cluster.up()) {
      runReadyLoop(node, this.nodeEnv);
      // An armed crash strikes even when the node had nothing to do this tick.
      if (node.up && node.crashPoint !== null) node.crash();
    }
    for (const id of this.toRetire) {
      const node = this.cluster.get(id);
      if (node !== undefined) this.retire(node);
    }
    this.toRetire.clear();
  }

  private deliver(): void {
    const { delivered, lost } = this.network.takeDue(this.tick);
    for (const envelope of lost) this.noteTransport(envelope, false);
    for (const envelope of delivered) {
      const payload = envelope.payload;
      if (payload.kind === "reply") {
        this.clients[envelope.to - client_id_base]?.onReply(this.clientEnv, payload);
        continue;
      }
      const node = this.cluster.get(envelope.to);
      if (node === undefined || !node.up) {
        this.noteTransport(envelope, false);
        continue;
      }
      this.noteTransport(envelope, true);
      if (payload.kind === "request") handleRequest(node, payload, this.nodeEnv);
      else node.live.raft.step(payload.message);
    }
  }

  private send(from: number, to: number, payload: SimPayload): boolean {
    const queued = this.network.send(from, to, payload, this.tick);
    if (!queued && payload.kind === "raft") this.feedback.push({ from, message: payload.message, delivered: false });
    return queued;
  }

  /** What a real transport tells Raft: snapshot sends that finished or failed, dead peers. */
  private noteTransport(envelope: Envelope<SimPayload>, delivered: boolean): void {
    if (envelope.payload.kind !== "raft") return;
    const message = envelope.payload.message;
    if (message.type === "MsgSnap" || !delivered) this.feedback.push({ from: envelope.from, message, delivered });
  }

  private applyFeedback(): void {
    const feedback = this.feedback;
    this.feedback = [];
    for (const { from, message, delivered } of feedback) {
      const sender = this.cluster.get(from);
      if (sender === undefined || !sender.up) continue;
      if (message.type === "MsgSnap") sender.live.raft.reportSnapshot(message.to, delivered ? "finish" : "failure");
      else if (!delivered && message.type === "MsgApp") sender.live.raft.reportUnreachable(message.to);
      // A follower's answer that could not reach the leader: the server's transport reports the
      // broken connection the same way, and hastens the election (hastenElectionOnLeaderLoss).
      else if (!delivered && (message.type === "MsgAppResp" || message.type === "MsgHeartbeatResp")) sender.live.raft.reportUnreachable(message.to);
    }
  }

  private startNode(node: SimNode): void {
    node.start(this.randSeeds.u32(), this.options.raft);
  }

  private retire(node: SimNode): void {
    if (node.up) node.crash();
    node.retired = true;
  }

  private onConfChangeApplied(nodeId: number, change: ConfChange, confState: ConfState): void {
    void confState;
    if (change.type === "RemoveNode" && change.nodeId === nodeId) this.toRetire.add(nodeId);
  }

  private nextEventTime(): number {
    this.eventTime += 1;
    return this.eventTime;
  }
}

