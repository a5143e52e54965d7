// Key-value routes: PUT raw bodies, GET values back, compare-and-set, list, linearizable by default.
import type { Context, Hono } from "hono";
import { base64Bytes } from "../../fsm/base64.js";
import { CommandType } from "../../fsm/commands.js";
import type { ApplyResult } from "../../fsm/state.js";
import { bodyOf, readBody } from "./body.js";
import { HttpError } from "./errors.js";
import { checkKey, kv_list_limit_max, kv_value_bytes_max, onlyQuery, optionalIndex } from "./validate.js";
import type { ServerView } from "./view.js";

/** Reads are linearizable (ReadIndex) unless ?stale asks for this server's local state. */
async function readBarrier(s: ServerView, c: Context): Promise<void> {
  if (c.req.query("stale") === undefined) await s.node.linearizableRead();
}

function answer(c: Context, r: ApplyResult): Response {
  if (r.ok) return c.json(r, 200);
  switch (r.code) {
    case "cas_mismatch":
      throw new HttpError(409, "cas_mismatch", `key ${JSON.stringify(r.key)} is at modify index ${r.current_index}, not the one given in ?cas`, { current_index: r.current_index });
    case "not_found":
      throw new HttpError(404, "not_found", `no key ${JSON.stringify(r.key)}`);
    default:
      throw new HttpError(409, r.code, r.message);
  }
}

/** Keys of one or more characters, line breaks too: with "." a key holding one got "no endpoint" rather than bad_key. */
const key_route = "/v1/kv/:key{[\\s\\S]+}";

export function kvRoutes(app: Hono, s: ServerView): void {
  app.get("/v1/kv", async (c) => {
    onlyQuery(c.req.query(), ["prefix", "limit", "stale"]);
    const limit = optionalIndex("limit", c.req.query("limit")) ?? 1000;
    if (limit < 1 || limit > kv_list_limit_max) throw new HttpError(400, "bad_query", `?limit must be from 1 to ${kv_list_limit_max}`);
    await readBarrier(s, c);
    const rows = s.fsm.kv.list(c.req.query("prefix") ?? "", limit + 1);
    return c.json({
      keys: rows.slice(0, limit).map(([key, e]) => ({ key, create_index: e.create_index, modify_index: e.modify_index, size_bytes: base64Bytes(e.value_b64) })),
      truncated: rows.length > limit,
      applied_index: s.fsm.applied_index,
    });
  });

  app.get(key_route, async (c) => {
    onlyQuery(c.req.query(), ["stale"]);
    const key = checkKey(c.req.param("key"));
    await readBarrier(s, c);
    const e = s.fsm.kv.get(key);
    if (e === undefined) throw new HttpError(404, "not_found", `no key ${JSON.stringify(key)}`);
    return c.body(new Uint8Array(Buffer.from(e.value_b64, "base64")), 200, {
      "content-type": "application/octet-stream",
      "x-orch-create-index": String(e.create_index),
      "x-orch-modify-index": String(e.modify_index),
    });
  });

  app.put(
    key_route,
    readBody(kv_value_bytes_max, () => new HttpError(413, "value_too_large", `the value is larger than ${kv_value_bytes_max} bytes; store large data elsewhere and keep a reference here`)),
    async (c) => {
      onlyQuery(c.req.query(), ["cas"]);
      const key = checkKey(c.req.param("key"));
      const cas = optionalIndex("cas", c.req.query("cas"));
      const value = bodyOf(c);
      const r = await s.node.propose({ type: CommandType.kv_put, key, value_b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64"), ...(cas !== undefined ? { cas } : {}) });
      return answer(c, r);
    },
  );

  app.delete(key_route, async (c) => {
    onlyQuery(c.req.query(), ["cas"]);
    const key = checkKey(c.req.param("key"));
    const cas = optionalIndex("cas", c.req.query("cas"));
    const r = await s.node.propose({ type: CommandType.kv_delete, key, ...(cas !== undefined ? { cas } : {}) });
    return answer(c, r);
  });
}
