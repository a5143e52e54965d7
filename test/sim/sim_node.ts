// One simulated server: a disk that outlives crashes, and a process (the production RaftNode
// driving the real StateMachine) that does not.
import type { ConfChange, ConfState, Entry, InitialState, Snapshot, StorageWrite } from "../../raft/index.js";
import type { Clock } from "../../internal/raftnode/clock.js";
import type { NodeStorage } from "../../internal/raftnode/storage.js";
import { RaftNode, type NodeTransport } from "../../internal/raftnode/node.js";
import type { Logger } from "../../internal/log/logger.js";
import { Owner } from "./scheduler.js";
import type { SimDisk } from "./sim_disk.js";
import type { NodeTimings, SnapshotPolicy } from "./sim_options.js";
import { TracedStateMachine, type ApplyObserver } from "./traced_fsm.js";

/** How a process of the simulation is wired to the world, per server. */
export interface NodeWiring {
  readonly tick_ms: number;
  readonly timings: NodeTimings;
  readonly snapshot: SnapshotPolicy;
  readonly request_timeout_ms: number;
  clock(owner: Owner): Clock;
  transport(nodeId: number, owner: Owner): NodeTransport;
  logger(nodeId: number): Logger;
  readonly observer: ApplyObserver;
  onMembershipChange(nodeId: number, change: ConfChange | undefined): void;
}

/**
 * The disk as one process sees it. A killed process writes nothing more: promise jobs it had
 * queued when it died still run (the simulator cannot unwind them), so its writes are dropped
 * here, and their promises never settle.
 */
class ProcessDisk implements NodeStorage {
  constructor(
    private readonly disk: SimDisk,
    private readonly owner: Owner,
  ) {}
  initialState(): InitialState {
    return this.disk.initialState();
  }
  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    return this.disk.entries(lo, hi, maxBytes);
  }
  term(i: number): number {
    return this.disk.term(i);
  }
  firstIndex(): number {
    return this.disk.firstIndex();
  }
  lastIndex(): number {
    return this.disk.lastIndex();
  }
  snapshot(): Snapshot {
    return this.disk.snapshot();
  }
  save(write: StorageWrite, sync: boolean): Promise<void> {
    return this.owner.alive ? this.disk.save(write, sync) : never<void>();
  }
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Promise<Snapshot> {
    return this.owner.alive ? this.disk.createSnapshot(i, confState, data) : never<Snapshot>();
  }
  compact(compactIndex: number): Promise<void> {
    return this.owner.alive ? this.disk.compact(compactIndex) : never<void>();
  }
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** One life of a server process: everything a crash throws away. */
export class Incarnation {
  readonly owner = new Owner();
  readonly fsm: TracedStateMachine;
  readonly raft: RaftNode;
  /** The last term this process was seen leading once its Ready was on disk. */
  leaderTerm = 0;

  constructor(id: number, disk: SimDisk, seed: number, wiring: NodeWiring) {
    this.fsm = new TracedStateMachine(id, wiring.observer);
    const every = wiring.snapshot.everyEntries;
    this.raft = new RaftNode({
      id,
      storage: new ProcessDisk(disk, this.owner),
      fsm: this.fsm,
      transport: wiring.transport(id, this.owner),
      logger: wiring.logger(id),
      clock: wiring.clock(this.owner),
      seed,
      tick_ms: wiring.tick_ms,
      election_ticks: wiring.timings.electionTicks,
      heartbeat_ticks: wiring.timings.heartbeatTicks,
      // Small thresholds so runs snapshot often; the byte condition is always met.
      snapshot_entries: every ?? Number.MAX_SAFE_INTEGER,
      snapshot_log_bytes_max: 0,
      snapshot_catchup_entries: wiring.snapshot.keepEntries,
      request_timeout_ms: wiring.request_timeout_ms,
      onMembershipChange: (change) => wiring.onMembershipChange(id, change),
    });
  }
}

export class SimNode {
  private state: Incarnation | null = null;
  startCount = 0;
  /** Set when the node has been removed from the cluster and stopped for good. */
  retired = false;
  /** A crash armed to strike at this server's next synced write (while its fsync runs, or once it returned). */
  armed: "mid-write" | "after-write" | null = null;
  /** When an armed crash whose write never came strikes anyway. */
  armedUntilTick = 0;

  constructor(
    readonly id: number,
    readonly disk: SimDisk,
  ) {}

  get up(): boolean {
    return this.state !== null;
  }

  /** The running process; throws if it is down (a simulator bug). */
  get live(): Incarnation {
    if (this.state === null) throw new Error(`sim: node ${this.id} is down`);
    return this.state;
  }

  /** Boots from the disk alone, as `orch server` does after a restart. */
  start(seed: number, wiring: NodeWiring): void {
    if (this.state !== null) throw new Error(`sim: node ${this.id} is already up`);
    this.state = new Incarnation(this.id, this.disk, seed, wiring);
    this.armed = null;
    this.startCount += 1;
    this.state.raft.start();
  }

  /** kill -9: the process and its timers are gone, and the disk keeps what it keeps. */
  crash(): void {
    if (this.state === null) return;
    this.state.owner.alive = false;
    this.state = null;
    this.armed = null;
    this.disk.crash();
  }
}
