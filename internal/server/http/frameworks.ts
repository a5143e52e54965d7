// Framework routes of orch's own API: built-in and external frameworks with role, dominant share,
// tasks and connection state (orch frameworks); inspect; an operator's teardown.
import type { Hono } from "hono";
import type { FrameworkRecord } from "../../fsm/frameworks.js";
import type { StateMachine } from "../../fsm/state.js";
import { isTerminalState, type TaskRecord } from "../../fsm/tasks.js";
import { HostError } from "../leader/framework-types.js";
import { HttpError } from "./errors.js";
import { onlyQuery } from "./validate.js";
import type { ServerView } from "./view.js";

export interface FrameworkView {
  framework_id: string;
  name: string;
  /** "builtin" (services, jobs) or "mesos" (a v1 scheduler API client). */
  kind: "builtin" | "mesos";
  roles: string[];
  /** Of what its active tasks hold, the largest fraction of any one cluster resource. */
  dominant_share: number;
  tasks_active: number;
  connected: boolean;
  /** 0 while connected (or built-in). */
  disconnected_at_ms: number;
  failover_timeout_s: number;
  registered_at_ms: number;
  principal: string;
  suppressed_roles: string[];
}

/** Cluster totals of ready nodes: the denominator of every share. */
function totals(fsm: StateMachine): { cpus: number; memory_bytes: number } {
  const t = { cpus: 0, memory_bytes: 0 };
  for (const n of fsm.nodes.all()) {
    if (n.status !== "ready") continue;
    t.cpus += n.resources.cpus;
    t.memory_bytes += n.resources.memory_bytes;
  }
  return t;
}

function share(tasks: readonly TaskRecord[], total: { cpus: number; memory_bytes: number }): number {
  let cpus = 0;
  let memory_bytes = 0;
  for (const t of tasks) {
    cpus += t.spec.cpus;
    memory_bytes += t.spec.memory_bytes;
  }
  const s = Math.max(total.cpus > 0 ? cpus / total.cpus : 0, total.memory_bytes > 0 ? memory_bytes / total.memory_bytes : 0);
  return Math.round(s * 10_000) / 10_000;
}

function external(fsm: StateMachine, f: FrameworkRecord, total: { cpus: number; memory_bytes: number }): FrameworkView {
  const active = fsm.tasks.ofService(f.framework_id).filter((t) => t.framework !== undefined && !isTerminalState(t.state));
  return {
    framework_id: f.framework_id,
    name: f.info.name,
    kind: "mesos",
    roles: f.info.roles,
    dominant_share: share(active, total),
    tasks_active: active.length,
    connected: f.connected,
    disconnected_at_ms: f.disconnected_at_ms,
    failover_timeout_s: f.info.failover_timeout_s,
    registered_at_ms: f.registered_at_ms,
    principal: f.info.principal,
    suppressed_roles: f.suppressed_roles,
  };
}

/** The built-in frameworks: "services" and "jobs", over the services table. */
function builtins(fsm: StateMachine, total: { cpus: number; memory_bytes: number }): FrameworkView[] {
  return (["service", "job"] as const).map((kind) => {
    const services = fsm.services.all().filter((s) => s.spec.kind === kind);
    const active = services.flatMap((s) => fsm.tasks.ofService(s.spec.name)).filter((t) => !isTerminalState(t.state));
    return {
      framework_id: kind === "service" ? "services" : "jobs",
      name: kind === "service" ? "services" : "jobs",
      kind: "builtin",
      roles: [...new Set(services.map((s) => s.spec.role))].sort(),
      dominant_share: share(active, total),
      tasks_active: active.length,
      connected: true,
      disconnected_at_ms: 0,
      failover_timeout_s: 0,
      registered_at_ms: 0,
      principal: "",
      suppressed_roles: [],
    };
  });
}

export function frameworkViews(fsm: StateMachine): FrameworkView[] {
  const total = totals(fsm);
  return [...builtins(fsm, total), ...fsm.frameworks.all().map((f) => external(fsm, f, total))];
}

export function frameworkRoutes(app: Hono, s: ServerView): void {
  app.get("/v1/frameworks", async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    if (c.req.query("stale") === undefined) await s.node.linearizableRead();
    const total = totals(s.fsm);
    return c.json({ frameworks: frameworkViews(s.fsm), completed: s.fsm.frameworks.completed().map((f) => ({ ...external(s.fsm, f, total), removed_at_ms: f.removed_at_ms, removed_reason: f.removed_reason })) });
  });

  app.get("/v1/frameworks/:id", async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    if (c.req.query("stale") === undefined) await s.node.linearizableRead();
    const id = c.req.param("id");
    const f = s.fsm.frameworks.get(id) ?? s.fsm.frameworks.wasRemoved(id) ?? s.fsm.frameworks.all().find((x) => x.info.name === id);
    if (f === undefined) throw new HttpError(404, "not_found", `no framework ${JSON.stringify(id)}; orch frameworks lists them`);
    const total = totals(s.fsm);
    const tasks = s.fsm.tasks.ofService(f.framework_id).filter((t) => t.framework !== undefined);
    return c.json({
      ...external(s.fsm, f, total),
      info: f.info,
      filters: f.filters,
      removed_at_ms: f.removed_at_ms,
      removed_reason: f.removed_reason,
      tasks: tasks.map((t) => ({ task_id: t.task_id, mesos_task_id: t.framework!.task_id, name: t.framework!.name, node_id: t.node_id, state: t.state, unacknowledged: t.framework!.pending.length })),
    });
  });

  app.post("/v1/frameworks/:id/teardown", async (c) => {
    onlyQuery(c.req.query(), []);
    if (!s.isLeader()) return s.forwardToLeader(c.req.raw);
    const id = c.req.param("id");
    try {
      await s.frameworks.operatorTeardown(id);
    } catch (err) {
      if (err instanceof HostError) throw new HttpError(err.status === 503 ? 503 : err.status === 404 ? 404 : 409, err.status === 404 ? "not_found" : "teardown_refused", `${err.message}: ${id}`);
      throw err;
    }
    return c.json({ framework_id: id, removed: true });
  });
}
