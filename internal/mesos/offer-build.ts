// Builds the Offer and MasterInfo messages a framework receives, from what orch's allocator and server know.
import type { Attribute, Range } from "./types-common.js";
import type { MasterInfo, Offer } from "./types-framework.js";
import type { Resource } from "./types-resource.js";

const mb_bytes = 1024 * 1024;

export interface OfferInput {
  offer_id: string;
  framework_id: string;
  /** orch's node id: the agent id frameworks name in TaskInfo.agent_id. */
  agent_id: string;
  hostname: string;
  /** What is free on the node for this offer. */
  cpus: number;
  memory_bytes: number;
  disk_bytes: number;
  ports: readonly Range[];
  /** The node's attributes; each becomes a TEXT attribute. */
  attributes: Readonly<Record<string, string>>;
  /** The role the offer is allocated to. */
  role: string;
  /** MULTI_ROLE frameworks get allocation_info on the offer and on each resource; others do not. */
  multi_role: boolean;
  /** The agent's address, for Offer.url (Mesos points it at the agent's HTTP endpoint). */
  agent_address?: { ip: string; port: number };
}

export function buildOffer(input: OfferInput): Offer {
  const allocation = input.multi_role ? { allocation_info: { role: input.role } } : {};
  const scalar = (name: string, value: number): Resource => ({ name, type: "SCALAR", scalar: { value }, role: "*", ...allocation });
  const resources: Resource[] = [
    scalar("cpus", input.cpus),
    scalar("mem", input.memory_bytes / mb_bytes),
    scalar("disk", input.disk_bytes / mb_bytes),
  ];
  if (input.ports.length > 0) {
    resources.push({ name: "ports", type: "RANGES", ranges: { range: input.ports.map((r) => ({ begin: r.begin, end: r.end })) }, role: "*", ...allocation });
  }
  const attributes: Attribute[] = Object.entries(input.attributes)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, type: "TEXT", text: { value } }));
  return {
    id: { value: input.offer_id },
    framework_id: { value: input.framework_id },
    agent_id: { value: input.agent_id },
    hostname: input.hostname,
    ...(input.agent_address === undefined
      ? {}
      : { url: { scheme: "http", address: { hostname: input.hostname, ip: input.agent_address.ip, port: input.agent_address.port }, path: "/slave(1)" } }),
    resources,
    attributes,
    executor_ids: [],
    ...allocation,
  };
}

/**
 * MasterInfo.ip as Mesos fills it: the IPv4 address's bytes in network order read as a
 * little-endian uint32 (127.0.0.1 → 16777343). 0 for anything that is not dotted IPv4.
 */
export function masterIp(ipv4: string): number {
  const parts = ipv4.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  return parts.reduceRight((n, p) => n * 256 + p, 0);
}

export function buildMasterInfo(input: { id: string; hostname: string; ip: string; port: number; version: string }): MasterInfo {
  return {
    id: input.id,
    ip: masterIp(input.ip),
    port: input.port,
    pid: `master@${input.ip}:${input.port}`,
    hostname: input.hostname,
    version: input.version,
    address: { hostname: input.hostname, ip: input.ip, port: input.port },
  };
}
