// One simulated server: a durable disk that survives crashes, and volatile state that does not.
import {
  MemoryStorage,
  RawNode,
  newRand,
  type ConfState,
  type StateType,
} from "../../raft/index.js";
import { KvStateMachine } from "./kv_fsm.js";
import type { ClientRequest } from "./protocol.js";

/** Where in the Ready loop an armed crash strikes. */
export type CrashPoint = "before-persist" | "after-persist" | "after-send" | "after-apply";
export const crash_points: readonly CrashPoint[] = ["before-persist", "after-persist", "after-send", "after-apply"];

export interface RaftTimings {
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
}

/** Everything a crash throws away. */
export class VolatileState {
  lead = 0;
  raftState: StateType = "Follower";
  /** Term last reported by status(); refreshed when the node becomes leader. */
  leaderTerm = 0;
  /** Writes (and log reads) proposed here, by request key, waiting to be applied. */
  readonly pendingWrites = new Map<string, ClientRequest>();
  /** ReadIndex requests by context, waiting for their ReadState. */
  readonly pendingReads = new Map<string, ClientRequest>();
  /** Reads whose read index is known, waiting for applied >= index. */
  waitingReads: Array<{ readonly index: number; readonly request: ClientRequest }> = [];
  readContextSeq = 0;

  constructor(
    readonly raft: RawNode,
    public fsm: KvStateMachine,
    public applied: number,
    public confState: ConfState,
  ) {}
}

export class SimNode {
  /** The disk: only the simulator's persist step writes it. */
  readonly storage: MemoryStorage;
  private state: VolatileState | null = null;
  crashPoint: CrashPoint | null = null;
  startCount = 0;
  /** Set when the node has been removed from the cluster and stopped for good. */
  retired = false;

  constructor(
    readonly id: number,
    storage: MemoryStorage,
  ) {
    this.storage = storage;
  }

  get up(): boolean {
    return this.state !== null;
  }

  /** The volatile state of a running node; throws if it is down (a simulator bug). */
  get live(): VolatileState {
    if (this.state === null) throw new Error(`sim: node ${this.id} is down`);
    return this.state;
  }

  /** Boots (or reboots) from the disk alone: the snapshot, then the log replayed by Raft. */
  start(randSeed: number, timings: RaftTimings): void {
    if (this.state !== null) throw new Error(`sim: node ${this.id} is already up`);
    const snapshot = this.storage.snapshot();
    const raft = new RawNode({
      id: this.id,
      electionTicks: timings.electionTicks,
      heartbeatTicks: timings.heartbeatTicks,
      storage: this.storage,
      rand: newRand(randSeed),
      applied: snapshot.metadata.index,
      preVote: timings.preVote,
      checkQuorum: timings.checkQuorum,
      coalesceMessages: true, // as the server runs it
      hastenElectionOnLeaderLoss: true,
    });
    this.state = new VolatileState(
      raft,
      KvStateMachine.restore(snapshot.data),
      snapshot.metadata.index,
      snapshot.metadata.confState,
    );
    this.crashPoint = null;
    this.startCount += 1;
  }

  /** Loses everything not on the disk, including a Ready being handled. */
  crash(): void {
    this.state = null;
    this.crashPoint = null;
  }
}
