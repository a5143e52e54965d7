// Key-value routes: PUT raw bodies, GET values back, compare-and-set, list, linearizable by default.
//
// The routes of one key (/v1/kv/<key>: GET, HEAD, PUT, DELETE) are the hot path of every write
// benchmark, so they run on Node's request and response directly, before the hono app: the
// adaptor's Request/Response objects, routing and middleware cost more CPU than the rest of a
// write (Raft, storage, transport) together. Same checks, same JSON errors as every other route.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, Hono } from "hono";
import { tryDecode } from "hono/utils/url";
import { CommandType } from "../../fsm/commands.js";
import type { ApplyResult } from "../../fsm/state.js";
import { readIncoming } from "./body.js";
import { errorAnswer, HttpError } from "./errors.js";
import { checkKey, kv_list_limit_max, kv_value_bytes_max, onlyQuery, optionalIndex } from "./validate.js";
import { leaderRef, type ServerView } from "./view.js";

const key_prefix = "/v1/kv/";

/** Reads are linearizable (ReadIndex) unless ?stale asks for this server's local state. */
async function readBarrier(s: ServerView, stale: string | undefined): Promise<void> {
  if (stale === undefined) await s.node.linearizableRead();
}

/** The state machine's answer to a put or delete, or the HTTP error it amounts to. */
function answer(r: ApplyResult): ApplyResult {
  if (r.ok) return r;
  switch (r.code) {
    case "cas_mismatch":
      throw new HttpError(409, "cas_mismatch", `key ${JSON.stringify(r.key)} is at modify index ${r.current_index}, not the one given in ?cas`, { current_index: r.current_index });
    case "not_found":
      throw new HttpError(404, "not_found", `no key ${JSON.stringify(r.key)}`);
    default:
      throw new HttpError(409, r.code, r.message);
  }
}

/** GET /v1/kv: keys by prefix, in hono with the other routes. */
export function kvRoutes(app: Hono, s: ServerView): void {
  app.get("/v1/kv", async (c: Context) => {
    onlyQuery(c.req.query(), ["prefix", "limit", "stale"]);
    const limit = optionalIndex("limit", c.req.query("limit")) ?? 1000;
    if (limit < 1 || limit > kv_list_limit_max) throw new HttpError(400, "bad_query", `?limit must be from 1 to ${kv_list_limit_max}`);
    await readBarrier(s, c.req.query("stale"));
    const rows = s.fsm.kv.list(c.req.query("prefix") ?? "", limit + 1);
    return c.json({
      keys: rows.slice(0, limit).map(([key, e]) => ({ key, create_index: e.create_index, modify_index: e.modify_index, size_bytes: e.value.byteLength })),
      truncated: rows.length > limit,
      applied_index: s.fsm.applied_index,
    });
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Uint8Array | string, head = false): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, "content-length": String(bytes.byteLength) });
  res.end(head ? undefined : bytes);
}

const json = { "content-type": "application/json" };

/**
 * Takes the request if it is GET, HEAD, PUT or DELETE of /v1/kv/<key> (true), else leaves it
 * to the hono app (false).
 */
export function kvKeyHandler(s: ServerView): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? "";
    const method = req.method ?? "";
    if (!url.startsWith(key_prefix) || !(method === "GET" || method === "HEAD" || method === "PUT" || method === "DELETE")) return false;
    // "/v1/kv/" with no key is no endpoint at all: hono answers it with the usual 404.
    if (url.length === key_prefix.length || url[key_prefix.length] === "?") return false;
    const head = method === "HEAD";
    serveKey(s, req, method, url).then(
      (a) => send(res, a.status, a.headers, a.body, head),
      (err: unknown) => {
        const e = errorAnswer(err, () => leaderRef(s));
        send(res, e.status, json, JSON.stringify(e.body), head);
      },
    );
    return true;
  };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

async function serveKey(s: ServerView, req: IncomingMessage, method: string, url: string): Promise<Answer> {
  const q = url.indexOf("?");
  const raw_key = url.slice(key_prefix.length, q === -1 ? undefined : q);
  const key = checkKey(raw_key.includes("%") ? tryDecode(raw_key, decodeURIComponent) : raw_key);
  const params = new URLSearchParams(q === -1 ? "" : url.slice(q + 1));
  // No prototype: "?constructor" or "?__proto__" are unknown parameters like any other.
  const query = Object.create(null) as Record<string, string>;
  for (const [k, v] of params) if (!Object.hasOwn(query, k)) query[k] = v;

  if (method === "GET" || method === "HEAD") {
    onlyQuery(query, ["stale"]);
    await readBarrier(s, query["stale"]);
    const e = s.fsm.kv.get(key);
    if (e === undefined) throw new HttpError(404, "not_found", `no key ${JSON.stringify(key)}`);
    return {
      status: 200,
      headers: { "content-type": "application/octet-stream", "x-orch-create-index": String(e.create_index), "x-orch-modify-index": String(e.modify_index) },
      body: Buffer.from(e.value.buffer, e.value.byteOffset, e.value.byteLength),
    };
  }
  onlyQuery(query, ["cas"]);
  const cas = optionalIndex("cas", query["cas"]);
  if (method === "DELETE") {
    const r = await s.node.propose({ type: CommandType.kv_delete, key, ...(cas !== undefined ? { cas } : {}) });
    return { status: 200, headers: json, body: JSON.stringify(answer(r)) };
  }
  const too_large = (): HttpError =>
    new HttpError(413, "value_too_large", `the value is larger than ${kv_value_bytes_max} bytes; store large data elsewhere and keep a reference here`);
  if (Number(req.headers["content-length"] ?? "NaN") > kv_value_bytes_max) throw too_large();
  const value = await readIncoming(req, kv_value_bytes_max, too_large);
  const r = await s.node.propose({
    type: CommandType.kv_put,
    key,
    value,
    ...(cas !== undefined ? { cas } : {}),
  });
  return { status: 200, headers: json, body: JSON.stringify(answer(r)) };
}
