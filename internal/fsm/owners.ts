// Who owns a task (framework and role) and what a role may hold: set when tasks are placed and
// when roles are configured.
import type { CommandPayloads, CommandType } from "./commands.js";
import type { ServiceKind } from "./services.js";
import { guaranteeOverLimit, role_weight_default, type RoleRecord } from "./roles.js";
import type { ApplyResult, Tables } from "./tables.js";

/** The built-in framework that runs each kind of service. */
export const framework_of_kind: { readonly [K in ServiceKind]: string } = { service: "services", job: "jobs" };

/**
 * Records the owning framework and role on tasks that lack them: an external framework's task
 * from its Mesos identity, a built-in one's from its service. Runs right after a plan is applied
 * (and after a restore, for tasks placed before owners were recorded); a later change of the
 * service's role does not move tasks already placed.
 */
export function stampOwners(s: Tables, placed: readonly { task_id: string }[]): void {
  for (const p of placed) {
    const t = s.tasks.get(p.task_id);
    if (t === undefined || t.role !== undefined) continue;
    if (t.framework !== undefined) {
      t.framework_id = t.framework.framework_id;
      t.role = t.framework.role;
      continue;
    }
    const svc = s.services.get(t.service);
    if (svc === undefined) continue;
    t.framework_id = framework_of_kind[svc.spec.kind];
    t.role = svc.spec.role;
  }
}

export function applyRoleSet(s: Tables, index: number, at_ms: number, c: CommandPayloads[typeof CommandType.role_set]): ApplyResult {
  const cur = s.roles.get(c.role);
  const next: RoleRecord = {
    role: c.role,
    weight: c.weight ?? cur?.weight ?? role_weight_default,
    guarantee: c.guarantee === null ? {} : (c.guarantee ?? cur?.guarantee ?? {}),
    limit: c.limit === null ? {} : (c.limit ?? cur?.limit ?? {}),
    version: index,
    updated_at_ms: at_ms,
  };
  // Checked at the HTTP edge against the state then; a change committed in between may break it.
  const over = guaranteeOverLimit(next.guarantee, next.limit);
  if (over !== undefined) {
    return { ok: false, code: "rejected", message: `role ${c.role}: the guarantee of ${over} (${next.guarantee[over]}) would exceed its limit (${next.limit[over]}); raise the limit or lower the guarantee` };
  }
  s.roles.upsert(next);
  s.changed();
  return { ok: true, role: next };
}
