// Leader-only node liveness: heartbeats kept in memory, verdicts (down / back) committed through Raft.
import { CommandType } from "../../fsm/commands.js";
import type { LeaderEpoch, LeaderLoop } from "../leader/leadership.js";
import type { StateMachine } from "../../fsm/state.js";
import type { Logger } from "../../log/logger.js";
import type { RaftNode } from "../../raftnode/node.js";

export interface LivenessOptions {
  heartbeat_interval_ms: number;
  heartbeat_ttl_ms: number;
}

/** How often the leader looks for silent nodes. */
export const liveness_check_every_ms = 500;

export class Liveness implements LeaderLoop {
  readonly name = "liveness";
  private timer: NodeJS.Timeout | undefined;
  private readonly last_ms = new Map<string, number>();
  /** When this server became leader: every node gets a full TTL from then, so a new leader kills no one at once. */
  private leader_since_ms: number | undefined;
  private proposing = new Set<string>();

  constructor(
    private readonly fsm: StateMachine,
    private readonly node: RaftNode,
    private readonly log: Logger,
    readonly opts: LivenessOptions,
  ) {}

  /** Records a heartbeat; false when the node is unknown (it must register). */
  heartbeat(node_id: string, now_ms: number): boolean {
    if (this.fsm.nodes.get(node_id) === undefined) return false;
    this.last_ms.set(node_id, now_ms);
    return true;
  }

  /** Leadership established: every node gets a full TTL from now; checks every liveness_check_every_ms. */
  start(_epoch: LeaderEpoch, now_ms = Date.now()): void {
    this.leader_since_ms = now_ms;
    this.timer = setInterval(() => this.tick(Date.now()), liveness_check_every_ms);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.leader_since_ms = undefined;
    this.last_ms.clear();
  }

  /** Marks silent nodes down and heard-from ones back; only between start() and stop(). */
  tick(now_ms: number): void {
    if (this.leader_since_ms === undefined) return;
    for (const n of this.fsm.nodes.all()) {
      // A node registered (or back) after this leader took over counts from then, not from the takeover.
      const last = Math.max(this.last_ms.get(n.node_id) ?? 0, this.leader_since_ms, n.status === "ready" ? n.status_at_ms : 0);
      const silent_ms = now_ms - last;
      if (n.status === "ready" && silent_ms > this.opts.heartbeat_ttl_ms) {
        this.verdict(n.node_id, "down", `no heartbeat for ${Math.round(silent_ms / 1000)} s (ttl ${this.opts.heartbeat_ttl_ms / 1000} s)`);
      } else if (n.status === "down" && this.last_ms.has(n.node_id) && silent_ms <= this.opts.heartbeat_ttl_ms && this.last_ms.get(n.node_id)! > n.status_at_ms) {
        this.verdict(n.node_id, "ready", "heartbeats resumed");
      }
    }
  }

  private verdict(node_id: string, status: "ready" | "down", reason: string): void {
    if (this.proposing.has(node_id)) return;
    this.proposing.add(node_id);
    const name = this.fsm.nodes.get(node_id)?.name ?? node_id;
    this.node
      .propose({ type: CommandType.node_status, node_id, status, reason })
      .then(
        () => this.log[status === "down" ? "warn" : "info"](`node ${status}`, { node: name, reason }),
        (err: unknown) => this.log.debug("liveness verdict not committed", { node: name, error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => this.proposing.delete(node_id));
  }
}
