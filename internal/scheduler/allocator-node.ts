// The allocator's per-node record and the small pure helpers around it (free, offerable, views).
import { name_chars_max, offer_cpus_min, offer_memory_bytes_min } from "./limits.js";
import { fitsIn, millicpus_per_cpu, toResources, type Amount } from "./resources.js";
import { intn } from "./rng.js";
import type { NodeView, Rng } from "./types.js";

export interface NodeRecord {
  view: NodeView;
  total: Amount;
  used: Amount;
  offered: Amount;
  /** Port → tasks holding it (ports in view.ports_used are held as well). */
  task_ports: Map<number, number>;
  groups: Map<string, number>;
  offers: Set<string>;
  /**
   * Frameworks that declined this node (or left it unused in an accept): it is not offered to
   * them again until its free resources change or they revive, as Mesos' decline filters, but
   * clock-free. Without it, a node one framework cannot use is offered to it round after round
   * and inflates its share, so the others never get it.
   */
  declined_by: Set<string>;
}

export function sum(a: Amount, b: Amount): Amount {
  return { cpu_millis: a.cpu_millis + b.cpu_millis, memory_bytes: a.memory_bytes + b.memory_bytes, disk_bytes: a.disk_bytes + b.disk_bytes };
}

export function freeOf(n: NodeRecord): Amount {
  return {
    cpu_millis: Math.max(0, n.total.cpu_millis - n.used.cpu_millis - n.offered.cpu_millis),
    memory_bytes: Math.max(0, n.total.memory_bytes - n.used.memory_bytes - n.offered.memory_bytes),
    disk_bytes: Math.max(0, n.total.disk_bytes - n.used.disk_bytes - n.offered.disk_bytes),
  };
}

/** Something worth offering, on a node whose tasks fit it (an over-committed node is offered nothing). */
export function offerable(n: NodeRecord): boolean {
  if (!fitsIn(n.used, n.total)) return false;
  const free = freeOf(n);
  return free.cpu_millis >= offer_cpus_min * millicpus_per_cpu || free.memory_bytes >= offer_memory_bytes_min;
}

/** The node as the framework sees it in the offer: free (total − used) is the offered amount. */
export function offerView(n: NodeRecord, amount: Amount): NodeView {
  const v = n.view;
  const ports = new Set<number>(v.ports_used);
  for (const p of n.task_ports.keys()) ports.add(p);
  const total = n.total;
  const used = { cpu_millis: total.cpu_millis - amount.cpu_millis, memory_bytes: total.memory_bytes - amount.memory_bytes, disk_bytes: total.disk_bytes - amount.disk_bytes };
  return {
    node_id: v.node_id,
    name: v.name,
    ready: v.ready,
    total: toResources(total),
    used: toResources(used),
    attributes: v.attributes,
    ports_used: ports,
    groups: Object.fromEntries(n.groups),
  };
}

export function bump<K>(m: Map<K, number>, key: K, by: number): void {
  const c = (m.get(key) ?? 0) + by;
  if (c > 0) m.set(key, c);
  else m.delete(key);
}

export function shuffle<T>(a: T[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = intn(rng, i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}

export function checkName(v: unknown, what: string): void {
  if (typeof v !== "string" || v === "" || v.length > name_chars_max) {
    throw new Error(`allocator: ${what} must be a string of 1 to ${name_chars_max} characters (got ${JSON.stringify(v)})`);
  }
}
