// What each limited role's active tasks hold, and whether one more task stays within the role's
// limit (Mesos's quota limit). Deterministic; computed only for roles that have a limit, so
// clusters without limits pay nothing.
import type { RoleResourceName, RoleResources } from "./roles.js";
import type { Tables } from "./tables.js";
import { isTerminalState } from "./tasks.js";

export interface Need {
  cpus: number;
  memory_bytes: number;
  disk_bytes: number;
}

/** Held per role, for the roles given (thousandths of a CPU, bytes). */
export type RoleHeld = Map<string, Need>;

const milli = (cpus: number): number => Math.round(cpus * 1000);

/** The role a task counts against. */
export function roleOf(s: Pick<Tables, "services">, t: { role?: string; service: string; framework?: { role: string } }): string {
  return t.role ?? t.framework?.role ?? s.services.get(t.service)?.spec.role ?? "*";
}

/** What the active tasks of each of `roles` hold. */
export function heldBy(s: Pick<Tables, "tasks" | "services">, roles: ReadonlySet<string>): RoleHeld {
  const held: RoleHeld = new Map([...roles].map((r) => [r, { cpus: 0, memory_bytes: 0, disk_bytes: 0 }]));
  if (roles.size === 0) return held;
  for (const t of s.tasks.all()) {
    if (isTerminalState(t.state)) continue;
    const h = held.get(roleOf(s, t));
    if (h === undefined) continue;
    h.cpus += milli(t.spec.cpus);
    h.memory_bytes += t.spec.memory_bytes;
    h.disk_bytes += s.services.get(t.service)?.spec.disk_bytes ?? 0;
  }
  return held;
}

const names: Record<RoleResourceName, string> = { cpus: "cpus", memory_bytes: "memory", disk_bytes: "disk" };

/** Why `need` more would put the role over its limit, or undefined when it fits. */
export function overLimit(role: string, limit: RoleResources, held: Need, need: Need): string | undefined {
  const next = { cpus: held.cpus + milli(need.cpus), memory_bytes: held.memory_bytes + need.memory_bytes, disk_bytes: held.disk_bytes + need.disk_bytes };
  for (const r of ["cpus", "memory_bytes", "disk_bytes"] as const) {
    const l = limit[r];
    if (l === undefined) continue;
    const cap = r === "cpus" ? milli(l) : l;
    if (next[r] > cap) return `role ${role} is at its limit of ${l} ${names[r]} (orch roles set ${role} --quota ... raises it)`;
  }
  return undefined;
}

/** Charges `need` to the role's holding. */
export function charge(held: Need, need: Need): void {
  held.cpus += milli(need.cpus);
  held.memory_bytes += need.memory_bytes;
  held.disk_bytes += need.disk_bytes;
}
