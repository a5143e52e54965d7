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
 *       2. only then send rd.messages. A vote or an append acknowledgement that leaves
 *          before the vote / entries are durable can lose committed data after a crash.
 *       3. apply rd.snapshot (if any) to the state machine, then rd.committedEntries in order;
 *          for a "ConfChange" entry call node.applyConfChange(decodeConfChange(e.data)).
 *          Serve reads in rd.readStates once applied >= readState.index.
 *       4. node.advance(rd).
 *
 * This implementation does not send a leader's MsgApp before its own entries are durable
 * (the thesis allows it, §10.2.1); keeping the order above keeps the rule simple.
 *
 * Restart: build a new RawNode over the same storage, with `applied` set to the index the
 * state machine reflects (e.g. the snapshot index it restored from). initialState().confState
 * must reflect every conf change up to `applied`; later ones are re-applied from the log.
 *
 * A broken invariant throws RaftInvariantError; the node must then be dropped, not reused.
 */
import type {
  ConfChange,
  ConfState,
  Config,
  Message,
  NodeId,
  Ready,
  SnapshotStatus,
  Status,
} from "./types.js";

export class RawNode {
  constructor(config: Config) {
    void config;
    throw new Error("raft: RawNode not built yet");
  }

  /** Advance logical time by one tick (elections, heartbeats, quorum checks, transfer timeout). */
  tick(): void {
    throw new Error("raft: not built yet");
  }

  /** Start an election now (if this node may campaign). */
  campaign(): void {
    throw new Error("raft: not built yet");
  }

  /** Propose application data. Throws ErrProposalDropped (no leader, transfer, back-pressure). */
  propose(data: Uint8Array): void {
    void data;
    throw new Error("raft: not built yet");
  }

  /**
   * Propose a membership change (leader only). Throws ErrProposalDropped if one is pending,
   * if this leader has not committed an entry of its term, or if the change is invalid.
   */
  proposeConfChange(cc: ConfChange): void {
    void cc;
    throw new Error("raft: not built yet");
  }

  /** Apply a committed conf change entry; returns the new membership. */
  applyConfChange(cc: ConfChange): ConfState {
    void cc;
    throw new Error("raft: not built yet");
  }

  /** Feed a message from a peer. Throws ErrStepLocalMsg for local-only message types. */
  step(m: Message): void {
    void m;
    throw new Error("raft: not built yet");
  }

  /** Request a linearizable read point; ctx must be unique per request. Result comes as a ReadState. */
  readIndex(ctx: Uint8Array): void {
    void ctx;
    throw new Error("raft: not built yet");
  }

  /** Ask the leader to hand leadership to `to` (abandoned after one election timeout). */
  transferLeader(to: NodeId): void {
    void to;
    throw new Error("raft: not built yet");
  }

  /** Tell the leader that the last message to `id` could not be delivered. */
  reportUnreachable(id: NodeId): void {
    void id;
    throw new Error("raft: not built yet");
  }

  /** Tell the leader whether sending a snapshot to `id` finished or failed. */
  reportSnapshot(id: NodeId, status: SnapshotStatus): void {
    void id;
    void status;
    throw new Error("raft: not built yet");
  }

  hasReady(): boolean {
    throw new Error("raft: not built yet");
  }

  ready(): Ready {
    throw new Error("raft: not built yet");
  }

  /** Acknowledge that the Ready was persisted, sent and applied. */
  advance(rd: Ready): void {
    void rd;
    throw new Error("raft: not built yet");
  }

  status(): Status {
    throw new Error("raft: not built yet");
  }
}
