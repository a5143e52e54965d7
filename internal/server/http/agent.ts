// Agent routes: register, heartbeat, the assignment stream (NDJSON), status updates with acks.
import type { Hono } from "hono";
import { assignments_keepalive_ms, type AssignmentLine, type HeartbeatResponse, type RegisterResponse, type StatusResponse } from "../../api/agent.js";
import { CommandType } from "../../fsm/commands.js";
import { assignmentsOf } from "../cluster/assignments.js";
import { bodyOf, jsonBodyLimit } from "./body.js";
import { HttpError } from "./errors.js";
import { nodeIdField, registerRequest, statusRequest } from "./agent-validate.js";
import { json_body_bytes_max, jsonObject, onlyQuery } from "./validate.js";
import { lookupCurrent, type ServerView } from "./view.js";

/** Status batches are larger than other JSON bodies: up to 256 updates with messages. */
const status_body_bytes_max = 1024 * 1024;

const limit = jsonBodyLimit;

export function agentRoutes(app: Hono, s: ServerView): void {
  app.post("/v1/agent/register", limit(json_body_bytes_max), async (c) => {
    onlyQuery(c.req.query(), []);
    const req = registerRequest(jsonObject(c));
    const r = await s.node.propose({ type: CommandType.node_register, ...req });
    if (!r.ok) throw new HttpError(409, "rejected", "message" in r ? r.message : "registration refused");
    const body: RegisterResponse = {
      node_id: req.node_id,
      cluster_id: s.cluster_id,
      heartbeat_interval_ms: s.liveness.opts.heartbeat_interval_ms,
      heartbeat_ttl_ms: s.liveness.opts.heartbeat_ttl_ms,
    };
    return c.json(body, 200);
  });

  app.post("/v1/agent/heartbeat", limit(json_body_bytes_max), async (c) => {
    onlyQuery(c.req.query(), []);
    if (!s.isLeader()) return s.forwardToLeader(c.req.raw, bodyOf(c));
    const node_id = nodeIdField(jsonObject(c));
    if (!s.liveness.heartbeat(node_id, Date.now())) throw new HttpError(404, "unknown_node", `no node ${node_id}: register first`);
    const body: HeartbeatResponse = { ok: true, heartbeat_interval_ms: s.liveness.opts.heartbeat_interval_ms, heartbeat_ttl_ms: s.liveness.opts.heartbeat_ttl_ms };
    return c.json(body, 200);
  });

  app.post("/v1/agent/status", limit(status_body_bytes_max), async (c) => {
    onlyQuery(c.req.query(), []);
    const req = statusRequest(jsonObject(c));
    if ((await lookupCurrent(s, () => s.fsm.nodes.get(req.node_id))) === undefined) throw new HttpError(404, "unknown_node", `no node ${req.node_id}: register first`);
    if (req.updates.length === 0) return c.json<StatusResponse>({ acked: [] }, 200);
    const r = await s.node.propose({ type: CommandType.task_status, node_id: req.node_id, updates: req.updates });
    return c.json<StatusResponse>({ acked: "acked" in r ? r.acked : [] }, 200);
  });

  app.get("/v1/agent/assignments", async (c) => {
    onlyQuery(c.req.query(), ["node_id"]);
    const node_id = nodeIdField({ node_id: c.req.query("node_id") });
    if ((await lookupCurrent(s, () => s.fsm.nodes.get(node_id))) === undefined) throw new HttpError(404, "unknown_node", `no node ${node_id}: register first`);
    const enc = new TextEncoder();
    const abort = new AbortController();
    c.req.raw.signal.addEventListener("abort", () => abort.abort(), { once: true });
    let first = true;
    let sent_index = -1;
    const stream = new ReadableStream<Uint8Array>({
      pull: async (ctrl) => {
        const line = async (): Promise<AssignmentLine> => {
          if (first) {
            first = false;
            return listLine();
          }
          const changed = await s.hub.wait(node_id, assignments_keepalive_ms, abort.signal).catch((err: unknown) => {
            ctrl.enqueue(enc.encode(JSON.stringify({ type: "error", code: "overloaded", message: String(err) }) + "\n"));
            return undefined;
          });
          if (changed === undefined) throw new Error("closed");
          return changed && s.fsm.applied_index !== sent_index ? listLine() : { type: "keepalive", index: s.fsm.applied_index };
        };
        const listLine = (): AssignmentLine => {
          sent_index = s.fsm.applied_index;
          if (s.fsm.nodes.get(node_id) === undefined) return { type: "error", code: "unknown_node", message: `node ${node_id} is not registered: register again` };
          return { type: "assignments", index: sent_index, tasks: assignmentsOf(s.fsm, node_id) };
        };
        try {
          if (abort.signal.aborted || s.stopping()) throw new Error("closed");
          const l = await line();
          ctrl.enqueue(enc.encode(JSON.stringify(l) + "\n"));
          if (l.type === "error") ctrl.close();
        } catch {
          ctrl.close();
        }
      },
      cancel: () => abort.abort(),
    });
    return new Response(stream, { status: 200, headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" } });
  });
}
