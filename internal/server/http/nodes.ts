// Node routes: the agents of the cluster with their resources, use and task counts.
import type { Hono } from "hono";
import type { NodeRecord } from "../../fsm/nodes.js";
import type { StateMachine } from "../../fsm/state.js";
import { isTerminalState } from "../../fsm/tasks.js";
import { HttpError } from "./errors.js";
import { onlyQuery } from "./validate.js";
import type { ServerView } from "./view.js";

export interface NodeView extends NodeRecord {
  used: { cpus: number; memory_bytes: number; disk_bytes: number };
  tasks_active: number;
  tasks_running: number;
}

export function nodeView(fsm: StateMachine, n: NodeRecord): NodeView {
  const tasks = fsm.tasks.onNode(n.node_id).filter((t) => !isTerminalState(t.state));
  const used = { cpus: 0, memory_bytes: 0, disk_bytes: 0 };
  for (const t of tasks) {
    used.cpus += t.spec.cpus;
    used.memory_bytes += t.spec.memory_bytes;
  }
  used.cpus = Math.round(used.cpus * 1000) / 1000;
  return { ...n, used, tasks_active: tasks.length, tasks_running: tasks.filter((t) => t.state === "RUNNING").length };
}

export function nodeRoutes(app: Hono, s: ServerView): void {
  app.get("/v1/nodes", async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    if (c.req.query("stale") === undefined) await s.node.linearizableRead();
    return c.json({ nodes: s.fsm.nodes.all().map((n) => nodeView(s.fsm, n)) });
  });

  app.get("/v1/nodes/:id", async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    if (c.req.query("stale") === undefined) await s.node.linearizableRead();
    const id = c.req.param("id");
    const n = s.fsm.nodes.get(id) ?? s.fsm.nodes.byName(id);
    if (n === undefined) throw new HttpError(404, "not_found", `no node ${JSON.stringify(id)}; orch nodes lists them`);
    return c.json({ ...nodeView(s.fsm, n), tasks: s.fsm.tasks.onNode(n.node_id).map((t) => t.task_id) });
  });
}
