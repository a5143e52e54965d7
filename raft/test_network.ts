// A deterministic in-process network of RawNodes for tests: deliver, drop, cut, isolate, crash.
import { decodeConfChange } from "./confchange_codec.js";
import { SeededRand } from "./rand.js";
import { RawNode } from "./rawnode.js";
import { MemoryStorage } from "./storage.js";
import type { Config, ConfState, Message, MessageType, NodeId, ReadState } from "./types.js";

export interface NetworkOptions {
  readonly seed?: number;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly maxSizePerMsgBytes?: number;
  readonly maxInflightMsgs?: number;
  readonly maxUncommittedEntriesBytes?: number;
  readonly learners?: readonly NodeId[];
  readonly coalesceMessages?: boolean;
  readonly hastenElectionOnLeaderLoss?: boolean;
}

/** One member: its durable storage survives crashes, everything else is rebuilt. */
export interface TestNode {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  node: RawNode | undefined;
  /** Applied entries by index (data as text), kept across restarts to check re-application. */
  readonly applied: Map<number, string>;
  appliedIndex: number;
  confState: ConfState;
  readStates: ReadState[];
  /** Bumped on every restart, so the seeded rand differs per incarnation but stays replayable. */
  incarnation: number;
}

const decoder = new TextDecoder();
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export class Network {
  readonly nodes = new Map<NodeId, TestNode>();
  /** Messages in flight, in send order. */
  queue: Message[] = [];
  /** Every message handed to the network (delivered or not), for budgets. */
  sent: Message[] = [];
  private readonly cut = new Set<string>();
  private readonly isolated = new Set<NodeId>();
  /** Drop a message when this returns true. */
  dropIf: ((m: Message) => boolean) | undefined = undefined;
  readonly opts: NetworkOptions;

  constructor(voters: readonly NodeId[], opts: NetworkOptions = {}) {
    this.opts = opts;
    const learners = opts.learners ?? [];
    for (const id of [...voters, ...learners]) {
      this.addNode(id, MemoryStorage.bootstrap(voters, learners));
    }
  }

  /** Add a node with the given storage (e.g. an empty one for a node joining later). */
  addNode(id: NodeId, storage: MemoryStorage): TestNode {
    const { confState } = storage.initialState();
    const tn: TestNode = {
      id,
      storage,
      node: undefined,
      applied: new Map(),
      appliedIndex: storage.snapshot().metadata.index,
      confState,
      readStates: [],
      incarnation: 0,
    };
    this.nodes.set(id, tn);
    tn.node = new RawNode(this.config(tn));
    return tn;
  }

  private config(tn: TestNode): Config {
    const o = this.opts;
    return {
      id: tn.id,
      electionTicks: o.electionTicks ?? 10,
      heartbeatTicks: o.heartbeatTicks ?? 1,
      storage: tn.storage,
      rand: new SeededRand((o.seed ?? 1) * 1000 + tn.id * 31 + tn.incarnation * 7919),
      applied: tn.appliedIndex,
      preVote: o.preVote ?? true,
      checkQuorum: o.checkQuorum ?? true,
      ...(o.maxSizePerMsgBytes !== undefined ? { maxSizePerMsgBytes: o.maxSizePerMsgBytes } : {}),
      ...(o.maxInflightMsgs !== undefined ? { maxInflightMsgs: o.maxInflightMsgs } : {}),
      ...(o.maxUncommittedEntriesBytes !== undefined ? { maxUncommittedEntriesBytes: o.maxUncommittedEntriesBytes } : {}),
      ...(o.coalesceMessages !== undefined ? { coalesceMessages: o.coalesceMessages } : {}),
      ...(o.hastenElectionOnLeaderLoss !== undefined ? { hastenElectionOnLeaderLoss: o.hastenElectionOnLeaderLoss } : {}),
    };
  }

  get(id: NodeId): TestNode {
    const tn = this.nodes.get(id);
    if (tn === undefined) throw new Error(`no node ${id}`);
    return tn;
  }

  /** The live RawNode of `id`. */
  n(id: NodeId): RawNode {
    const node = this.get(id).node;
    if (node === undefined) throw new Error(`node ${id} is crashed`);
    return node;
  }

  /** Lose everything not in storage; in-flight messages to it are lost too. */
  crash(id: NodeId): void {
    this.get(id).node = undefined;
    this.dropQueued((m) => m.to === id);
  }

  /** Whether the network reports snapshot transfers to the leader (the transport's duty). */
  reportSnapshots = true;

  /** The transport's duty: tell the leader how a snapshot transfer ended. */
  private reportSnap(m: Message, delivered: boolean): void {
    if (m.type !== "MsgSnap" || !this.reportSnapshots) return;
    this.nodes.get(m.from)?.node?.reportSnapshot(m.to, delivered ? "finish" : "failure");
  }

  /** Deliver one message (true) or drop it (false) as the network decides. */
  private deliverOne(m: Message): boolean {
    if (this.blocked(m)) {
      this.reportSnap(m, false);
      return false;
    }
    const target = this.nodes.get(m.to)?.node;
    if (target === undefined) return false;
    target.step(m);
    this.reportSnap(m, true);
    return true;
  }

  /** Rebuild the node from its storage alone; the state machine restarts from the snapshot. */
  restart(id: NodeId): void {
    const tn = this.get(id);
    tn.incarnation++;
    tn.appliedIndex = tn.storage.snapshot().metadata.index;
    tn.confState = tn.storage.initialState().confState;
    tn.node = new RawNode(this.config(tn));
  }

  cutLink(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}-${b}`);
    this.cut.add(`${b}-${a}`);
  }

  isolate(id: NodeId): void {
    this.isolated.add(id);
  }

  heal(): void {
    this.cut.clear();
    this.isolated.clear();
    this.dropIf = undefined;
  }

  private blocked(m: Message): boolean {
    if (this.isolated.has(m.from) || this.isolated.has(m.to)) return true;
    if (this.cut.has(`${m.from}-${m.to}`)) return true;
    if (this.nodes.get(m.to)?.node === undefined) return true; // crashed or never started
    return this.dropIf?.(m) ?? false;
  }

  /** Handle every pending Ready: persist, queue messages, apply, advance. */
  processReadies(): void {
    for (const tn of this.nodes.values()) {
      const node = tn.node;
      while (node !== undefined && node.hasReady()) {
        const rd = node.ready();
        if (rd.snapshot !== undefined) tn.storage.applySnapshot(rd.snapshot);
        tn.storage.append(rd.entries);
        if (rd.hardState !== undefined) tn.storage.setHardState(rd.hardState);
        for (const m of rd.messages) {
          checkDurableBeforeSend(tn, m);
          this.sent.push(m);
          this.queue.push(m);
        }
        if (rd.snapshot !== undefined) {
          tn.appliedIndex = rd.snapshot.metadata.index;
          tn.confState = rd.snapshot.metadata.confState;
        }
        for (const e of rd.committedEntries) {
          if (e.index !== tn.appliedIndex + 1) {
            throw new Error(`node ${tn.id}: applied ${e.index} after ${tn.appliedIndex}`);
          }
          tn.appliedIndex = e.index;
          const cc = e.type === "ConfChange" ? decodeConfChange(e.data) : undefined;
          const text = cc !== undefined ? `cc:${cc.type}:${cc.nodeId}` : decoder.decode(e.data);
          const before = tn.applied.get(e.index);
          const record = `${e.term}:${text}`;
          if (before !== undefined && before !== record) {
            throw new Error(`node ${tn.id}: index ${e.index} applied as ${before}, then as ${record}`);
          }
          tn.applied.set(e.index, record);
          if (cc !== undefined) tn.confState = node.applyConfChange(cc);
        }
        tn.readStates.push(...rd.readStates);
        node.advance(rd);
      }
    }
  }

  /** Deliver queued messages (and the messages they cause) until none are left. */
  deliverAll(maxMessages = 1_000_000): number {
    let delivered = 0;
    this.processReadies();
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      for (const m of batch) {
        if (!this.deliverOne(m)) continue;
        delivered++;
        if (delivered > maxMessages) throw new Error(`network did not settle within ${maxMessages} messages`);
      }
      this.processReadies();
    }
    return delivered;
  }

  /** Deliver only the messages currently queued that match `pred`, keeping the others queued. */
  deliverWhere(pred: (m: Message) => boolean): number {
    this.processReadies();
    const keep: Message[] = [];
    const go: Message[] = [];
    for (const m of this.queue) (pred(m) ? go : keep).push(m);
    this.queue = keep;
    let n = 0;
    for (const m of go) if (this.deliverOne(m)) n++;
    this.processReadies();
    return n;
  }

  /**
   * Chaos delivery: each queued message is delivered with probability pDeliver, else dropped
   * with probability pDrop, else kept for later (so messages reorder). Driven by `rand`.
   */
  deliverSome(rand: { intn(n: number): number }, pDeliverPct: number, pDropPct: number): void {
    this.processReadies();
    const batch = this.queue;
    this.queue = [];
    const later: Message[] = [];
    for (const m of batch) {
      const r = rand.intn(100);
      if (r < pDeliverPct) this.deliverOne(m);
      else if (r < pDeliverPct + pDropPct) this.reportSnap(m, false);
      else later.push(m);
    }
    this.processReadies();
    this.queue = [...later, ...this.queue];
  }

  /** Drop queued messages. */
  dropQueued(pred: (m: Message) => boolean = () => true): void {
    const dropped = this.queue.filter(pred);
    this.queue = this.queue.filter((m) => !pred(m));
    for (const m of dropped) this.reportSnap(m, false);
  }

  /** Tick every live node once, then deliver. */
  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const tn of this.nodes.values()) tn.node?.tick();
      this.deliverAll();
    }
  }

  /** Campaign on `id` and deliver everything; campaign again (higher term) up to `attempts` times. */
  elect(id: NodeId, attempts = 1): void {
    for (let i = 0; i < attempts; i++) {
      this.n(id).campaign();
      this.deliverAll();
      if (this.n(id).status().softState.raftState === "Leader") return;
    }
  }

  /** The single node that believes it is leader in the highest term, if any. */
  leader(): NodeId | undefined {
    let best: NodeId | undefined;
    let bestTerm = -1;
    for (const tn of this.nodes.values()) {
      if (tn.node === undefined) continue;
      const st = tn.node.status();
      if (st.softState.raftState === "Leader" && st.hardState.term > bestTerm) {
        best = tn.id;
        bestTerm = st.hardState.term;
      }
    }
    return best;
  }

  /** Tick until some live node is leader (and a majority agrees), up to maxTicks. */
  tickUntilLeader(maxTicks = 200, accept: (id: NodeId) => boolean = () => true): NodeId {
    for (let i = 0; i < maxTicks; i++) {
      this.tickAll();
      const l = this.leader();
      if (l !== undefined && accept(l)) return l;
    }
    throw new Error(`no leader after ${maxTicks} ticks`);
  }

  propose(id: NodeId, text: string): void {
    this.n(id).propose(enc(text));
    this.deliverAll();
  }

  /** Applied data (ignoring empty leader entries and conf changes), in index order. */
  appliedData(id: NodeId): string[] {
    const tn = this.get(id);
    return [...tn.applied.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, v]) => v.slice(v.indexOf(":") + 1))
      .filter((v) => v !== "" && !v.startsWith("cc:"));
  }

  /** Safety check: no two nodes applied different entries at the same index. */
  checkAgreement(): void {
    const byIndex = new Map<number, { id: NodeId; record: string }>();
    for (const tn of this.nodes.values()) {
      for (const [index, record] of tn.applied) {
        const other = byIndex.get(index);
        if (other === undefined) byIndex.set(index, { id: tn.id, record });
        else if (other.record !== record) {
          throw new Error(`index ${index}: node ${other.id} applied ${other.record}, node ${tn.id} applied ${record}`);
        }
      }
    }
  }

  /** Snapshot node `id` at its applied index and compact its log up to there. */
  compact(id: NodeId, keepEntries = 0): void {
    const tn = this.get(id);
    const at = tn.appliedIndex - keepEntries;
    if (at <= tn.storage.snapshot().metadata.index) return;
    tn.storage.createSnapshot(at, tn.confState, enc(`snap@${at}`));
    tn.storage.compact(at);
  }

  countSent(pred: (m: Message) => boolean = () => true): number {
    return this.sent.filter(pred).length;
  }

  countByType(): Partial<Record<MessageType, number>> {
    const out: Partial<Record<MessageType, number>> = {};
    for (const m of this.sent) out[m.type] = (out[m.type] ?? 0) + 1;
    return out;
  }
}

/**
 * The Ready contract, checked on every message a node sends: what a message promises must
 * already be in the storage written from this Ready (or an earlier one).
 */
function checkDurableBeforeSend(tn: TestNode, m: Message): void {
  const hs = tn.storage.initialState().hardState;
  // A later term stored in the same Ready supersedes a promise made in an earlier term: after a
  // crash the node acts in the later term, so an old vote or ack cannot be contradicted.
  if (hs.term > m.term) return;
  if (m.type === "MsgAppResp" && !m.reject && m.index > tn.storage.lastIndex()) {
    throw new Error(`node ${tn.id} acknowledges index ${m.index} but stored only up to ${tn.storage.lastIndex()}`);
  }
  if (m.type === "MsgVoteResp" && !m.reject && (hs.term !== m.term || hs.vote !== m.to)) {
    throw new Error(`node ${tn.id} grants a vote to ${m.to} in term ${m.term} before storing it (${JSON.stringify(hs)})`);
  }
  if (m.term > hs.term && m.type !== "MsgPreVote" && m.type !== "MsgPreVoteResp") {
    throw new Error(`node ${tn.id} sends ${m.type} in term ${m.term} before storing the term (stored ${hs.term})`);
  }
}
