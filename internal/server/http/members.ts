// Membership routes: list, join (add a learner), remove. Changes run on the leader.
import type { Hono } from "hono";
import { bodyOf, jsonBodyLimit } from "./body.js";
import { HttpError } from "./errors.js";
import { json_body_bytes_max, jsonObject, onlyQuery, stringField } from "./validate.js";
import type { ServerView } from "./view.js";

const name_pattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const addr_pattern = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/;

export function memberRoutes(app: Hono, s: ServerView): void {
  app.get("/v1/members", async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    if (c.req.query("stale") === undefined) await s.node.linearizableRead();
    return c.json({ members: s.status().members });
  });

  app.post(
    "/v1/members",
    jsonBodyLimit(json_body_bytes_max),
    async (c) => {
      onlyQuery(c.req.query(), []);
      if (!s.isLeader()) return s.forwardToLeader(c.req.raw, bodyOf(c));
      const body = jsonObject(c);
      const name = stringField(body, "name", 63);
      const raft_addr = stringField(body, "raft_addr");
      const http_addr = stringField(body, "http_addr");
      if (!name_pattern.test(name)) throw new HttpError(400, "bad_field", `name ${JSON.stringify(name)}: use 1-63 letters, digits, '.', '_' or '-'`);
      for (const [k, v] of [["raft_addr", raft_addr], ["http_addr", http_addr]] as const) {
        if (!addr_pattern.test(v)) throw new HttpError(400, "bad_field", `${k} ${JSON.stringify(v)} is not host:port`);
      }
      return c.json(await s.addMember({ name, raft_addr, http_addr }), 200);
    },
  );

  app.delete("/v1/members/:name", async (c) => {
    onlyQuery(c.req.query(), []);
    if (!s.isLeader()) return s.forwardToLeader(c.req.raw);
    return c.json(await s.removeMember(c.req.param("name")), 200);
  });
}
