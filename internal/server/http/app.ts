// The HTTP API of a server (hono): status, health, key-value and membership routes, JSON errors.
import { Hono } from "hono";
import { errorResponse } from "./errors.js";
import { agentRoutes } from "./agent.js";
import { frameworkRoutes } from "./frameworks.js";
import { kvRoutes } from "./kv.js";
import { memberRoutes } from "./members.js";
import { nodeRoutes } from "./nodes.js";
import { roleRoutes } from "./roles.js";
import { serviceRoutes } from "./services.js";
import { taskRoutes } from "./tasks.js";
import { leaderRef, type ServerView } from "./view.js";

export function buildApp(s: ServerView): Hono {
  const app = new Hono();
  const leader = (): Record<string, unknown> | null => leaderRef(s);

  app.get("/v1/health", (c) => {
    const failed = s.node.failed;
    if (failed !== undefined) return c.json({ ok: false, error: { code: "stopped", message: failed.message } }, 503);
    return c.json({ ok: true });
  });

  app.get("/v1/ready", (c) => {
    const why = s.notReady();
    if (why !== null) return c.json({ ready: false, error: { code: "not_ready", message: why } }, 503);
    return c.json({ ready: true });
  });

  app.get("/v1/status", (c) => c.json(s.status()));

  kvRoutes(app, s);
  memberRoutes(app, s);
  agentRoutes(app, s);
  nodeRoutes(app, s);
  serviceRoutes(app, s);
  taskRoutes(app, s);
  frameworkRoutes(app, s);
  roleRoutes(app, s);

  app.notFound((c) => c.json({ error: { code: "not_found", message: `no endpoint ${c.req.method} ${c.req.path}; see the API list in README.md` } }, 404));
  app.onError((err, c) => errorResponse(c, err, leader));
  return app;
}
