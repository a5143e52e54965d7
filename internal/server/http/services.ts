// Service and job routes: run (create or update), list, inspect, scale, stop.
import { randomBytes } from "node:crypto";
import type { Hono } from "hono";
import { CommandType } from "../../fsm/commands.js";
import type { ServiceRecord } from "../../fsm/services.js";
import type { StateMachine } from "../../fsm/state.js";
import { isTerminalState } from "../../fsm/tasks.js";
import { jsonBodyLimit } from "./body.js";
import { HttpError } from "./errors.js";
import { count_max, serviceSpec } from "./service-validate.js";
import { taskView } from "./tasks.js";
import { json_body_bytes_max, jsonObject, onlyQuery } from "./validate.js";
import { lookupCurrent, type ServerView } from "./view.js";

export interface ServiceView extends ServiceRecord {
  tasks_running: number;
  tasks_active: number;
}

export function serviceView(fsm: StateMachine, svc: ServiceRecord): ServiceView {
  const tasks = fsm.tasks.ofService(svc.spec.name);
  return {
    ...svc,
    tasks_running: tasks.filter((t) => t.state === "RUNNING").length,
    tasks_active: tasks.filter((t) => !isTerminalState(t.state)).length,
  };
}

const limit = jsonBodyLimit(json_body_bytes_max);

/** A default name from the image: "nginx:1.25" → "nginx-3f9a". */
function nameFromImage(image: unknown): string {
  const base = typeof image === "string" ? (image.split("/").pop() ?? "task").split(/[:@]/)[0]!.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 50) : "task";
  return `${base.replace(/^-+/, "") || "task"}-${randomBytes(2).toString("hex")}`;
}

function notFound(name: string): HttpError {
  return new HttpError(404, "not_found", `no service or job named ${JSON.stringify(name)}; orch ps lists them`);
}

function found(s: ServerView, name: string): ServiceRecord {
  const svc = s.fsm.services.get(name);
  if (svc === undefined) throw notFound(name);
  return svc;
}

/** For changes: a miss is confirmed against linearizable state before it becomes a 404. */
async function foundCurrent(s: ServerView, name: string): Promise<ServiceRecord> {
  const svc = await lookupCurrent(s, () => s.fsm.services.get(name));
  if (svc === undefined) throw notFound(name);
  return svc;
}

/** The state machine's refusal as an HTTP error: "unknown" means the service went away meanwhile. */
function refused(name: string, r: object): HttpError {
  if ("code" in r && r.code === "unknown") return notFound(name);
  return new HttpError(409, "rejected", "message" in r && typeof r.message === "string" ? r.message : "not accepted");
}

async function read(s: ServerView, stale: string | undefined): Promise<void> {
  if (stale === undefined) await s.node.linearizableRead();
}

export function serviceRoutes(app: Hono, s: ServerView): void {
  app.post("/v1/services", limit, async (c) => {
    onlyQuery(c.req.query(), []);
    const body = jsonObject(c);
    const spec = serviceSpec(body, nameFromImage(body["image"]));
    const nodes = s.fsm.nodes.all().filter((n) => n.status === "ready");
    if (nodes.length > 0) {
      const biggest_cpus = Math.max(...nodes.map((n) => n.resources.cpus));
      const biggest_mem = Math.max(...nodes.map((n) => n.resources.memory_bytes));
      if (spec.cpus > biggest_cpus) throw new HttpError(422, "too_large", `cpus ${spec.cpus} is more than any node has (the largest offers ${biggest_cpus}): ask for less or add a bigger node`);
      if (spec.memory_bytes > biggest_mem) {
        throw new HttpError(422, "too_large", `memory ${spec.memory_bytes} bytes is more than any node has (the largest offers ${biggest_mem}): ask for less or add a bigger node`);
      }
    }
    const r = await s.node.propose({ type: CommandType.service_put, spec });
    if (!("service" in r)) throw new HttpError(409, "rejected", "message" in r ? r.message : "not accepted");
    return c.json(serviceView(s.fsm, r.service), 200);
  });

  app.get("/v1/services", async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    await read(s, c.req.query("stale"));
    return c.json({ services: s.fsm.services.all().map((svc) => serviceView(s.fsm, svc)) });
  });

  app.get("/v1/services/:name", async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    await read(s, c.req.query("stale"));
    const svc = found(s, c.req.param("name"));
    return c.json({ ...serviceView(s.fsm, svc), tasks: s.fsm.tasks.ofService(svc.spec.name).map((t) => taskView(s.fsm, t)) });
  });

  app.post("/v1/services/:name/scale", limit, async (c) => {
    onlyQuery(c.req.query(), []);
    const body = jsonObject(c);
    const count = body["count"];
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > count_max) throw new HttpError(400, "bad_field", `count must be a whole number from 0 to ${count_max}`);
    const svc = await foundCurrent(s, c.req.param("name"));
    if (svc.spec.kind !== "service") throw new HttpError(409, "not_a_service", `${svc.spec.name} is a job; jobs run to completion and do not scale`);
    const r = await s.node.propose({ type: CommandType.service_scale, name: svc.spec.name, count });
    if (!("service" in r)) throw refused(svc.spec.name, r);
    return c.json(serviceView(s.fsm, r.service), 200);
  });

  app.delete("/v1/services/:name", async (c) => {
    onlyQuery(c.req.query(), []);
    const svc = await foundCurrent(s, c.req.param("name"));
    const r = await s.node.propose({ type: CommandType.service_stop, name: svc.spec.name });
    if (!("service" in r)) throw refused(svc.spec.name, r);
    return c.json(serviceView(s.fsm, r.service), 200);
  });
}
