// Whether an ACCEPT's tasks fit the offers it names: one agent, one role, and enough of each resource left.
// Wording follows Mesos's offer and task validation (src/master/validation.cpp).
import { amountsOf, mergeRanges, rangesContain, subtractRanges, type Amounts } from "./resources.js";
import type { Offer } from "./types-framework.js";
import type { Resource } from "./types-resource.js";
import type { TaskInfo } from "./types-task.js";

/** Mesos's checks across the offers of one ACCEPT that need no master state; null when they hold. */
export function offersProblem(offers: readonly Offer[], framework_id: string): string | null {
  const seen = new Set<string>();
  const first = offers[0];
  for (const offer of offers) {
    if (seen.has(offer.id.value)) return `Duplicate offer ${offer.id.value} in offer list`;
    seen.add(offer.id.value);
    if (offer.framework_id.value !== framework_id) {
      return `Offer ${offer.id.value} has invalid framework ${offer.framework_id.value} while framework ${framework_id} is expected`;
    }
    if (first === undefined || first === offer) continue;
    if (offer.agent_id.value !== first.agent_id.value) {
      return `Aggregated offers must belong to one single agent. Offer ${offer.id.value} uses agent ${offer.agent_id.value} and agent ${first.agent_id.value}`;
    }
    const role = offer.allocation_info?.role, other = first.allocation_info?.role;
    if (role !== other) {
      return `Aggregated offers must be allocated to the same role. Offer ${offer.id.value} uses role '${role}' but another is using role '${other}'`;
    }
  }
  return null;
}

/** Mesos's validateSlaveID: a task names the agent of the offers it is launched on. */
export function taskAgentProblem(task: Pick<TaskInfo, "agent_id">, agent_id: string): string | null {
  if (task.agent_id.value === agent_id) return null;
  return `Task uses invalid agent ${task.agent_id.value} while agent ${agent_id} is expected`;
}

function describeAmounts(a: Amounts): string {
  const parts = [`cpus:${a.cpus_milli / 1000}`, `mem:${a.mem_mb_milli / 1000}`, `disk:${a.disk_mb_milli / 1000}`];
  if (a.ports.length > 0) parts.push(`ports:[${a.ports.map((r) => `${r.begin}-${r.end}`).join(", ")}]`);
  return parts.join("; ");
}

/**
 * What is left of the accepted offers as tasks take from it, in launch order (Mesos checks each
 * task against what the earlier ones left). Resources are pooled across the offers.
 */
export class OfferPool {
  private left: Amounts;

  constructor(offers: readonly Offer[]) {
    const all = offers.flatMap((o) => o.resources ?? []).filter((r) => r.name === "cpus" || r.name === "mem" || r.name === "disk" || r.name === "ports");
    const sum = amountsOf(all);
    if (typeof sum === "string") throw new Error(`mesos: an offer orch made cannot be read back: ${sum}`);
    this.left = sum;
  }

  /** Takes the task's resources and returns null, or says why they do not fit (and takes nothing). */
  take(resources: readonly Resource[]): string | null {
    const want = amountsOf(resources);
    if (typeof want === "string") return want;
    const left = this.left;
    const fits =
      want.cpus_milli <= left.cpus_milli &&
      want.mem_mb_milli <= left.mem_mb_milli &&
      want.disk_mb_milli <= left.disk_mb_milli &&
      rangesContain(left.ports, want.ports);
    if (!fits) {
      return `Total resources ${describeAmounts(want)} required by task and its executor is more than available ${describeAmounts(left)}`;
    }
    this.left = {
      cpus_milli: left.cpus_milli - want.cpus_milli,
      mem_mb_milli: left.mem_mb_milli - want.mem_mb_milli,
      disk_mb_milli: left.disk_mb_milli - want.disk_mb_milli,
      ports: mergeRanges(subtractRanges(left.ports, want.ports)),
    };
    return null;
  }

  remaining(): Amounts {
    return this.left;
  }
}
