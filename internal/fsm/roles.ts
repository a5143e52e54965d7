// The replicated table of roles: each role's fair-share weight, its guarantee and its limit.
// A role nobody configured has weight 1, no guarantee and no limit.

/** Resource amounts of a guarantee or a limit; a resource left out is not guaranteed / not limited. */
export interface RoleResources {
  cpus?: number;
  memory_bytes?: number;
  disk_bytes?: number;
}

export const role_resource_names = ["cpus", "memory_bytes", "disk_bytes"] as const;
export type RoleResourceName = (typeof role_resource_names)[number];

export const role_weight_default = 1;

export interface RoleRecord {
  role: string;
  /** > 0: weight 2 is entitled to twice the share of weight 1 (weighted DRF). */
  weight: number;
  /** Resources the role is promised (Mesos quota guarantee). Empty: none. */
  guarantee: RoleResources;
  /** Resources the role's tasks may hold at most (Mesos quota limit). Empty: no limit. Invariant: guarantee <= limit per resource. */
  limit: RoleResources;
  /** Raft index and time of the last change. */
  version: number;
  updated_at_ms: number;
}

/** The first resource whose guarantee exceeds its limit, or undefined when guarantee <= limit throughout. */
export function guaranteeOverLimit(guarantee: RoleResources, limit: RoleResources): RoleResourceName | undefined {
  for (const r of role_resource_names) {
    const g = guarantee[r];
    const l = limit[r];
    if (g !== undefined && l !== undefined && g > l) return r;
  }
  return undefined;
}

export class RoleTable {
  private readonly rows = new Map<string, RoleRecord>();

  get(role: string): RoleRecord | undefined {
    return this.rows.get(role);
  }

  all(): RoleRecord[] {
    return [...this.rows.values()].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
  }

  upsert(r: RoleRecord): void {
    this.rows.set(r.role, r);
  }

  clear(): void {
    this.rows.clear();
  }
}
