// The Raft node driver: timers into ticks, the Ready loop (persist → send → apply → advance),
// proposals and linearizable reads with bounded waits, and snapshots of the state machine.
// Clock and storage are injected: the simulator (test/sim) runs this same code on virtual time
// and a disk that crashes between a write and its fsync.
import {
  ErrProposalDropped,
  ErrSnapOutOfDate,
  RawNode,
  decodeConfChange,
  newRand,
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type Ready,
  type Status,
} from "../../raft/index.js";
import type { Envelope, Command } from "../fsm/commands.js";
import type { ApplyResult, StateMachine } from "../fsm/state.js";
import { decodeEnvelope, encodeEnvelope } from "./envelope.js";
import type { Logger } from "../log/logger.js";
import { NodeError } from "./errors.js";
import { system_clock, type Clock, type TimerHandle } from "./clock.js";
import type { NodeStorage } from "./storage.js";

/** Messages a leader sends to replicate: none of them acknowledges anything. */
const replication_types: ReadonlySet<string> = new Set(["MsgApp", "MsgHeartbeat", "MsgSnap"]);
/**
 * Requests a follower forwards to the leader (a proposal, a read index, a leadership
 * transfer): they promise nothing about this server's log, so they never wait for its disk.
 */
const forwarded_types: ReadonlySet<string> = new Set(["MsgProp", "MsgReadIndex", "MsgTransferLeader"]);

export interface NodeTransport {
  send(messages: readonly Message[]): void;
}


export interface RaftNodeOptions {
  id: NodeId;
  /** LevelStorage in production; the simulator's disk in test/sim. */
  storage: NodeStorage;
  fsm: StateMachine;
  transport: NodeTransport;
  logger: Logger;
  /** Time and timers; Node's own unless given (the simulator passes a virtual clock). */
  clock?: Clock;
  /** Wall time of one Raft tick. */
  tick_ms?: number;
  election_ticks?: number;
  heartbeat_ticks?: number;
  /** Seed for election timeouts; defaults to something unique per process. */
  seed?: number;
  /**
   * Snapshot the state machine once this many entries were applied since the last one and
   * their payload reached the size of the last snapshot (so a large state is not rewritten
   * every few thousand small writes: the snapshot costs at most about what was written).
   */
  snapshot_entries?: number;
  /** Snapshot regardless (past snapshot_entries) once the log since the last one holds this many payload bytes: bounds memory. */
  snapshot_log_bytes_max?: number;
  /** Snapshot regardless once this many entries were applied since the last one: bounds memory for small entries. */
  snapshot_entries_max?: number;
  /** Entries kept behind a snapshot so slightly slow followers catch up without one. */
  snapshot_catchup_entries?: number;
  /** Bound on proposals and reads waiting for their result. */
  pending_requests_max?: number;
  /** How long a proposal or read may wait before it is answered with a timeout. */
  request_timeout_ms?: number;
  /** Called after a membership change (given) or a snapshot (no argument) changed the member table. */
  onMembershipChange?: (cc?: ConfChange) => void;
  /** Called when this server's Raft role or the leader it knows changes (after the Ready that says so is persisted). */
  onRoleChange?: (role: RoleChange) => void;
}

export interface RoleChange {
  state: Status["softState"]["raftState"];
  lead: NodeId;
  term: number;
}

export const defaults = {
  tick_ms: 100,
  election_ticks: 10,
  heartbeat_ticks: 1,
  snapshot_entries: 10_000,
  snapshot_log_bytes_max: 256 * 1024 * 1024,
  snapshot_entries_max: 500_000,
  snapshot_catchup_entries: 5_000,
  pending_requests_max: 16_384,
  request_timeout_ms: 5_000,
};

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: Error): void;
  timer: TimerHandle;
  /** The log index a proposal was appended at while this server led (see `appended`). */
  appended_at?: number;
}

export class RaftNode {
  readonly id: NodeId;
  private readonly raw: RawNode;
  private readonly opts: Required<Omit<RaftNodeOptions, "onMembershipChange" | "onRoleChange" | "seed" | "clock">> & Pick<RaftNodeOptions, "onMembershipChange" | "onRoleChange">;
  private readonly clock: Clock;
  private ticker: TimerHandle | undefined;
  private processing = false;
  private again = false;
  private failure: Error | undefined;
  /** The snapshot being written in the background, if any (one at a time). */
  private snapshotting: Promise<void> | undefined;
  private counter = 0;
  /**
   * Request ids ("<id>-<start time>-<counter>") are unique across restarts too: an entry or a
   * read proposed before a crash can still be applied or answered after the restart, and must
   * not settle a new request that reuses its number (the simulator caught a put answered with
   * another command's result that way).
   */
  private readonly rid_prefix: string;
  private readonly proposals = new Map<string, Waiter<ApplyResult>>();
  private readonly confWaiters = new Map<string, Waiter<ConfState>>();
  private readonly reads = new Map<string, Waiter<void>>();
  /**
   * Proposals this server appended to its own log as leader: index → request id. At most one
   * per waiting proposal (bounded by pending_requests_max); an index leaves when it is applied,
   * when its waiter times out, or when a snapshot passes it.
   */
  private readonly appended = new Map<number, string>();
  /** ReadStates received and waiting for the state machine to reach their index. */
  private readyReads: { ctx: string; index: number }[] = [];
  private lead: NodeId = 0;
  /** A hard state whose only change (the commit index) waits for the next write. */
  private unwritten_hard_state: HardState | undefined;
  /** Term and vote as last written to disk. */
  private durable: { term: number; vote: NodeId };
  private ticks = 0;
  /** Payload bytes of the entries applied since the last snapshot. */
  private log_bytes_since_snapshot = 0;
  private idleResolvers: (() => void)[] = [];

  constructor(options: RaftNodeOptions) {
    this.opts = { ...defaults, ...options } as typeof this.opts;
    this.id = options.id;
    this.clock = options.clock ?? system_clock;
    this.rid_prefix = `${options.id}-${this.clock.now().toString(36)}-`;
    const snap = options.storage.snapshot();
    options.fsm.restore(snap.data, snap.metadata.index);
    // Logged, so that an election's timing (its randomised timeouts) replays from this seed.
    const seed = options.seed ?? (process.pid * 7919 + options.id * 104729 + this.clock.now()) % 2 ** 31;
    options.logger.info("raft node seeded", { id: options.id, seed });
    this.raw = new RawNode({
      id: options.id,
      storage: options.storage,
      electionTicks: this.opts.election_ticks,
      heartbeatTicks: this.opts.heartbeat_ticks,
      rand: newRand(seed),
      applied: snap.metadata.index,
      preVote: true,
      checkQuorum: true,
      coalesceMessages: true,
      // The transport reports the leader unreachable when its connection breaks (a killed
      // process closes its sockets): campaign when the lease ends, not up to a second later.
      hastenElectionOnLeaderLoss: true,
    });
    const hs = this.raw.status().hardState;
    this.durable = { term: hs.term, vote: hs.vote };
  }

  start(): void {
    // A lone voter need not wait out an election timeout: nobody else can win.
    const conf = this.raw.status().confState;
    if (conf.voters.length === 1 && conf.voters[0] === this.id) this.guard(() => this.raw.campaign());
    this.ticker = this.clock.setInterval(() => {
      this.guard(() => this.raw.tick());
      if (++this.ticks % this.opts.election_ticks === 0 && this.reads.size > 0) this.guard(() => this.resubmitReads());
    }, this.opts.tick_ms);
    this.kick();
  }

  /** Stops ticking and answers every waiter; the storage stays open for the caller to close. */
  async stop(): Promise<void> {
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    this.ticker = undefined;
    this.failure ??= new NodeError("stopped", "this server is shutting down", 503);
    this.rejectAll(this.failure);
    await this.idle();
    await this.snapshotting;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  leader(): NodeId {
    return this.lead;
  }

  status(): Status {
    return this.raw.status();
  }

  /** A message from a peer. */
  step(m: Message): void {
    this.guard(() => this.raw.step(m));
  }

  reportUnreachable(id: NodeId): void {
    this.guard(() => this.raw.reportUnreachable(id));
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.guard(() => this.raw.reportSnapshot(id, ok ? "finish" : "failure"));
  }

  /**
   * Replicates a command; resolves with its result once applied here. Rejects with a NodeError:
   * `not_applied` (503) only when the command is provably in no log and never will be — see
   * reportDroppedProposal and rejectOverwritten — and `timeout` (504) when that cannot be known.
   */
  propose(cmd: Command, at_ms = this.clock.now()): Promise<ApplyResult> {
    const rid = this.nextRid();
    const env: Envelope = { rid, at_ms, cmd };
    return this.wait(this.proposals, rid, () => {
      this.raw.propose(encodeEnvelope(env));
      const at = this.raw.lastAppended();
      const w = this.proposals.get(rid);
      if (at.leader && w !== undefined) {
        w.appended_at = at.index;
        this.appended.set(at.index, rid);
      }
    });
  }

  /**
   * The transport discarded a MsgProp without handing it to any connection; its proposals are
   * answered `not_applied` at once instead of timing out.
   *
   * Why that is safe (a write must never be called "not applied" if it could still commit): a
   * proposal made on a follower exists in exactly one copy, the MsgProp. Raft keeps nothing of
   * it locally (stepFollower only re-addresses and sends it); the transport never duplicates a
   * frame (no resend: a frame written to a socket leaves the queue, and a dropped one is taken
   * out of every queue before it is reported); a server that receives it either appends it, as
   * leader, and forwards nothing, or forwards the one copy again, or drops it. So the copy the
   * transport discarded was the only one, it was never appended to any log, and no log can
   * ever hold it. A copy that was written to a socket is different: the peer may have read it,
   * passed it on and appended it in a later term, so "the term changed" or "the leader went
   * away" proves nothing about it; such a proposal keeps waiting and may end in `timeout`.
   * Only this server's waiters can match (request ids carry its id and rid_prefix), so a
   * MsgProp this server was forwarding for another one is ignored here.
   */
  reportDroppedProposal(m: Message): void {
    if (m.type !== "MsgProp") return;
    for (const e of m.entries) {
      if (e.type !== "Normal" || e.data.length === 0) continue;
      let rid: string;
      try {
        rid = decodeEnvelope(e.data).rid;
      } catch {
        continue; // not an envelope this server wrote
      }
      const lead = this.lead;
      this.rejectWaiter(
        this.proposals,
        rid,
        new NodeError(
          "not_applied",
          `the write was not applied: it could not be passed to the leader (${lead === 0 ? "none known" : `server ${lead}`}, unreachable); retry it${lead === 0 ? " once a leader is elected" : ""}`,
          503,
        ),
      );
    }
  }

  /** A membership change (leader only); resolves once applied here. */
  proposeConfChange(cc: Omit<ConfChange, "context">, context: Record<string, unknown> = {}): Promise<ConfState> {
    const rid = this.nextRid();
    const ctx = new TextEncoder().encode(JSON.stringify({ ...context, rid }));
    return this.wait(this.confWaiters, rid, () => this.raw.proposeConfChange({ ...cc, context: ctx }));
  }

  /** Resolves once this server's state machine reflects every write committed before the call. */
  linearizableRead(): Promise<void> {
    const rid = this.nextRid();
    return this.wait(this.reads, rid, () => this.raw.readIndex(new TextEncoder().encode(rid)));
  }

  /**
   * A read request can be lost on its way (sent to a leader that just died, dropped while
   * no leader was known). ReadIndex is idempotent, so reads still unanswered after an
   * election timeout ask again with the same context; the first answer settles them.
   */
  private resubmitReads(): void {
    const answered = new Set(this.readyReads.map((r) => r.ctx));
    for (const rid of this.reads.keys()) {
      if (!answered.has(rid)) this.raw.readIndex(new TextEncoder().encode(rid));
    }
  }

  transferLeader(to: NodeId): void {
    this.guard(() => this.raw.transferLeader(to));
  }

  private nextRid(): string {
    return `${this.rid_prefix}${++this.counter}`;
  }

  private rejectWaiter<T>(table: Map<string, Waiter<T>>, rid: string, err: Error): void {
    const w = table.get(rid);
    if (w === undefined) return;
    table.delete(rid);
    this.clock.clearTimeout(w.timer);
    if (w.appended_at !== undefined) this.appended.delete(w.appended_at);
    w.reject(err);
  }

  private wait<T>(table: Map<string, Waiter<T>>, rid: string, submit: () => void): Promise<T> {
    if (this.failure !== undefined) {
      // A stopped node (failed disk write, broken invariant, shutdown) answers 503, never the raw error.
      return Promise.reject(this.failure instanceof NodeError ? this.failure : new NodeError("stopped", `this server stopped: ${this.failure.message}; restart it once the cause is fixed`, 503));
    }
    if (this.proposals.size + this.confWaiters.size + this.reads.size >= this.opts.pending_requests_max) {
      return Promise.reject(
        new NodeError("overloaded", `${this.opts.pending_requests_max} requests are already waiting on this server: retry with backoff`, 503),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        const w = table.get(rid);
        if (w?.appended_at !== undefined) this.appended.delete(w.appended_at);
        table.delete(rid);
        reject(
          new NodeError(
            "timeout",
            `not committed within ${this.opts.request_timeout_ms} ms (leader ${this.lead === 0 ? "unknown" : this.lead}); a write may or may not have taken effect`,
            504,
          ),
        );
      }, this.opts.request_timeout_ms);
      table.set(rid, { resolve, reject, timer });
      try {
        submit();
      } catch (err) {
        this.clock.clearTimeout(timer);
        const w = table.get(rid);
        if (w?.appended_at !== undefined) this.appended.delete(w.appended_at);
        table.delete(rid);
        reject(this.translate(err));
        return;
      }
      this.kick();
    });
  }

  private translate(err: unknown): Error {
    if (err instanceof ErrProposalDropped) {
      switch (err.reason) {
        case "no-leader":
          return new NodeError("no_leader", "no leader is elected yet: retry in a moment", 503);
        case "transfer-in-progress":
          return new NodeError("no_leader", "leadership is moving to another server: retry in a moment", 503);
        case "uncommitted-bytes-limit":
        case "pending-reads-limit":
          return new NodeError("overloaded", `the leader refused more work (${err.reason}): retry with backoff`, 503);
        case "not-leader":
          return new NodeError("not_leader", err.message, 421);
        default:
          return new NodeError("conflict", err.message, 409);
      }
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  private guard(fn: () => void): void {
    if (this.failure !== undefined) return;
    try {
      fn();
    } catch (err) {
      if (err instanceof ErrProposalDropped) return;
      this.fail(err);
      return;
    }
    this.kick();
  }

  /** A broken invariant or a failed disk write: stop rather than limp on. */
  private fail(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    if (this.failure === undefined) this.opts.logger.error("raft node stopped", { error: e.message });
    const first = this.failure === undefined;
    this.failure ??= e;
    if (this.ticker !== undefined) this.clock.clearInterval(this.ticker);
    this.rejectAll(new NodeError("stopped", `this server stopped: ${e.message}`, 503));
    // A stopped server leads nothing, whatever its Raft state last said.
    if (first) this.opts.onRoleChange?.({ state: "Follower", lead: 0, term: this.durable.term });
  }

  private rejectAll(err: Error): void {
    for (const table of [this.proposals, this.confWaiters, this.reads] as Map<string, Waiter<unknown>>[]) {
      for (const w of table.values()) {
        this.clock.clearTimeout(w.timer);
        w.reject(err);
      }
      table.clear();
    }
    this.appended.clear();
  }

  /** Runs the Ready loop until nothing is ready; one loop at a time. */
  private kick(): void {
    if (this.processing) {
      this.again = true;
      return;
    }
    this.processing = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        while (this.failure === undefined && this.raw.hasReady()) await this.handle(this.raw.ready());
      } while (this.again && this.failure === undefined);
    } catch (err) {
      this.fail(err);
    } finally {
      this.processing = false;
      for (const r of this.idleResolvers.splice(0)) r();
    }
  }

  private idle(): Promise<void> {
    if (!this.processing) return Promise.resolve();
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  private async handle(rd: Ready): Promise<void> {
    const role_changed = rd.softState !== undefined;
    const lead_changed = rd.softState !== undefined && rd.softState.lead !== this.lead;
    if (rd.softState !== undefined) {
      if (rd.softState.lead !== this.lead) this.opts.logger.info("leader changed", { leader: rd.softState.lead, state: rd.softState.raftState });
      this.lead = rd.softState.lead;
    }
    // rawnode.ts, step 2: a leader's replication messages acknowledge nothing, so they may leave
    // while this batch's entries are written (Raft thesis §10.2.1) — provided the term and vote
    // they carry are already durable. Raft counts the leader's own copy of an entry at once, but
    // a commit that counts it leaves only through the next Ready, which this loop takes after the
    // write completed. Votes and acknowledgements (`late`) leave only after the write.
    const term_vote_durable = rd.hardState === undefined || (rd.hardState.term === this.durable.term && rd.hardState.vote === this.durable.vote);
    const early: Message[] = [];
    const late: Message[] = [];
    for (const m of rd.messages) ((term_vote_durable && replication_types.has(m.type)) || forwarded_types.has(m.type) ? early : late).push(m);
    if (early.length > 0) this.opts.transport.send(early);
    // 1. persist: one batch, synced when Raft says so (group commit of every proposal in it).
    // A Ready that only moves the commit index writes nothing: the commit index need not be
    // durable (a restarted server learns it again from the leader), so it rides along with the
    // next write. That saves one disk round per commit on every server.
    const hard = rd.hardState ?? this.unwritten_hard_state;
    const commit_only = rd.entries.length === 0 && rd.snapshot === undefined && !rd.mustSync && term_vote_durable;
    if (commit_only) {
      this.unwritten_hard_state = hard;
    } else {
      await this.opts.storage.save(
        { ...(rd.snapshot !== undefined ? { snapshot: rd.snapshot } : {}), entries: rd.entries, ...(hard !== undefined ? { hardState: hard } : {}) },
        rd.mustSync,
      );
      this.unwritten_hard_state = undefined;
    }
    if (rd.hardState !== undefined) this.durable = { term: rd.hardState.term, vote: rd.hardState.vote };
    // 2. send the rest (acks, votes, responses), only now that what they acknowledge is durable.
    if (late.length > 0) this.opts.transport.send(late);
    // 3. apply.
    if (rd.snapshot !== undefined) {
      // What the snapshot holds at an index is not known here: those proposals keep waiting.
      if (this.appended.size > 0) for (const i of [...this.appended.keys()]) if (i <= rd.snapshot.metadata.index) this.appended.delete(i);
      this.opts.fsm.restore(rd.snapshot.data, rd.snapshot.metadata.index);
      this.log_bytes_since_snapshot = 0;
      this.opts.onMembershipChange?.();
    }
    for (const e of rd.committedEntries) this.apply(e);
    for (const rs of rd.readStates) this.readyReads.push({ ctx: new TextDecoder().decode(rs.requestCtx), index: rs.index });
    this.answerReads();
    if (lead_changed && this.reads.size > 0) this.rejectUnansweredReads();
    // 4. advance.
    this.raw.advance(rd);
    if (role_changed && this.opts.onRoleChange !== undefined) {
      const st = this.raw.status();
      this.opts.onRoleChange({ state: st.softState.raftState, lead: st.softState.lead, term: st.hardState.term });
    }
    await this.maybeSnapshot();
  }

  private apply(e: Entry): void {
    const fsm = this.opts.fsm;
    if (e.index <= fsm.applied_index) return; // covered by a snapshot restored in this Ready
    if (e.type === "ConfChange") {
      if (this.appended.size > 0) this.rejectOverwritten(e.index, undefined);
      const cc = decodeConfChange(e.data);
      const conf = this.raw.applyConfChange(cc);
      const ctx = cc.context !== undefined && cc.context.length > 0 ? (JSON.parse(new TextDecoder().decode(cc.context)) as Record<string, unknown>) : {};
      fsm.applyMembership(
        e.index,
        cc.type === "RemoveNode"
          ? { type: "RemoveNode", id: cc.nodeId }
          : { type: cc.type, id: cc.nodeId, name: String(ctx["name"] ?? ""), raft_addr: String(ctx["raft_addr"] ?? ""), http_addr: String(ctx["http_addr"] ?? "") },
      );
      this.opts.onMembershipChange?.(cc);
      const rid = typeof ctx["rid"] === "string" ? ctx["rid"] : "";
      this.settle(this.confWaiters, rid, conf);
      return;
    }
    if (e.data.length === 0) {
      if (this.appended.size > 0) this.rejectOverwritten(e.index, undefined);
      fsm.advance(e.index);
      return;
    }
    this.log_bytes_since_snapshot += e.data.byteLength;
    const env = decodeEnvelope(e.data);
    if (this.appended.size > 0) this.rejectOverwritten(e.index, env.rid);
    this.settle(this.proposals, env.rid, fsm.apply(e.index, env));
  }

  /**
   * A proposal this server appended as leader at index i, when the entry committed at i is
   * another one: answered `not_applied`. Safe because the proposal's entry exists only at i (a
   * leader appends a proposal once; others copy it at the same index) and an entry committed at
   * i is final (no other entry is ever committed there), so the proposal can never be applied.
   *
   * Weaker evidence is not enough: that this server's own slot i now holds an entry of another
   * term does not mean it is lost — with five servers, the old leader L may have sent (i, t) to
   * one follower F before stepping down; a new leader overwrites L's slot i, dies before
   * replicating it further, and F, whose log is then as up to date as a majority's, wins the
   * next election and commits (i, t). Only a commit at i settles it.
   */
  private rejectOverwritten(index: number, committed_rid: string | undefined): void {
    const mine = this.appended.get(index);
    if (mine === undefined) return;
    this.appended.delete(index);
    if (committed_rid === mine) return;
    this.rejectWaiter(
      this.proposals,
      mine,
      new NodeError("not_applied", `the write was not applied: this server lost leadership before committing it, and index ${index} now holds another committed entry; retry it`, 503),
    );
  }

  /**
   * Ends the reads still waiting for a read index when the leader changes (they asked a leader
   * that is gone, or none): a read changes nothing, so failing it at once is always safe, and the
   * caller retries it against the new leader instead of waiting out resubmitReads.
   */
  private rejectUnansweredReads(): void {
    const answered = new Set(this.readyReads.map((r) => r.ctx));
    const err = new NodeError("not_applied", `the leader changed while this read waited (now ${this.lead === 0 ? "none" : `server ${this.lead}`}); nothing was changed: retry it`, 503);
    for (const rid of [...this.reads.keys()]) if (!answered.has(rid)) this.rejectWaiter(this.reads, rid, err);
  }

  private answerReads(): void {
    const applied = this.opts.fsm.applied_index;
    const waiting: typeof this.readyReads = [];
    for (const r of this.readyReads) {
      if (r.index <= applied) this.settle(this.reads, r.ctx, undefined);
      else waiting.push(r);
    }
    this.readyReads = waiting;
  }

  private async maybeSnapshot(): Promise<void> {
    if (this.snapshotting !== undefined) return;
    const st = this.opts.storage;
    const applied = this.opts.fsm.applied_index;
    const held = st.snapshot();
    const entries = applied - held.metadata.index;
    // Servers snapshot at different points (a fixed factor per id), so their pauses to encode
    // the state do not all fall together: the other two keep the quorum going.
    const stagger = 1 + (this.id % snapshot_stagger_steps) * snapshot_stagger_step;
    if (entries < this.opts.snapshot_entries * stagger) return;
    const bytes_due = Math.min(held.data.byteLength * stagger, this.opts.snapshot_log_bytes_max);
    if (this.log_bytes_since_snapshot < bytes_due && entries < this.opts.snapshot_entries_max) return;
    const started = this.clock.now();
    const conf = this.raw.status().confState;
    // A restart reads the commit index back and requires it to reach the snapshot: write it first.
    if (this.unwritten_hard_state !== undefined) {
      await st.save({ entries: [], hardState: this.unwritten_hard_state }, false);
      this.unwritten_hard_state = undefined;
    }
    // The state is encoded here, at the applied index; writing it (in chunks) and compacting the
    // log go on in the background while this loop keeps persisting and applying Readies.
    const data = this.opts.fsm.snapshot();
    const encode_ms = this.clock.now() - started;
    this.log_bytes_since_snapshot = 0;
    this.snapshotting = this.persistSnapshot(applied, conf, data, started, encode_ms).finally(() => {
      this.snapshotting = undefined;
    });
  }

  private settle<T>(table: Map<string, Waiter<T>>, rid: string, value: T): void {
    const w = table.get(rid);
    if (w === undefined) return;
    table.delete(rid);
    this.clock.clearTimeout(w.timer);
    w.resolve(value);
  }

  private async persistSnapshot(applied: number, conf: ConfState, data: Uint8Array, started: number, encode_ms: number): Promise<void> {
    const st = this.opts.storage;
    try {
      await st.createSnapshot(applied, conf, data);
      const compactTo = applied - this.opts.snapshot_catchup_entries;
      if (compactTo >= st.firstIndex()) await st.compact(compactTo);
      this.opts.logger.info("snapshot taken", { index: applied, compacted_to: Math.max(compactTo, st.firstIndex() - 1), bytes: data.byteLength, encode_ms, took_ms: this.clock.now() - started });
    } catch (err) {
      // The leader's snapshot, newer, was installed while this one was being written.
      if (err instanceof ErrSnapOutOfDate) {
        this.opts.logger.info("snapshot dropped: a newer one from the leader arrived while it was written", { index: applied });
        return;
      }
      this.fail(err);
    }
  }
}

/** Snapshot thresholds scale by 1 + (id mod steps) x step: 1.0 to 1.45 of the configured bound. */
const snapshot_stagger_steps = 4;
const snapshot_stagger_step = 0.15;

