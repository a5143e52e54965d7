// The compiled configuration of one server, validated once; errors name the bad value.
import type { Logger } from "../log/logger.js";
import type { Peer } from "./peers.js";

export interface ServerConfig {
  name: string;
  data_dir: string;
  /** Address both listeners bind to. */
  bind: string;
  /** Host other servers, agents and clients use to reach this one. */
  advertise: string;
  http_port: number;
  raft_port: number;
  /** Sorted initial peers, when this server helps create a cluster. */
  bootstrap?: Peer[];
  /** HTTP addresses (host:port) of servers of the cluster to join. */
  join?: string[];
  logger: Logger;
  /** Raft timing; the defaults suit a LAN (100 ms ticks, 1 s election timeout). */
  tick_ms?: number;
  election_ticks?: number;
  snapshot_entries?: number;
}

/** Bound on how long one forwarded request or join call may take. */
export const forward_timeout_ms = 10_000;
/** Bound on join attempts before `orch server --join` gives up. */
export const join_attempts_max = 30;
/** Pause between join attempts. */
export const join_retry_ms = 1_000;
/** Period of the leader's housekeeping (learner promotion) and address announcements. */
export const housekeeping_ms = 500;
/** A learner within this many entries of the leader's last index is promoted to voter. */
export const promote_lag_entries = 64;
