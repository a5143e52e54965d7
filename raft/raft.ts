// Raft: the protocol state machine (terms, elections, replication, commit, reads, transfer).
import { compileConfig, type CompiledConfig } from "./config.js";
import { applyConfChangeTo, validateConfChange } from "./confchange.js";
import { decodeConfChange } from "./confchange_codec.js";
import { RaftLog } from "./log.js";
import type { Progress } from "./progress.js";
import { ReadOnly } from "./readonly.js";
import { ProgressTracker } from "./tracker.js";
import {
  CAMPAIGN_TRANSFER,
  ErrProposalDropped,
  ErrSnapshotTemporarilyUnavailable,
  NONE,
  RaftInvariantError,
  type ConfChange,
  type ConfState,
  type Config,
  type Entry,
  type HardState,
  type Message,
  type MessageType,
  type NodeId,
  type ReadState,
  type Snapshot,
  type SoftState,
  type StateType,
} from "./types.js";
import { bytesEqual, newMessage, payloadSizeBytes } from "./util.js";

type CampaignType = "PreElection" | "Election" | "Transfer";

const EMPTY = new Uint8Array(0);
/** Ticks between the campaigns of successive survivors when elections are hastened. */
const hasten_stagger_ticks = 2;

function voteRespType(t: MessageType): MessageType {
  return t === "MsgVote" ? "MsgVoteResp" : "MsgPreVoteResp";
}

export class Raft {
  readonly id: NodeId;
  readonly cfg: CompiledConfig;
  // Persistent state (HardState): term, vote, and raftLog.committed.
  term = 0;
  vote: NodeId = NONE;
  readonly raftLog: RaftLog;

  state: StateType = "Follower";
  lead: NodeId = NONE;
  /** False when this node is a learner or not a member: it never campaigns. */
  isLearner = false;
  readonly trk: ProgressTracker;
  /** Outbound messages, drained by ready(). */
  msgs: Message[] = [];
  readStates: ReadState[] = [];

  /** The node a leadership transfer is handing over to, or NONE. */
  leadTransferee: NodeId = NONE;
  /** Index of the last conf change proposed by this leader; a new one waits until it is applied. */
  pendingConfIndex = 0;
  /** Payload bytes of entries appended by this leader and not yet handed out committed. */
  uncommittedSizeBytes = 0;
  readOnly = new ReadOnly();
  /** ReadIndex requests a new leader holds until it commits an entry of its term. */
  pendingReadIndexMessages: Message[] = [];

  /** Ticks since the last election timeout (leader) or since hearing from a leader / voting. */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** randomizedElectionTimeout was cut short by hastenElection(); undone when a leader is heard. */
  private hastened = false;

  constructor(config: Config) {
    this.cfg = compileConfig(config);
    this.id = this.cfg.id;
    this.raftLog = new RaftLog(this.cfg.storage, this.cfg.maxCommittedSizePerReadyBytes);
    this.trk = new ProgressTracker(this.cfg.maxInflightMsgs);
    const { hardState, confState } = this.cfg.storage.initialState();
    this.switchToConfig(confState);
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) this.loadState(hardState);
    if (this.cfg.applied > 0) this.raftLog.appliedTo(Math.max(this.cfg.applied, this.raftLog.applied));
    this.becomeFollower(this.term, NONE);
  }

  // ---------------------------------------------------------------------------------------
  // State accessors

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new RaftInvariantError(
        `raft ${this.id}: stored commit ${hs.commit} is outside [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
      );
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  /** A node may campaign if it is a voter in its own configuration and has no snapshot pending. */
  promotable(): boolean {
    return this.trk.voters.has(this.id) && !this.isLearner && this.raftLog.unstable.snapshot === undefined;
  }

  // ---------------------------------------------------------------------------------------
  // Sending

  private send(m: Message): void {
    // Forwarded requests keep their origin; everything else comes from us.
    let out: Message = m.from === NONE ? { ...m, from: this.id } : m;
    if (m.type === "MsgVote" || m.type === "MsgVoteResp" || m.type === "MsgPreVote" || m.type === "MsgPreVoteResp") {
      // Votes carry the term they are for, which is not always our current term.
      if (m.term === 0) throw new RaftInvariantError(`raft ${this.id}: ${m.type} must carry a term`);
    } else if (m.type === "MsgProp" || m.type === "MsgReadIndex" || m.type === "MsgTransferLeader") {
      // Forwarded requests are treated as local at the leader: no term.
      out = { ...out, term: 0 };
    } else {
      out = { ...out, term: this.term };
    }
    this.msgs.push(out);
  }

  private sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  /**
   * Send entries from the peer's next index (or a snapshot if they are compacted). With
   * sendIfEmpty false, send nothing when there are no new entries. Returns whether it sent.
   */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.raftLog.term(prevIndex);
    const ents = prevTerm === undefined ? undefined : this.raftLog.entries(pr.next, this.cfg.maxSizePerMsgBytes);
    if (ents !== undefined && ents.length === 0 && !sendIfEmpty) return false;
    if (prevTerm === undefined || ents === undefined) return this.maybeSendSnapshot(to, pr);
    this.send(
      newMessage({
        type: "MsgApp",
        to,
        from: this.id,
        index: prevIndex,
        logTerm: prevTerm,
        entries: ents,
        commit: this.raftLog.committed,
      }),
    );
    pr.sentEntries(ents.length);
    pr.sentCommit = Math.max(pr.sentCommit, this.raftLog.committed);
    return true;
  }

  private maybeSendSnapshot(to: NodeId, pr: Progress): boolean {
    if (!pr.recentActive) return false;
    let snap: Snapshot;
    try {
      snap = this.raftLog.snapshot();
    } catch (err) {
      if (err instanceof ErrSnapshotTemporarilyUnavailable) return false;
      throw err;
    }
    if (snap.metadata.index === 0) {
      throw new RaftInvariantError(`raft ${this.id}: entries for ${to} are compacted but there is no snapshot`);
    }
    pr.becomeSnapshot(snap.metadata.index);
    this.send(newMessage({ type: "MsgSnap", to, from: this.id, snapshot: snap }));
    return true;
  }

  private sendHeartbeat(to: NodeId, ctx: Uint8Array): void {
    const pr = this.trk.progress.get(to);
    // Never tell a follower to commit beyond what it is known to hold.
    const commit = Math.min(pr?.match ?? 0, this.raftLog.committed);
    this.send(newMessage({ type: "MsgHeartbeat", to, from: this.id, commit, context: ctx }));
  }

  private forEachPeer(fn: (id: NodeId) => void): void {
    for (const id of this.trk.progress.keys()) if (id !== this.id) fn(id);
  }

  bcastAppend(): void {
    this.forEachPeer((id) => this.sendAppend(id));
  }

  private bcastHeartbeat(ctx: Uint8Array): void {
    this.forEachPeer((id) => this.sendHeartbeat(id, ctx));
  }

  // ---------------------------------------------------------------------------------------
  // Commit and append (leader)

  /** Advance the commit index to what a majority holds, if that entry is of this term. */
  maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term);
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.raftLog.term(this.raftLog.committed) === this.term;
  }

  /** Append entries at the leader, stamping term and index. Returns false over the byte limit. */
  private appendEntry(es: readonly Entry[]): boolean {
    let li = this.raftLog.lastIndex();
    const stamped = es.map((e, i) => ({ ...e, term: this.term, index: li + 1 + i }));
    if (!this.increaseUncommittedSize(stamped)) return false;
    li = this.raftLog.append(stamped);
    // The leader's own entries count as stored at once, though the driver may send MsgApp
    // before they are durable: a commit this allows leaves only through a later Ready, which
    // the driver takes after this one's write completed (rawnode.ts, step 2).
    this.trk.progress.get(this.id)?.maybeUpdate(li);
    this.maybeCommit();
    return true;
  }

  /**
   * Back-pressure. A single proposal larger than the limit is let through when nothing else is
   * uncommitted, so a large entry cannot be starved forever.
   */
  private increaseUncommittedSize(ents: readonly Entry[]): boolean {
    const s = payloadSizeBytes(ents);
    if (this.uncommittedSizeBytes > 0 && s > 0 && this.uncommittedSizeBytes + s > this.cfg.maxUncommittedEntriesBytes) {
      return false;
    }
    this.uncommittedSizeBytes += s;
    return true;
  }

  reduceUncommittedSize(ents: readonly Entry[]): void {
    if (this.state !== "Leader") return;
    this.uncommittedSizeBytes = Math.max(0, this.uncommittedSizeBytes - payloadSizeBytes(ents));
  }

  // ---------------------------------------------------------------------------------------
  // Role changes

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    for (const [id, pr] of this.trk.progress) {
      const isLearner = pr.isLearner;
      const fresh = { match: id === this.id ? last : 0, next: last + 1 };
      pr.becomeProbe();
      pr.match = fresh.match;
      pr.next = fresh.next;
      pr.recentActive = false;
      pr.isLearner = isLearner;
    }
    this.pendingConfIndex = 0;
    this.uncommittedSizeBytes = 0;
    this.readOnly = new ReadOnly();
    this.pendingReadIndexMessages = [];
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.cfg.electionTicks + this.cfg.rand.intn(this.cfg.electionTicks);
    this.hastened = false;
  }

  /** A message from the leader: its lease starts again (and a hastened timeout is random again). */
  private heardFromLeader(from: NodeId): void {
    this.electionElapsed = 0;
    this.lead = from;
    if (this.hastened) this.resetRandomizedElectionTimeout();
  }

  /**
   * The leader looks dead: campaign when its lease ends (electionTicks after it was last
   * heard), the other voters in id order each hasten_stagger_ticks later, so the first
   * wins before the next one starts.
   */
  private hastenElection(): void {
    const others = [...this.trk.voters].filter((id) => id !== this.lead).sort((a, b) => a - b);
    const rank = others.indexOf(this.id);
    if (rank < 0) return;
    // Exactly this tick, even when the random draw was earlier: a later-ranked survivor that
    // drew the lease's end would collide with the first and split the vote.
    // One tick past the lease: the other survivors' leases (counted on their own clocks from
    // the same last heartbeat) have ended too, so they grant the pre-vote instead of refusing it.
    this.randomizedElectionTimeout = this.cfg.electionTicks + 1 + rank * hasten_stagger_ticks;
    this.hastened = true;
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = "Follower";
  }

  private becomeCandidate(): void {
    if (this.state === "Leader") throw new RaftInvariantError(`raft ${this.id}: leader cannot become candidate`);
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = "Candidate";
  }

  private becomePreCandidate(): void {
    if (this.state === "Leader") throw new RaftInvariantError(`raft ${this.id}: leader cannot become pre-candidate`);
    // A pre-election changes neither term nor vote.
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = "PreCandidate";
  }

  private becomeLeader(): void {
    if (this.state === "Follower") throw new RaftInvariantError(`raft ${this.id}: follower cannot become leader`);
    this.reset(this.term);
    this.lead = this.id;
    this.state = "Leader";
    const self = this.trk.progress.get(this.id);
    if (self !== undefined) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // Entries of earlier terms may hold conf changes; wait until they are applied.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // The empty entry lets this leader commit (and so learn the commit index) in its term.
    if (!this.appendEntry([{ term: 0, index: 0, type: "Normal", data: EMPTY }])) {
      throw new RaftInvariantError(`raft ${this.id}: the empty leader entry was refused`);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Elections

  private hup(t: CampaignType): void {
    if (this.state === "Leader") return;
    if (!this.promotable()) return;
    if (this.hasUnappliedConfChanges()) return; // campaign after applying them: membership may change
    this.campaign(t);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.raftLog.applied >= this.raftLog.committed) return false;
    const ents = this.raftLog.slice(this.raftLog.applied + 1, this.raftLog.committed + 1, Infinity) ?? [];
    return ents.some((e) => e.type === "ConfChange");
  }

  private campaign(t: CampaignType): void {
    let term: number;
    let voteMsg: MessageType;
    if (t === "PreElection") {
      this.becomePreCandidate();
      voteMsg = "MsgPreVote";
      term = this.term + 1; // the term we would campaign in; our term is unchanged
    } else {
      this.becomeCandidate();
      voteMsg = "MsgVote";
      term = this.term;
    }
    if (this.poll(this.id, voteRespType(voteMsg), true) === "Won") {
      // A single-voter configuration wins at once.
      if (t === "PreElection") this.campaign("Election");
      else this.becomeLeader();
      return;
    }
    const ctx = t === "Transfer" ? CAMPAIGN_TRANSFER : EMPTY;
    for (const id of [...this.trk.voters].sort((a, b) => a - b)) {
      if (id === this.id) continue;
      this.send(
        newMessage({
          type: voteMsg,
          to: id,
          from: this.id,
          term,
          index: this.raftLog.lastIndex(),
          logTerm: this.raftLog.lastTerm(),
          context: ctx,
        }),
      );
    }
  }

  private poll(id: NodeId, _t: MessageType, granted: boolean): "Pending" | "Lost" | "Won" {
    this.trk.recordVote(id, granted);
    return this.trk.tallyVotes();
  }

  // ---------------------------------------------------------------------------------------
  // Ticks

  tick(): void {
    if (this.state === "Leader") this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(newMessage({ type: "MsgHup", to: this.id, from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) this.step(newMessage({ type: "MsgCheckQuorum", to: this.id, from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === "Leader" && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== "Leader") return;
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.step(newMessage({ type: "MsgBeat", to: this.id, from: this.id }));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Step

  /** Process one message. Throws ErrProposalDropped for refused local requests. */
  step(m: Message): void {
    if (m.term === 0) {
      // local message or a forwarded request
    } else if (m.term > this.term) {
      if (m.type === "MsgVote" || m.type === "MsgPreVote") {
        const force = bytesEqual(m.context, CAMPAIGN_TRANSFER);
        const inLease =
          this.cfg.checkQuorum && this.lead !== NONE && this.electionElapsed < this.cfg.electionTicks;
        // We heard from a live leader recently: do not let a disruptive node depose it.
        if (!force && inLease) return;
      }
      if (m.type === "MsgPreVote") {
        // Never change our term for a pre-vote.
      } else if (m.type === "MsgPreVoteResp" && !m.reject) {
        // A granted pre-vote carries the future term; the term changes when the quorum is won.
      } else if (m.type === "MsgApp" || m.type === "MsgHeartbeat" || m.type === "MsgSnap") {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === "MsgHeartbeat" || m.type === "MsgApp")) {
        // A stale leader (e.g. behind a partition) learns our term from the response and steps
        // down; otherwise with PreVote/CheckQuorum it could never learn it.
        this.send(newMessage({ type: "MsgAppResp", to: m.from, from: this.id }));
      } else if (m.type === "MsgPreVote") {
        this.send(newMessage({ type: "MsgPreVoteResp", to: m.from, from: this.id, term: this.term, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case "MsgHup":
        this.hup(this.cfg.preVote ? "PreElection" : "Election");
        return;
      case "MsgVote":
      case "MsgPreVote": {
        // Candidates ask only the voters of their configuration, so a learner is never asked
        // and never counted. A node that still sees itself as a learner does answer a candidate
        // that already applied its promotion: refusing could leave a promoted cluster without
        // a quorum forever (the promotion is committed, but this node cannot learn it without
        // a leader).
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === "MsgPreVote" && m.term > this.term);
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          // Answer with the term of the request: a granted pre-vote must not look stale.
          this.send(newMessage({ type: voteRespType(m.type), to: m.from, from: this.id, term: m.term }));
          if (m.type === "MsgVote") {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send(newMessage({ type: voteRespType(m.type), to: m.from, from: this.id, term: this.term, reject: true }));
        }
        return;
      }
      default:
        break;
    }
    switch (this.state) {
      case "Leader":
        this.stepLeader(m);
        return;
      case "Candidate":
      case "PreCandidate":
        this.stepCandidate(m);
        return;
      case "Follower":
        this.stepFollower(m);
        return;
    }
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case "MsgBeat":
        this.bcastHeartbeat(EMPTY);
        return;
      case "MsgCheckQuorum":
        if (!this.trk.quorumActive()) {
          this.becomeFollower(this.term, NONE);
          return;
        }
        for (const [id, pr] of this.trk.progress) if (id !== this.id) pr.recentActive = false;
        return;
      case "MsgProp":
        this.leaderPropose(m);
        return;
      case "MsgReadIndex":
        this.leaderReadIndex(m);
        return;
      default:
        break;
    }

    const pr = this.trk.progress.get(m.from);
    if (pr === undefined) return; // from a node no longer (or not yet) a member
    switch (m.type) {
      case "MsgAppResp":
        this.handleAppendResponse(m, pr);
        return;
      case "MsgHeartbeatResp":
        this.handleHeartbeatResponse(m, pr);
        return;
      case "MsgSnapStatus":
        if (pr.state !== "Snapshot") return;
        if (m.reject) pr.pendingSnapshot = 0; // retry from match
        pr.becomeProbe();
        // Wait for a heartbeat response (or an append response) before sending more.
        pr.msgAppFlowPaused = true;
        return;
      case "MsgUnreachable":
        // Optimistic sends were probably lost; probe again.
        if (pr.state === "Replicate") pr.becomeProbe();
        return;
      case "MsgTransferLeader":
        this.leaderTransfer(m.from, pr);
        return;
      default:
        return;
    }
  }

  private leaderPropose(m: Message): void {
    if (m.entries.length === 0) throw new RaftInvariantError(`raft ${this.id}: MsgProp without entries`);
    if (!this.trk.progress.has(this.id)) {
      throw new ErrProposalDropped("not-leader", `node ${this.id} was removed from the configuration`);
    }
    if (this.leadTransferee !== NONE) {
      throw new ErrProposalDropped("transfer-in-progress", `leadership is moving to node ${this.leadTransferee}`);
    }
    let hasConfChange = false;
    for (const e of m.entries) {
      if (e.type !== "ConfChange") continue;
      if (hasConfChange || m.entries.length > 1) {
        throw new ErrProposalDropped("invalid-conf-change", "propose a conf change alone, one at a time");
      }
      hasConfChange = true;
      if (m.from !== NONE && m.from !== this.id) throw new ErrProposalDropped("not-leader", "conf changes are proposed at the leader");
      if (!this.committedEntryInCurrentTerm()) {
        throw new ErrProposalDropped("no-commit-in-term", `leader ${this.id} has not committed an entry of term ${this.term}`);
      }
      if (this.pendingConfIndex > this.raftLog.applied) {
        throw new ErrProposalDropped(
          "conf-change-pending",
          `conf change at index ${this.pendingConfIndex} is not applied yet (applied ${this.raftLog.applied})`,
        );
      }
      const why = validateConfChange(this.trk.confState(), decodeConfChange(e.data));
      if (why !== undefined) throw new ErrProposalDropped("invalid-conf-change", why);
    }
    if (!this.appendEntry(m.entries)) {
      throw new ErrProposalDropped(
        "uncommitted-bytes-limit",
        `uncommitted entries hold ${this.uncommittedSizeBytes} bytes, limit ${this.cfg.maxUncommittedEntriesBytes}`,
      );
    }
    if (hasConfChange) this.pendingConfIndex = this.raftLog.lastIndex();
    this.bcastAppend();
  }

  private leaderReadIndex(m: Message): void {
    if (this.trk.isSingleton()) {
      this.answerReadIndex(m, this.raftLog.committed);
      return;
    }
    if (!this.committedEntryInCurrentTerm()) {
      // Our commit index may be behind the previous leader's until we commit in our term.
      if (this.pendingReadIndexMessages.length >= this.cfg.maxPendingReadIndexRequests) {
        throw new ErrProposalDropped("pending-reads-limit", `${this.pendingReadIndexMessages.length} reads already wait`);
      }
      this.pendingReadIndexMessages.push(m);
      return;
    }
    this.confirmReadIndex(m);
  }

  /** Record the read at the commit index and confirm leadership with a heartbeat round. */
  private confirmReadIndex(m: Message): void {
    if (this.readOnly.size() >= this.cfg.maxPendingReadIndexRequests) {
      throw new ErrProposalDropped("pending-reads-limit", `${this.readOnly.size()} reads already wait for a quorum`);
    }
    this.readOnly.addRequest(this.raftLog.committed, m);
    this.readOnly.recvAck(this.id, m.context);
    this.bcastHeartbeat(m.context);
  }

  private answerReadIndex(req: Message, index: number): void {
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index, requestCtx: req.context });
      return;
    }
    this.send(newMessage({ type: "MsgReadIndexResp", to: req.from, from: this.id, index, context: req.context }));
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const msgs = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of msgs) {
      try {
        this.confirmReadIndex(m);
      } catch (err) {
        if (!(err instanceof ErrProposalDropped)) throw err;
      }
    }
  }

  private handleAppendResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    if (m.reject) {
      // Fast backtracking: skip every index whose term cannot match the follower's hint.
      let nextProbeIdx = m.rejectHint;
      if (m.logTerm > 0) nextProbeIdx = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm)[0];
      if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
        if (pr.state === "Replicate") pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    if (!(pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === "Probe"))) return;
    if (pr.state === "Probe") {
      pr.becomeReplicate();
    } else if (pr.state === "Snapshot" && pr.match + 1 >= this.raftLog.firstIndex()) {
      // The follower caught up past the compaction point without the snapshot.
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === "Replicate") {
      pr.inflights.freeLE(m.index);
    }
    if (this.maybeCommit()) {
      this.releasePendingReadIndexMessages();
      this.bcastAppend();
    } else if (m.from !== this.id && pr.canBumpCommit(this.raftLog.committed)) {
      // It missed the broadcast of the current commit index (e.g. it was probing then).
      this.sendAppend(m.from);
    }
    // Flow control may have opened: send as many size-bounded MsgApp as the window allows.
    while (this.maybeSendAppend(m.from, false)) {
      // keep sending
    }
    if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
      this.sendTimeoutNow(m.from);
    }
  }

  private handleHeartbeatResponse(m: Message, pr: Progress): void {
    pr.recentActive = true;
    pr.msgAppFlowPaused = false;
    // If every in-flight MsgApp (or its ack) was lost, the window would stay full forever:
    // free one slot so that an append goes out and its answer resynchronizes next.
    if (pr.state === "Replicate" && pr.inflights.full()) pr.inflights.freeFirstOne();
    if (pr.match < this.raftLog.lastIndex()) this.sendAppend(m.from);
    if (m.context.byteLength === 0) return;
    const acks = this.readOnly.recvAck(m.from, m.context);
    if (acks === undefined) return;
    let granted = 0;
    for (const id of acks) if (this.trk.voters.has(id)) granted++;
    if (granted < Math.floor(this.trk.voters.size / 2) + 1) return;
    for (const rs of this.readOnly.advance(m.context)) this.answerReadIndex(rs.req, rs.index);
  }

  private leaderTransfer(transferee: NodeId, pr: Progress): void {
    if (pr.isLearner) return;
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return; // already under way
      this.abortLeaderTransfer();
    }
    if (transferee === this.id) return;
    // The transfer must finish within one election timeout.
    this.electionElapsed = 0;
    this.leadTransferee = transferee;
    if (pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(transferee);
    else this.sendAppend(transferee);
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send(newMessage({ type: "MsgTimeoutNow", to, from: this.id }));
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  private stepCandidate(m: Message): void {
    const myVoteResp: MessageType = this.state === "PreCandidate" ? "MsgPreVoteResp" : "MsgVoteResp";
    switch (m.type) {
      case "MsgProp":
      case "MsgReadIndex":
        throw new ErrProposalDropped("no-leader", `node ${this.id} is campaigning in term ${this.term}`);
      case "MsgApp":
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return;
      case "MsgHeartbeat":
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case "MsgTransferLeader":
        throw new ErrProposalDropped("no-leader", `node ${this.id} is campaigning; no leader to transfer from`);
      default:
        break;
    }
    if (m.type !== myVoteResp) return;
    const res = this.poll(m.from, m.type, !m.reject);
    if (res === "Won") {
      if (this.state === "PreCandidate") {
        this.campaign("Election");
      } else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (res === "Lost") {
      // The vote response that beat us may carry a higher term; step() already adopted it.
      this.becomeFollower(this.term, NONE);
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case "MsgProp":
        if (this.lead === NONE) throw new ErrProposalDropped("no-leader", `node ${this.id} knows no leader in term ${this.term}`);
        if (m.entries.some((e) => e.type === "ConfChange")) {
          throw new ErrProposalDropped("not-leader", `propose conf changes at the leader (node ${this.lead})`);
        }
        this.send({ ...m, to: this.lead });
        return;
      case "MsgApp":
        this.heardFromLeader(m.from);
        this.handleAppendEntries(m);
        return;
      case "MsgHeartbeat":
        this.heardFromLeader(m.from);
        this.handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.heardFromLeader(m.from);
        this.handleSnapshot(m);
        return;
      case "MsgUnreachable":
        if (this.cfg.hastenElectionOnLeaderLoss && this.lead !== NONE && m.from === this.lead) this.hastenElection();
        return;
      case "MsgTransferLeader":
        if (this.lead === NONE) throw new ErrProposalDropped("no-leader", `node ${this.id} knows no leader to ask`);
        this.send({ ...m, to: this.lead });
        return;
      case "MsgTimeoutNow":
        // The leader asked us to take over: campaign at once, even inside a lease.
        this.hup("Transfer");
        return;
      case "MsgReadIndex":
        if (this.lead === NONE) throw new ErrProposalDropped("no-leader", `node ${this.id} knows no leader for a read`);
        this.send({ ...m, to: this.lead });
        return;
      case "MsgReadIndexResp":
        this.readStates.push({ index: m.index, requestCtx: m.context });
        return;
      default:
        return;
    }
  }

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      // Everything up to our commit index matches the leader; tell it so.
      this.send(newMessage({ type: "MsgAppResp", to: m.from, from: this.id, index: this.raftLog.committed }));
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send(newMessage({ type: "MsgAppResp", to: m.from, from: this.id, index: lastNew }));
      return;
    }
    // Reject with a hint: the largest index at which our log might still match the leader's,
    // and its term, so the leader can skip whole terms instead of one entry per round trip.
    const [hintIndex, hintTerm] = this.raftLog.findConflictByTerm(
      Math.min(m.index, this.raftLog.lastIndex()),
      m.logTerm,
    );
    this.send(
      newMessage({
        type: "MsgAppResp",
        to: m.from,
        from: this.id,
        index: m.index,
        reject: true,
        rejectHint: hintIndex,
        logTerm: hintTerm,
      }),
    );
  }

  private handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send(newMessage({ type: "MsgHeartbeatResp", to: m.from, from: this.id, context: m.context }));
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (s === undefined) throw new RaftInvariantError(`raft ${this.id}: MsgSnap from ${m.from} without a snapshot`);
    const index = this.restore(s) ? this.raftLog.lastIndex() : this.raftLog.committed;
    this.send(newMessage({ type: "MsgAppResp", to: m.from, from: this.id, index }));
  }

  /** Install a snapshot unless we already have its entries. Returns whether it was installed. */
  private restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.raftLog.committed) return false;
    if (this.state !== "Follower") throw new RaftInvariantError(`raft ${this.id}: restore as ${this.state}`);
    if (this.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
      // We hold the snapshot's last entry, hence everything before it: just commit.
      this.raftLog.commitTo(s.metadata.index);
      return false;
    }
    this.raftLog.restore(s);
    this.switchToConfig(s.metadata.confState);
    return true;
  }

  // ---------------------------------------------------------------------------------------
  // Membership

  /** Apply a committed conf change (called by the application when it applies the entry). */
  applyConfChange(cc: ConfChange): ConfState {
    return this.switchToConfig(applyConfChangeTo(this.trk.confState(), cc));
  }

  private switchToConfig(cs: ConfState): ConfState {
    this.trk.applyConf(cs, this.raftLog.lastIndex());
    const self = this.trk.progress.get(this.id);
    this.isLearner = self !== undefined && self.isLearner;
    if (this.state !== "Leader") return this.trk.confState();
    if (self === undefined || this.isLearner) {
      // This leader was removed (or demoted): hand over by stepping down.
      this.becomeFollower(this.term, NONE);
      return this.trk.confState();
    }
    // The quorum changed: commit may advance, and new members need the log.
    if (this.maybeCommit()) this.bcastAppend();
    else this.forEachPeer((id) => this.maybeSendAppend(id, false));
    if (this.leadTransferee !== NONE && !this.trk.voters.has(this.leadTransferee)) this.abortLeaderTransfer();
    return this.trk.confState();
  }
}
