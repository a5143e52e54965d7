// What Agent.start accepts, and how the address the servers reach this agent at is chosen.
import os from "node:os";
import type { Logger } from "../log/logger.js";
import type { DriverChoice, DriverKind } from "./driver-factory.js";
import type { AgentLimits } from "./limits.js";

export interface AgentOptions {
  /** Server HTTP addresses host:port; any one that answers will do. */
  join: readonly string[];
  data_dir: string;
  /** Human name for `orch nodes` (default: host name). */
  name?: string;
  /** Address the agent's HTTP server listens on (default 0.0.0.0). */
  bind?: string;
  /** Host the servers reach this agent at (default: the bind address, or this machine's first external IPv4). */
  advertise?: string;
  /** Port of the logs endpoint (default agent_http_port_default; 0 picks a free one). */
  http_port?: number;
  /** "docker", "mock", a Driver built for this node, or a factory given the node id and durable stop intents. */
  driver?: DriverChoice;
  /** Reported to the servers when `driver` is an instance or factory (default: mock for a MockDriver, else docker). */
  driver_kind?: DriverKind;
  docker_socket?: string;
  /** Overrides of the machine's totals and the host reserve. */
  resources?: { cpus?: number; memory_bytes?: number; reserve_cpus?: number; reserve_memory_bytes?: number };
  /** User attributes (--attr k=v), added to hostname, os and arch. */
  attributes?: Record<string, string>;
  logger?: Logger;
  limits?: Partial<AgentLimits>;
}

export const bind_default = "0.0.0.0";

const wildcard = new Set(["0.0.0.0", "::", ""]);

/** host:port the servers use for this agent's logs endpoint. */
export function advertisedAddr(options: { bind: string; advertise?: string }, port: number): string {
  const host = options.advertise ?? (wildcard.has(options.bind) ? externalIpv4() : options.bind);
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function externalIpv4(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const addr of addrs ?? []) if (addr.family === "IPv4" && !addr.internal) return addr.address;
  }
  return "127.0.0.1";
}
