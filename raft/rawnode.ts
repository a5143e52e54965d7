// RawNode: the public, synchronous face of the Raft core, driven by the caller's Ready loop.
/**
 * The Raft core does no I/O. The caller owns the clock, the disk and the network:
 *
 *   loop:
 *     on timer        → node.tick()
 *     on network msg  → node.step(msg)
 *     on client write → node.propose(data)          (throws ErrProposalDropped, never queues)
 *     on client read  → node.readIndex(ctx)         (answer arrives as a ReadState)
 *     while node.hasReady():
 *       rd = node.ready()
 *       1. persist, atomically and (if rd.mustSync) durably:
 *          rd.snapshot (if any), then rd.entries (appending; they may replace a suffix),
 *          then rd.hardState (if any).
 *       2. send rd.messages once that write is durable, except the messages that promise
 *          nothing about this node's disk, which may leave before or while it is written:
 *            - a leader's MsgApp, MsgHeartbeat and MsgSnap, unless rd.hardState changes the
 *              term or the vote (a leader must never speak for a term it could forget);
 *            - requests forwarded to the leader: MsgProp, MsgReadIndex, MsgTransferLeader.
 *          Everything else waits: a vote or an append acknowledgement that leaves before the
 *          vote / entries are durable can lose committed data after a crash.
 *       3. apply rd.snapshot (if any) to the state machine, then rd.committedEntries in order;
 *          for a "ConfChange" entry call node.applyConfChange(decodeConfChange(e.data)).
 *          Serve reads in rd.readStates once applied >= readState.index.
 *       4. node.advance(rd).
 *
 * Transport duties: when a MsgSnap could not be delivered, call reportSnapshot(to, "failure")
 * (the leader sends nothing else to that follower while a snapshot is in flight; a delivered
 * snapshot is acknowledged by the follower itself). When any message to a peer fails, calling
 * reportUnreachable(to) makes the leader probe it again instead of pipelining blindly.
 *
 * Why a leader's appends may leave before its own write (Raft thesis §10.2.1): the leader
 * counts its entries as stored the moment it appends them (raft.ts appendEntry), so followers'
 * acknowledgements can commit an entry while the leader's copy is still being written. That
 * commit reaches nobody until a later Ready (committedEntries, the commit index in messages,
 * ReadStates), and ready() cannot be called again before advance(rd), which comes after step
 * 1 completed: by then the leader's copy is durable. A leader that crashes before its write
 * completes has told nobody; the entry is committed only if a majority holds it durably,
 * which the followers' own rule (acknowledge only what is durable) guarantees.
 * internal/raftnode/node.ts is the driver that does this; the simulator (test/sim) runs it
 * against disks that crash between a write and its fsync.
 *
 * Restart: build a new RawNode over the same storage, with `applied` set to the index the
 * state machine reflects (e.g. the snapshot index it restored from). initialState().confState
 * must reflect every conf change up to `applied`; later ones are re-applied from the log.
 *
 * A broken invariant throws RaftInvariantError; the node must then be dropped, not reused.
 */
import { coalesceMessages } from "./coalesce.js";
import { encodeConfChange } from "./confchange_codec.js";
import { Raft } from "./raft.js";
import {
  ErrProposalDropped,
  ErrStepLocalMsg,
  NONE,
  RaftError,
  RaftInvariantError,
  type ConfChange,
  type ConfState,
  type Config,
  type HardState,
  type Message,
  type NodeId,
  type ProgressStatus,
  type Ready,
  type SnapshotStatus,
  type SoftState,
  type Status,
} from "./types.js";
import { isLocalMsg, newMessage } from "./util.js";

export class RawNode {
  private readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  /** The Ready handed out and not yet advanced; only one may be outstanding. */
  private outstanding: Ready | undefined = undefined;
  /** Set by the first broken invariant; every later call rethrows it. */
  private failure: RaftError | undefined = undefined;

  constructor(config: Config) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  /** Run fn; a broken invariant poisons the node so it cannot limp on. */
  private guard<T>(fn: () => T): T {
    if (this.failure !== undefined) throw this.failure;
    try {
      return fn();
    } catch (err) {
      if (err instanceof RaftInvariantError) this.failure = err;
      throw err;
    }
  }

  /** Advance logical time by one tick (elections, heartbeats, quorum checks, transfer timeout). */
  tick(): void {
    this.guard(() => this.raft.tick());
  }

  /** Start an election now (if this node may campaign). */
  campaign(): void {
    this.guard(() => this.raft.step(newMessage({ type: "MsgHup", to: this.raft.id, from: NONE })));
  }

  /** Propose application data. Throws ErrProposalDropped (no leader, transfer, back-pressure). */
  propose(data: Uint8Array): void {
    this.guard(() =>
      this.raft.step(
        newMessage({ type: "MsgProp", to: NONE, from: NONE, entries: [{ term: 0, index: 0, type: "Normal", data }] }),
      ),
    );
  }

  /**
   * Propose a membership change (leader only). Throws ErrProposalDropped if one is pending,
   * if this leader has not committed an entry of its term, or if the change is invalid.
   */
  proposeConfChange(cc: ConfChange): void {
    this.guard(() => {
      if (this.raft.state !== "Leader") {
        throw new ErrProposalDropped("not-leader", `node ${this.raft.id} is not the leader (leader: ${this.raft.lead})`);
      }
      const entry = { term: 0, index: 0, type: "ConfChange" as const, data: encodeConfChange(cc) };
      this.raft.step(newMessage({ type: "MsgProp", to: NONE, from: NONE, entries: [entry] }));
    });
  }

  /** Apply a committed conf change entry; returns the new membership. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.guard(() => this.raft.applyConfChange(cc));
  }

  /**
   * Feed a message from a peer. Throws ErrStepLocalMsg for local-only message types.
   * Responses from non-members and requests a leader refuses are dropped silently.
   */
  step(m: Message): void {
    this.guard(() => {
      if (isLocalMsg(m.type)) throw new ErrStepLocalMsg(`raft: ${m.type} is local to a node and cannot be stepped`);
      try {
        this.raft.step(m);
      } catch (err) {
        // A forwarded proposal or read refused at the leader: the origin will time out and retry.
        if (err instanceof ErrProposalDropped) return;
        throw err;
      }
    });
  }

  /**
   * Request a linearizable read point. ctx must be unique across the cluster (e.g. prefix it
   * with the node id). The answer is a ReadState in a later Ready (on this node, also when it
   * is a follower); serve the read once applied >= index. Throws ErrProposalDropped when no
   * leader is known; a read lost on the way simply never answers, so time out and retry.
   */
  readIndex(ctx: Uint8Array): void {
    this.guard(() => this.raft.step(newMessage({ type: "MsgReadIndex", to: NONE, from: NONE, context: ctx })));
  }

  /**
   * Ask the leader to hand leadership to `to` (abandoned after one election timeout). A
   * follower forwards the request; throws ErrProposalDropped("no-leader") if none is known.
   * Ignored for a learner, a non-member or the leader itself.
   */
  transferLeader(to: NodeId): void {
    this.guard(() => this.raft.step(newMessage({ type: "MsgTransferLeader", to: this.raft.id, from: to })));
  }

  /** Tell the leader that the last message to `id` could not be delivered. */
  reportUnreachable(id: NodeId): void {
    this.guard(() => this.raft.step(newMessage({ type: "MsgUnreachable", to: this.raft.id, from: id })));
  }

  /** Tell the leader whether sending a snapshot to `id` finished or failed. */
  reportSnapshot(id: NodeId, status: SnapshotStatus): void {
    this.guard(() =>
      this.raft.step(newMessage({ type: "MsgSnapStatus", to: this.raft.id, from: id, reject: status === "failure" })),
    );
  }

  hasReady(): boolean {
    if (this.failure !== undefined || this.outstanding !== undefined) return false;
    const r = this.raft;
    const ss = r.softState();
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) return true;
    if (!hardStateEqual(r.hardState(), this.prevHardState)) return true;
    const log = r.raftLog;
    return (
      log.unstable.snapshot !== undefined ||
      log.unstable.entries.length > 0 ||
      r.msgs.length > 0 ||
      r.readStates.length > 0 ||
      log.hasNextCommittedEnts()
    );
  }

  /**
   * The work to do now (see the module comment for the order). Call advance(rd) before the
   * next ready(); stepping and ticking in between is allowed.
   */
  ready(): Ready {
    return this.guard(() => {
      if (this.outstanding !== undefined) {
        throw new RaftInvariantError("raft: ready() called again before advance() of the previous Ready");
      }
      const r = this.raft;
      r.raftLog.checkInvariants();
      const ss = r.softState();
      const hs = r.hardState();
      const softChanged = ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState;
      const hardChanged = !hardStateEqual(hs, this.prevHardState);
      const entries = r.raftLog.unstableEntries();
      const snapshot = r.raftLog.unstable.snapshot;
      const rd: Ready = {
        ...(softChanged ? { softState: ss } : {}),
        ...(hardChanged ? { hardState: hs } : {}),
        ...(snapshot !== undefined ? { snapshot } : {}),
        readStates: r.readStates,
        entries,
        committedEntries: r.raftLog.nextCommittedEnts(),
        messages: r.cfg.coalesceMessages ? coalesceMessages(r.msgs, r.cfg.maxSizePerMsgBytes) : r.msgs,
        mustSync:
          entries.length > 0 ||
          snapshot !== undefined ||
          hs.term !== this.prevHardState.term ||
          hs.vote !== this.prevHardState.vote,
      };
      r.msgs = [];
      r.readStates = [];
      this.outstanding = rd;
      return rd;
    });
  }

  /** Acknowledge that the Ready was persisted, sent and applied. */
  advance(rd: Ready): void {
    this.guard(() => {
      if (rd !== this.outstanding) throw new RaftInvariantError("raft: advance() with a Ready that is not the outstanding one");
      this.outstanding = undefined;
      const log = this.raft.raftLog;
      if (rd.softState !== undefined) this.prevSoftState = rd.softState;
      if (rd.hardState !== undefined) this.prevHardState = rd.hardState;
      if (rd.snapshot !== undefined) {
        log.stableSnapTo(rd.snapshot.metadata.index);
        log.appliedTo(rd.snapshot.metadata.index);
      }
      const lastEntry = rd.entries[rd.entries.length - 1];
      if (lastEntry !== undefined) log.stableTo(lastEntry.index, lastEntry.term);
      const lastCommitted = rd.committedEntries[rd.committedEntries.length - 1];
      if (lastCommitted !== undefined) {
        log.appliedTo(lastCommitted.index);
        this.raft.reduceUncommittedSize(rd.committedEntries);
      }
      log.checkInvariants();
    });
  }

  /**
   * Where the last proposal went, read right after propose(): the index of the last entry in
   * this node's log, and whether this node leads (then propose() appended the entry there).
   * Cheap, unlike status(), which copies the leader's progress table.
   */
  lastAppended(): { index: number; leader: boolean } {
    return { index: this.raft.raftLog.lastIndex(), leader: this.raft.state === "Leader" };
  }

  status(): Status {
    const r = this.raft;
    const progress = new Map<NodeId, ProgressStatus>();
    if (r.state === "Leader") for (const [id, pr] of r.trk.progress) progress.set(id, pr.status());
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      lastIndex: r.raftLog.lastIndex(),
      leadTransferee: r.leadTransferee,
      confState: r.trk.confState(),
      progress,
    };
  }
}

function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
