// Pure checks of an ACCEPT: the offers it names, and whether each task's resources fit what those
// offers hold (all on one node, ports inside the offered ranges, nothing used twice).
import type { HostOffer, HostResources } from "./framework-types.js";

/** Ports offered on every node: Mesos agents' default range. */
export const offered_ports_default: [number, number] = [31000, 32000];

/** The ranges of `range` left after removing `used` ports (sorted, inclusive). */
export function freeRanges(range: readonly [number, number], used: Iterable<number>): [number, number][] {
  const taken = [...new Set(used)].filter((p) => p >= range[0] && p <= range[1]).sort((a, b) => a - b);
  const out: [number, number][] = [];
  let from = range[0];
  for (const p of taken) {
    if (p > from) out.push([from, p - 1]);
    from = p + 1;
  }
  if (from <= range[1]) out.push([from, range[1]]);
  return out;
}

export function inRanges(port: number, ranges: readonly [number, number][]): boolean {
  return ranges.some(([b, e]) => port >= b && port <= e);
}

/** Why the named offers cannot be used together, or undefined; in Mesos's words (src/master/validation.cpp). */
export function offersProblem(framework_id: string, offer_ids: readonly string[], known: (offer_id: string) => HostOffer | undefined): string | undefined {
  if (offer_ids.length === 0) return "No offers specified";
  const seen = new Set<string>();
  let first: HostOffer | undefined;
  for (const id of offer_ids) {
    if (seen.has(id)) return `Duplicate offer ${id} in offer list`;
    seen.add(id);
    const o = known(id);
    if (o === undefined) return `Offer ${id} is no longer valid`;
    if (o.framework_id !== framework_id) return `Offer ${id} has invalid framework ${o.framework_id} while framework ${framework_id} is expected`;
    first ??= o;
    if (o.node_id !== first.node_id) return `Aggregated offers must belong to one single agent. Offer ${id} uses agent ${o.node_id} and agent ${first.node_id}`;
    if (o.role !== first.role) return `Aggregated offers must be allocated to the same role. Offer ${id} uses role '${o.role}' but another is using role '${first.role}'`;
  }
  return undefined;
}

/** What the accepted offers hold together, charged task by task. */
export class OfferPool {
  private cpus_milli: number;
  private memory_bytes: number;
  private disk_bytes: number;
  private readonly ranges: [number, number][];
  private readonly ports_taken = new Set<number>();

  constructor(offers: readonly HostOffer[]) {
    this.cpus_milli = 0;
    this.memory_bytes = 0;
    this.disk_bytes = 0;
    this.ranges = [];
    for (const o of offers) {
      this.cpus_milli += Math.round(o.resources.cpus * 1000);
      this.memory_bytes += o.resources.memory_bytes;
      this.disk_bytes += o.resources.disk_bytes;
      this.ranges.push(...o.resources.ports);
    }
  }

  /** Charges the task if it fits; else says what does not. */
  take(r: HostResources, host_ports: readonly number[]): string | undefined {
    const cpus_milli = Math.round(r.cpus * 1000);
    if (cpus_milli > this.cpus_milli) return `the task asks for ${r.cpus} cpus; the offers hold ${this.cpus_milli / 1000} more`;
    if (r.memory_bytes > this.memory_bytes) return `the task asks for ${r.memory_bytes / 2 ** 20} MB of mem; the offers hold ${this.memory_bytes / 2 ** 20} MB more`;
    if (r.disk_bytes > this.disk_bytes) return `the task asks for ${r.disk_bytes / 2 ** 20} MB of disk; the offers hold ${this.disk_bytes / 2 ** 20} MB more`;
    for (const p of host_ports) {
      if (!inRanges(p, this.ranges)) return `port ${p} is not in the offered ports`;
      if (this.ports_taken.has(p)) return `port ${p} is used twice in this ACCEPT`;
    }
    for (const [b, e] of r.ports) {
      for (let p = b; p <= e; p++) {
        if (!inRanges(p, this.ranges)) return `port ${p} is not in the offered ports`;
        if (this.ports_taken.has(p) && !host_ports.includes(p)) return `port ${p} is used twice in this ACCEPT`;
      }
    }
    this.cpus_milli -= cpus_milli;
    this.memory_bytes -= r.memory_bytes;
    this.disk_bytes -= r.disk_bytes;
    for (const p of host_ports) this.ports_taken.add(p);
    for (const [b, e] of r.ports) for (let p = b; p <= e; p++) this.ports_taken.add(p);
    return undefined;
  }
}
