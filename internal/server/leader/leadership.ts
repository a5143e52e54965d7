// Becoming and ceasing to be leader, in one place (as Nomad's establishLeadership/revokeLeadership):
// leader-only loops run between establish and revoke and never ask isLeader() on their own.
import type { Logger } from "../../log/logger.js";
import { NodeError } from "../../raftnode/errors.js";
import type { RoleChange } from "../../raftnode/node.js";

/** One term of leadership. Its signal aborts when leadership ends; work tied to it stops then. */
export interface LeaderEpoch {
  readonly term: number;
  readonly signal: AbortSignal;
}

/** A leader-only loop: started after the barrier of each term led, stopped when it ends. */
export interface LeaderLoop {
  readonly name: string;
  /** Rebuilds what it keeps from the replicated tables and starts; runs until stop(). */
  start(epoch: LeaderEpoch): void;
  /** Stops at once; work in flight fails with a retryable error. */
  stop(): void;
}

/** What the lifecycle needs of the Raft node. */
export interface BarrierSource {
  /** Resolves once the state machine has applied everything committed before the call (a ReadIndex). */
  linearizableRead(): Promise<void>;
}

/** Pause between barrier attempts while this server still leads the same term. */
const barrier_retry_ms = 100;
/** Barrier attempts per term: past them the term's leadership is left unestablished (logged). */
const barrier_attempts_max = 100;

/** The retryable error leader-only work fails with when leadership ends or is not yet established. */
export function notLeaderError(what: string): NodeError {
  return new NodeError("no_leader", `${what}: this server is no longer (or not yet) the established leader; retry against the new leader`, 503);
}

export class Leadership {
  private epoch: (LeaderEpoch & { abort: AbortController }) | undefined;
  /** The term being established (barrier pending), if any. */
  private establishing: number | undefined;
  private role: RoleChange = { state: "Follower", lead: 0, term: 0 };

  constructor(
    private readonly node: BarrierSource,
    private readonly loops: readonly LeaderLoop[],
    private readonly log: Logger,
  ) {}

  /** The current epoch, only once established. */
  current(): LeaderEpoch | undefined {
    return this.epoch;
  }

  /** Fed by the Raft node after every Ready that changed the role or the leader. */
  onRoleChange(role: RoleChange): void {
    this.role = role;
    const leads = role.state === "Leader";
    if (this.epoch !== undefined && (!leads || role.term !== this.epoch.term)) this.revoke(`now ${role.state} in term ${role.term}`);
    if (leads && this.epoch === undefined && this.establishing !== role.term) void this.establish(role.term);
  }

  /** Ends leadership for good (the server is stopping). */
  stop(): void {
    this.role = { state: "Follower", lead: 0, term: this.role.term };
    this.establishing = undefined;
    if (this.epoch !== undefined) this.revoke("the server is stopping");
  }

  private stillLeading(term: number): boolean {
    return this.role.state === "Leader" && this.role.term === term;
  }

  /**
   * Waits until the state machine has applied the new term's first entry (a ReadIndex succeeds
   * only after the leader committed an entry of its own term), so that every loop rebuilds from
   * tables that include everything any earlier leader committed.
   */
  private async establish(term: number): Promise<void> {
    this.establishing = term;
    const started_ms = Date.now();
    for (let attempt = 1; attempt <= barrier_attempts_max; attempt++) {
      if (!this.stillLeading(term) || this.establishing !== term) return;
      try {
        await this.node.linearizableRead();
        break;
      } catch (err) {
        if (attempt === barrier_attempts_max) {
          this.log.error("leadership not established: the barrier never completed", { term, error: err instanceof Error ? err.message : String(err) });
          this.establishing = undefined;
          return;
        }
        await new Promise((r) => setTimeout(r, barrier_retry_ms));
      }
    }
    if (!this.stillLeading(term) || this.establishing !== term) return;
    this.establishing = undefined;
    const abort = new AbortController();
    this.epoch = { term, signal: abort.signal, abort };
    for (const loop of this.loops) {
      try {
        loop.start(this.epoch);
      } catch (err) {
        // A loop that cannot start leaves this server unable to lead: hand leadership on by failing loudly.
        this.log.error("leader loop failed to start", { loop: loop.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    this.log.info("leadership established", { term, barrier_ms: Date.now() - started_ms, loops: this.loops.map((l) => l.name).join(",") });
  }

  private revoke(why: string): void {
    const epoch = this.epoch;
    if (epoch === undefined) return;
    this.epoch = undefined;
    epoch.abort.abort(notLeaderError("leadership ended"));
    for (const loop of [...this.loops].reverse()) {
      try {
        loop.stop();
      } catch (err) {
        this.log.error("leader loop failed to stop", { loop: loop.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    this.log.info("leadership revoked", { term: epoch.term, why });
  }
}
