// Task routes: list, inspect, stop, and logs proxied from the agent that runs the task.
import type { Hono } from "hono";
import { CommandType } from "../../fsm/commands.js";
import type { StateMachine } from "../../fsm/state.js";
import { isTerminalState, type TaskRecord } from "../../fsm/tasks.js";
import { HttpError } from "./errors.js";
import { onlyQuery } from "./validate.js";
import { lookupCurrent, type ServerView } from "./view.js";

/** Bound on connecting to an agent for logs (the stream itself may last). */
const agent_connect_timeout_ms = 5_000;
export const tasks_list_max = 10_000;

export interface TaskView extends TaskRecord {
  node_name: string;
}

export function taskView(fsm: StateMachine, t: TaskRecord): TaskView {
  return { ...t, node_name: fsm.nodes.get(t.node_id)?.name ?? t.node_id };
}

function notFound(id: string): HttpError {
  return new HttpError(404, "not_found", `no task ${JSON.stringify(id)}; orch ps lists them (ended tasks are forgotten after a while)`);
}

function found(s: ServerView, id: string): TaskRecord {
  const t = s.fsm.tasks.get(id);
  if (t === undefined) throw notFound(id);
  return t;
}

export function taskRoutes(app: Hono, s: ServerView): void {
  app.get("/v1/tasks", async (c) => {
    onlyQuery(c.req.query(), ["service", "node", "all", "stale"]);
    if (c.req.query("stale") === undefined) await s.node.linearizableRead();
    const service = c.req.query("service");
    const node = c.req.query("node");
    const node_id = node === undefined ? undefined : (s.fsm.nodes.get(node) ?? s.fsm.nodes.byName(node))?.node_id ?? node;
    const all = c.req.query("all") !== undefined;
    const source = service !== undefined ? s.fsm.tasks.ofService(service) : node_id !== undefined ? s.fsm.tasks.onNode(node_id) : [...s.fsm.tasks.all()];
    const tasks = source
      .filter((t) => (node_id === undefined || t.node_id === node_id) && (all || !isTerminalState(t.state)))
      .sort((a, b) => a.created_at_ms - b.created_at_ms || (a.task_id < b.task_id ? -1 : 1));
    return c.json({ tasks: tasks.slice(0, tasks_list_max).map((t) => taskView(s.fsm, t)), truncated: tasks.length > tasks_list_max });
  });

  app.get("/v1/tasks/:id", async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    if (c.req.query("stale") === undefined) await s.node.linearizableRead();
    return c.json(taskView(s.fsm, found(s, c.req.param("id"))));
  });

  app.delete("/v1/tasks/:id", async (c) => {
    onlyQuery(c.req.query(), []);
    const id = c.req.param("id");
    const t = await lookupCurrent(s, () => s.fsm.tasks.get(id));
    if (t === undefined) throw notFound(id);
    const r = await s.node.propose({ type: CommandType.task_stop, task_id: t.task_id, message: "stopped on request" });
    if (!("task" in r)) throw new HttpError(404, "not_found", "message" in r ? r.message : "not found");
    return c.json(taskView(s.fsm, r.task), 200);
  });

  app.get("/v1/tasks/:id/logs", async (c) => {
    const allowed = ["follow", "stdout", "stderr", "timestamps", "tail", "max_lines"];
    onlyQuery(c.req.query(), allowed);
    for (const k of ["tail", "max_lines"]) {
      const v = c.req.query(k);
      if (v !== undefined && !/^\d{1,9}$/.test(v)) throw new HttpError(400, "bad_query", `?${k}=${JSON.stringify(v)} must be a whole number`);
    }
    const t = found(s, c.req.param("id"));
    const n = s.fsm.nodes.get(t.node_id);
    if (n === undefined) throw new HttpError(409, "node_unknown", `task ${t.task_id} ran on node ${t.node_id}, which is no longer registered: its logs are gone`);
    const url = new URL(c.req.url);
    const connect = new AbortController();
    const timer = setTimeout(() => connect.abort(), agent_connect_timeout_ms);
    c.req.raw.signal.addEventListener("abort", () => connect.abort(), { once: true });
    let res: Response;
    try {
      res = await fetch(`http://${n.http_addr}/v1/agent/tasks/${encodeURIComponent(t.task_id)}/logs${url.search}`, { signal: connect.signal });
    } catch (err) {
      throw new HttpError(502, "agent_unreachable", `the agent on node ${n.name} at ${n.http_addr} did not answer (${err instanceof Error ? err.message : String(err)}); is \`orch agent\` running there?`);
    } finally {
      clearTimeout(timer);
    }
    return new Response(res.body, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/x-ndjson", "cache-control": "no-store" } });
  });
}
