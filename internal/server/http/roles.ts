// Role routes: list roles with weight, guarantee, limit and what their tasks hold; change one role.
import type { Hono } from "hono";
import type { RoleView } from "../../api/roles.js";
import { CommandType } from "../../fsm/commands.js";
import { guaranteeOverLimit, role_weight_default, type RoleRecord } from "../../fsm/roles.js";
import type { StateMachine } from "../../fsm/state.js";
import { isTerminalState } from "../../fsm/tasks.js";
import { jsonBodyLimit } from "./body.js";
import { HttpError } from "./errors.js";
import { roleChange, roleName } from "./role-validate.js";
import { json_body_bytes_max, jsonObject, onlyQuery } from "./validate.js";
import type { ServerView } from "./view.js";


function emptyView(role: string): RoleView {
  return { role, weight: role_weight_default, guarantee: {}, limit: {}, configured: false, used: { cpus: 0, memory_bytes: 0, disk_bytes: 0 }, tasks_active: 0, services: 0, frameworks: [] };
}

function configuredView(r: RoleRecord): RoleView {
  return { ...emptyView(r.role), weight: r.weight, guarantee: r.guarantee, limit: r.limit, configured: true, version: r.version, updated_at_ms: r.updated_at_ms };
}

/** Every configured role and every role a service, active task or registered framework uses, by name. */
export function roleViews(fsm: StateMachine): RoleView[] {
  const views = new Map<string, RoleView>();
  const of = (role: string): RoleView => {
    let v = views.get(role);
    if (v === undefined) views.set(role, (v = emptyView(role)));
    return v;
  };
  for (const r of fsm.roles.all()) views.set(r.role, configuredView(r));
  for (const svc of fsm.services.all()) if (svc.state === "running") of(svc.spec.role).services += 1;
  for (const f of fsm.frameworks.all()) for (const role of f.info.roles) of(role).frameworks.push(f.framework_id);
  for (const t of fsm.tasks.all()) {
    if (isTerminalState(t.state)) continue;
    const svc = fsm.services.get(t.service);
    const role = t.role ?? t.framework?.role ?? svc?.spec.role;
    if (role === undefined) continue;
    const v = of(role);
    v.tasks_active += 1;
    v.used.cpus += t.spec.cpus;
    v.used.memory_bytes += t.spec.memory_bytes;
    v.used.disk_bytes += svc?.spec.disk_bytes ?? 0;
  }
  for (const v of views.values()) v.used.cpus = Math.round(v.used.cpus * 1000) / 1000;
  return [...views.values()].sort((a, b) => (a.role < b.role ? -1 : a.role > b.role ? 1 : 0));
}

const limit = jsonBodyLimit(json_body_bytes_max);

export function roleRoutes(app: Hono, s: ServerView): void {
  app.get("/v1/roles", async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    if (c.req.query("stale") === undefined) await s.node.linearizableRead();
    return c.json({ roles: roleViews(s.fsm) });
  });

  app.put("/v1/roles/:role", limit, async (c) => {
    onlyQuery(c.req.query(), []);
    const role = roleName(c.req.param("role"));
    const change = roleChange(role, jsonObject(c));
    // Guarantee <= limit holds for the role as it will be: what is kept comes from current state.
    await s.node.linearizableRead();
    const cur = s.fsm.roles.get(role);
    const guarantee = change.guarantee === null ? {} : (change.guarantee ?? cur?.guarantee ?? {});
    const lim = change.limit === null ? {} : (change.limit ?? cur?.limit ?? {});
    const over = guaranteeOverLimit(guarantee, lim);
    if (over !== undefined) {
      const from = (field: "guarantee" | "limit"): string => (change[field] === undefined ? ` (its current ${field})` : "");
      throw new HttpError(400, "bad_field", `guarantee.${over} ${guarantee[over]}${from("guarantee")} is above limit.${over} ${lim[over]}${from("limit")}: a role cannot be promised more than it may hold`);
    }
    const r = await s.node.propose({ type: CommandType.role_set, ...change });
    if (!("role" in r)) throw new HttpError(409, "rejected", "message" in r ? r.message : "not accepted");
    return c.json(roleViews(s.fsm).find((v) => v.role === role) ?? configuredView(r.role), 200);
  });
}
