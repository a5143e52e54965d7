// The compiled configuration of one server, validated once; errors name the bad value.
import os from "node:os";
import { UsageError } from "../cli/errors.js";
import { bind_address_default, http_port_default, raft_port_default } from "../defaults.js";
import type { Logger } from "../log/logger.js";
import type { ServerMeta } from "./meta.js";
import { parseHostPort, type Peer } from "./peers.js";

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
  /** Agents heartbeat this often; a node silent for the TTL is down and its tasks LOST. */
  heartbeat_interval_ms?: number;
  heartbeat_ttl_ms?: number;
  /** Mesos frameworks: offers held this long are rescinded (0: never); HEARTBEAT events this often. */
  offer_timeout_ms?: number;
  framework_heartbeat_ms?: number;
  /**
   * Caps the command-set version this server applies and announces (default: the build's own).
   * Hidden (ORCH_COMMAND_SET_VERSION): lets a test run a new build as if it were an older one.
   */
  command_set_version?: number;
}

/** What flags, environment and config file gave; unset fields come from the data folder or defaults. */
export type ServerOptions = Omit<ServerConfig, "name" | "bind" | "advertise" | "http_port" | "raft_port"> &
  Partial<Pick<ServerConfig, "name" | "bind" | "advertise" | "http_port" | "raft_port">>;

/**
 * Given options first, then what the data folder recorded at the last start (so a restart
 * needs nothing but --data-dir), then what the --bootstrap list says of this server, then
 * defaults.
 */
export function resolveConfig(o: ServerOptions, meta: ServerMeta | undefined): ServerConfig {
  const name = o.name ?? meta?.name ?? os.hostname().split(".")[0] ?? "server";
  const own = o.bootstrap?.find((p) => p.name === name);
  const ownAddr = own !== undefined ? parseHostPort("--bootstrap", own.raft_addr) : undefined;
  const bind = o.bind ?? meta?.listen?.bind ?? bind_address_default;
  const advertise = o.advertise ?? ownAddr?.host ?? meta?.listen?.advertise ?? (bind === "0.0.0.0" || bind === "::" ? undefined : bind);
  if (advertise === undefined) throw new UsageError("--advertise is needed when --bind is 0.0.0.0: give the address other machines reach this server at");
  return {
    ...o,
    name,
    bind,
    advertise,
    http_port: o.http_port ?? meta?.listen?.http_port ?? http_port_default,
    raft_port: o.raft_port ?? ownAddr?.port ?? meta?.listen?.raft_port ?? raft_port_default,
  };
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
