// The public data types of the Raft core: messages, entries, states, Ready, Config and errors.

/** A node id. 0 means "nobody" (no leader, no vote). */
export type NodeId = number;
export const NONE: NodeId = 0;

export type MessageType =
  // Local messages: produced by the node itself, never accepted from the network.
  | "MsgHup" // start an election (tick or campaign())
  | "MsgBeat" // leader: send heartbeats now
  | "MsgCheckQuorum" // leader: check that a quorum was active in the last election timeout
  | "MsgUnreachable" // reportUnreachable()
  | "MsgSnapStatus" // reportSnapshot()
  // Local or forwarded by a follower to its leader.
  | "MsgProp"
  | "MsgReadIndex"
  | "MsgTransferLeader"
  // Network messages between peers.
  | "MsgApp"
  | "MsgAppResp"
  | "MsgVote"
  | "MsgVoteResp"
  | "MsgPreVote"
  | "MsgPreVoteResp"
  | "MsgSnap"
  | "MsgHeartbeat"
  | "MsgHeartbeatResp"
  | "MsgTimeoutNow"
  | "MsgReadIndexResp";

export type EntryType = "Normal" | "ConfChange";

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Application payload; for "ConfChange" entries, encodeConfChange(cc). Empty for the leader's no-op. */
  readonly data: Uint8Array;
}

/** Must be persisted before any message of the same Ready is sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

export type StateType = "Follower" | "PreCandidate" | "Candidate" | "Leader";

/** Volatile state, useful for logging and for routing requests to the leader. Never persisted. */
export interface SoftState {
  readonly lead: NodeId;
  readonly raftState: StateType;
}

/** Cluster membership. Voters elect and count for commit; learners only receive the log. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/**
 * One-server-at-a-time membership change. "AddNode" on an existing learner promotes it;
 * "AddLearnerNode" on an existing voter is refused (demotion is remove + add learner).
 */
export type ConfChangeType = "AddNode" | "AddLearnerNode" | "RemoveNode";

export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  /** Opaque to Raft (e.g. the new member's address). */
  readonly context?: Uint8Array;
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  readonly data: Uint8Array;
}

export interface Message {
  readonly type: MessageType;
  readonly to: NodeId;
  readonly from: NodeId;
  /** 0 for local messages and for MsgProp / MsgReadIndex forwarded to the leader. */
  readonly term: number;
  /**
   * MsgApp: term of the entry at `index`. MsgVote/MsgPreVote: candidate's last log term.
   * MsgAppResp reject: term of the follower's entry at `rejectHint` (fast backtracking).
   */
  readonly logTerm: number;
  /**
   * MsgApp: index of the entry preceding `entries`. MsgAppResp: last matching index (accept)
   * or the rejected `index` (reject). MsgVote: candidate's last log index.
   */
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly reject: boolean;
  /** MsgAppResp reject: the largest follower index that may still match the leader. */
  readonly rejectHint: number;
  /** MsgReadIndex / MsgHeartbeat / responses: the read request context. Votes: CAMPAIGN_TRANSFER. */
  readonly context: Uint8Array;
  readonly snapshot?: Snapshot;
}

/** Marks a MsgVote that comes from a leadership transfer: it bypasses the leader lease. */
export const CAMPAIGN_TRANSFER: Uint8Array = new TextEncoder().encode("CampaignTransfer");

/** A read may be served once the applied index is at least `index`. */
export interface ReadState {
  readonly index: number;
  readonly requestCtx: Uint8Array;
}

/**
 * What the caller must do, in this order (see the doc comment in rawnode.ts):
 * persist `snapshot`, `entries`, `hardState` (synced if `mustSync`) → send `messages` →
 * apply `snapshot` then `committedEntries` → advance(ready).
 */
export interface Ready {
  /** Set only when it changed since the last Ready. */
  readonly softState?: SoftState;
  /** Set only when it changed since the last Ready. */
  readonly hardState?: HardState;
  readonly readStates: readonly ReadState[];
  /** To append to stable storage (may overwrite a conflicting suffix). */
  readonly entries: readonly Entry[];
  /** To persist and restore the state machine from, before applying committedEntries. */
  readonly snapshot?: Snapshot;
  /** Committed entries to apply to the state machine, in order. */
  readonly committedEntries: readonly Entry[];
  /** To send after entries, snapshot and hardState are durable. */
  readonly messages: readonly Message[];
  /** Whether the writes must be fsynced (vote, term or entries changed). */
  readonly mustSync: boolean;
}

/** A source of randomness; the core uses it only for election timeouts. */
export interface Rand {
  /** A uniformly distributed integer in [0, n). */
  intn(n: number): number;
}

export interface Config {
  /** This node's id, non-zero. */
  readonly id: NodeId;
  /** Ticks without hearing from a leader before a follower campaigns (randomized to [e, 2e)). */
  readonly electionTicks: number;
  /** Ticks between leader heartbeats; must be < electionTicks. */
  readonly heartbeatTicks: number;
  readonly storage: Storage;
  /** Seeded randomness for election timeouts (see rand.ts: newRand(seed)). */
  readonly rand: Rand;
  /** The last index already applied to the state machine (on restart). Default 0. */
  readonly applied?: number;
  /** Upper bound on the entry bytes in one MsgApp (at least one entry is always sent). Default 1 MiB. */
  readonly maxSizePerMsgBytes?: number;
  /** Upper bound on MsgApp in flight to one follower in replicate state. Default 256. */
  readonly maxInflightMsgs?: number;
  /** Upper bound on the payload bytes of uncommitted entries at the leader. Default 64 MiB. */
  readonly maxUncommittedEntriesBytes?: number;
  /** Upper bound on the bytes of committed entries in one Ready. Default 8 MiB. */
  readonly maxCommittedSizePerReadyBytes?: number;
  /** Upper bound on ReadIndex requests waiting for a new leader's first commit. Default 4096. */
  readonly maxPendingReadIndexRequests?: number;
  /** Run a pre-election so a partitioned node cannot inflate terms. Default true. */
  readonly preVote?: boolean;
  /** Leader steps down without a live quorum; followers honour a leader lease. Default true. */
  readonly checkQuorum?: boolean;
  /**
   * Merge each Ready's messages that say one thing in pieces (contiguous appends to one peer,
   * successive acknowledgements): see coalesce.ts. Default false (tests count messages).
   */
  readonly coalesceMessages?: boolean;
  /**
   * A follower told the leader is unreachable (reportUnreachable(leader): its process died and
   * closed its sockets) campaigns as soon as the leader's lease runs out instead of at a random
   * later tick, staggered by its rank among the other voters so survivors do not split the vote.
   * Hearing from a leader again restores the random timeout. Default false.
   */
  readonly hastenElectionOnLeaderLoss?: boolean;
}

/** The state a restarted node finds in storage. */
export interface InitialState {
  readonly hardState: HardState;
  readonly confState: ConfState;
}

/**
 * The read side of stable storage, as the core sees it. Synchronous: an implementation over
 * a disk keeps the log tail and hard state cached in memory and writes through.
 *
 * The log held is the entries (firstIndex()-1, lastIndex()]; the entry at firstIndex()-1 is
 * represented only by its term (the last snapshot's index and term), so term(firstIndex()-1)
 * must answer. An empty storage has firstIndex() = 1, lastIndex() = 0, term(0) = 0.
 */
export interface Storage {
  /** Hard state and membership saved so far (the snapshot's ConfState, updated by the caller). */
  initialState(): InitialState;
  /**
   * Entries [lo, hi), at most `maxBytes` by entrySizeBytes() but always at least one when
   * lo < hi. Throws ErrCompacted if lo < firstIndex(), ErrUnavailable if hi > lastIndex()+1.
   */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i, for firstIndex()-1 <= i <= lastIndex(). Throws ErrCompacted / ErrUnavailable. */
  term(i: number): number;
  /** Index of the first entry still held (snapshot index + 1). */
  firstIndex(): number;
  lastIndex(): number;
  /** The most recent snapshot. May throw ErrSnapshotTemporarilyUnavailable. */
  snapshot(): Snapshot;
}

/**
 * What one Ready asks to make durable, as one atomic write: the snapshot (replacing the log),
 * then the entries (truncating a conflicting suffix), then the hard state.
 */
export interface StorageWrite {
  readonly snapshot?: Snapshot;
  readonly entries: readonly Entry[];
  readonly hardState?: HardState;
}

export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: "Probe" | "Replicate" | "Snapshot";
  readonly isLearner: boolean;
  readonly recentActive: boolean;
  readonly pendingSnapshot: number;
  readonly inflight: number;
}

export interface Status {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly lastIndex: number;
  readonly leadTransferee: NodeId;
  readonly confState: ConfState;
  /** Per peer, only on the leader. */
  readonly progress: ReadonlyMap<NodeId, ProgressStatus>;
}

export type SnapshotStatus = "finish" | "failure";

// ---------------------------------------------------------------------------------------
// Errors

export class RaftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type DropReason =
  | "no-leader" // nobody to forward to; retry after a leader is known
  | "transfer-in-progress" // the leader is handing over; retry at the new leader
  | "uncommitted-bytes-limit" // back-pressure: wait for commits to catch up
  | "conf-change-pending" // one membership change at a time; retry after it is applied
  | "no-commit-in-term" // a new leader must commit an entry of its term first
  | "not-leader" // only the leader accepts membership changes and transfers
  | "invalid-conf-change" // e.g. removing the last voter, adding an existing voter again
  | "pending-reads-limit"; // too many reads waiting for a new leader's first commit

/** A proposal, conf change or read was refused and not queued. The caller may retry. */
export class ErrProposalDropped extends RaftError {
  constructor(
    readonly reason: DropReason,
    detail: string,
  ) {
    super(`raft: proposal dropped (${reason}): ${detail}`);
  }
}

/** step() was given a message type that only the node itself may create. */
export class ErrStepLocalMsg extends RaftError {}

/** A broken invariant: the node's state can no longer be trusted. Stop the node. */
export class RaftInvariantError extends RaftError {}

/** Invalid Config; the message names the bad field and value. */
export class RaftConfigError extends RaftError {}

// Storage errors (thrown by Storage implementations, handled by the core).
/** The requested index is older than the storage's first index: send a snapshot instead. */
export class ErrCompacted extends RaftError {}
/** The requested index is beyond the storage's last index. */
export class ErrUnavailable extends RaftError {}
/** The snapshot being applied is older than the one already held. */
export class ErrSnapOutOfDate extends RaftError {}
/** The snapshot is not ready yet; the leader will retry later. */
export class ErrSnapshotTemporarilyUnavailable extends RaftError {}
