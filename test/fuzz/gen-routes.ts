// Bad requests across routes: unknown ids, unknown query parameters, wrong methods, unknown paths, bad log queries;
// plus reads with odd but acceptable values, which must answer 200.
import type { Prng } from "../sim/prng.js";
import { refusedBy, unknownKey, unknownParam } from "./bad-values.js";
import { registerTemplate } from "./gen-agent-api.js";
import { serviceTemplate } from "./gen-service.js";
import type { FuzzRequest } from "./send.js";
import { freshName, unknownName, type Target } from "./target.js";
import { enc, malformed_escapes, oddString, query, toJson, type JsonLike } from "./values.js";

interface Endpoint {
  method: string;
  /** Path with real ids, encoded. */
  path: string;
  allowed: readonly string[];
  /** Query pairs the request needs anyway. */
  base?: readonly [string, string][];
  body?: JsonLike;
}

const log_params = ["follow", "stdout", "stderr", "timestamps", "tail", "max_lines"];

/** Every endpoint that checks its query, aimed at real objects, with a body it would accept. */
function endpoints(r: Prng, t: Target): Endpoint[] {
  const task = r.pick(t.task_ids);
  return [
    { method: "GET", path: "/v1/kv", allowed: ["prefix", "limit", "stale"] },
    { method: "GET", path: `/v1/kv/${enc(t.kv_key)}`, allowed: ["stale"] },
    { method: "PUT", path: `/v1/kv/${enc(t.kv_key)}`, allowed: ["cas"], body: "changed" },
    { method: "DELETE", path: `/v1/kv/${enc(t.kv_key)}`, allowed: ["cas"] },
    { method: "GET", path: "/v1/members", allowed: ["stale"] },
    { method: "POST", path: "/v1/members", allowed: [], body: { name: freshName(r), raft_addr: "127.0.0.1:9", http_addr: "127.0.0.1:9" } },
    { method: "DELETE", path: `/v1/members/${t.member_name}`, allowed: [] },
    { method: "POST", path: "/v1/agent/register", allowed: [], body: registerTemplate(r) },
    { method: "POST", path: "/v1/agent/heartbeat", allowed: [], body: { node_id: t.node_id } },
    { method: "POST", path: "/v1/agent/status", allowed: [], body: { node_id: t.node_id, updates: [] } },
    { method: "GET", path: "/v1/agent/assignments", allowed: ["node_id"], base: [["node_id", t.node_id]] },
    { method: "POST", path: "/v1/services", allowed: [], body: serviceTemplate(r) },
    { method: "GET", path: "/v1/services", allowed: ["stale"] },
    { method: "GET", path: `/v1/services/${t.service}`, allowed: ["stale"] },
    { method: "POST", path: `/v1/services/${t.service}/scale`, allowed: [], body: { count: 3 } },
    { method: "DELETE", path: `/v1/services/${t.service}`, allowed: [] },
    { method: "GET", path: "/v1/tasks", allowed: ["service", "node", "all", "stale"] },
    { method: "GET", path: `/v1/tasks/${enc(task)}`, allowed: ["stale"] },
    { method: "DELETE", path: `/v1/tasks/${enc(task)}`, allowed: [] },
    { method: "GET", path: `/v1/tasks/${enc(task)}/logs`, allowed: log_params },
    { method: "GET", path: "/v1/nodes", allowed: ["stale"] },
    { method: "GET", path: `/v1/nodes/${enc(r.chance(0.5) ? t.node_id : t.node_name)}`, allowed: ["stale"] },
    { method: "GET", path: "/v1/roles", allowed: ["stale"] },
    { method: "PUT", path: `/v1/roles/${t.role}`, allowed: [], body: { weight: 3 } },
  ];
}

function withBody(req: FuzzRequest, body: JsonLike | undefined): FuzzRequest {
  if (body === undefined) return req;
  if (typeof body === "string") return { ...req, body, headers: { "content-type": "application/octet-stream" } };
  return { ...req, body: toJson(body), headers: { "content-type": "application/json" } };
}

/** A request the endpoint would accept, but for one query parameter it does not take. */
export function unknownQuery(r: Prng, t: Target): FuzzRequest {
  const e = r.pick(endpoints(r, t));
  const pairs: [string, string | undefined][] = [...(e.base ?? [])];
  if (e.allowed.includes("stale") && r.chance(0.3)) pairs.push(["stale", undefined]);
  pairs.splice(r.int(pairs.length + 1), 0, [unknownParam(r, e.allowed), r.chance(0.2) ? undefined : oddString(r)]);
  return withBody({ gen: `query.unknown.${e.method}`, port: "server", method: e.method, path: e.path + query(pairs), expect: [400] }, e.body);
}

const flag_accepted = /^(|true|1|false|0)$/;

/** Log parameters refused by the server (tail, max_lines) or by the agent it forwards to (flags, ranges). */
export function badLogQuery(r: Prng): [string, string][] {
  const bad: [string, string] = r.pick<() => [string, string]>([
    () => [r.pick(["tail", "max_lines"]), r.pick(["-1", "1.5", "abc", "", "1e3", "0x1", "1234567890", " 1", "\uFF11", refusedBy(r, /^\d{1,9}$/)])],
    () => [r.pick(["follow", "stdout", "stderr", "timestamps"]), r.pick(["yes", "no", "2", "TRUE", "on", "-1", refusedBy(r, flag_accepted)])],
    () => ["tail", r.pick(["100001", "999999999"])],
    () => ["max_lines", r.pick(["0", "100001", "999999999"])],
  ])();
  if (r.chance(0.15)) return [["stdout", r.pick(["false", "0"])], ["stderr", r.pick(["false", "0"])]];
  // A valid parameter beside it, never the same one: the first of two equal names wins.
  const other: [string, string] = bad[0] === "tail" ? ["max_lines", "5"] : ["tail", "5"];
  const pairs: [string, string][] = r.chance(0.3) ? [other] : [];
  pairs.splice(r.int(pairs.length + 1), 0, bad);
  return pairs;
}

export function taskLogsQuery(r: Prng, t: Target): FuzzRequest {
  return { gen: "tasks.logs.bad-query", port: "server", method: "GET", path: `/v1/tasks/${enc(r.pick(t.task_ids))}/logs${query(badLogQuery(r))}`, expect: [400] };
}

/** An id no object has: plain, odd, or with escapes that do not decode. */
function unknownId(r: Prng): string {
  return r.pick([() => enc(unknownName(r)), () => enc(`zz${oddString(r)}`), () => `zz${r.pick(malformed_escapes)}zz`])();
}

export function unknownIdRequest(r: Prng): FuzzRequest {
  const id = unknownId(r);
  // A key must also pass checkKey (no control characters) to be merely unknown.
  const key = enc(unknownKey(r));
  const [method, path, body] = r.pick<[string, string, JsonLike | undefined]>([
    ["GET", `/v1/services/${id}`, undefined],
    ["DELETE", `/v1/services/${id}`, undefined],
    ["GET", `/v1/tasks/${id}`, undefined],
    ["DELETE", `/v1/tasks/${id}`, undefined],
    ["GET", `/v1/tasks/${id}/logs`, undefined],
    ["GET", `/v1/nodes/${id}`, undefined],
    ["GET", `/v1/kv/${key}`, undefined],
    ["DELETE", `/v1/kv/${key}`, undefined],
  ]);
  return withBody({ gen: `unknown-id.${method}.${path.split("/")[2]}`, port: "server", method, path, expect: [404] }, body);
}

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "MKCOL", "LOCK", "PURGE", "SEARCH", "REPORT"];

/** A method the route does not serve (HEAD is GET without a body, so never sent). */
export function badMethod(r: Prng, t: Target): FuzzRequest {
  const task = enc(r.pick(t.task_ids));
  const routes: [string, string[]][] = [
    ["/v1/health", ["GET"]],
    ["/v1/ready", ["GET"]],
    ["/v1/status", ["GET"]],
    ["/v1/kv", ["GET"]],
    [`/v1/kv/${enc(t.kv_key)}`, ["GET", "PUT", "DELETE"]],
    ["/v1/members", ["GET", "POST"]],
    [`/v1/members/${t.member_name}`, ["DELETE"]],
    ["/v1/agent/register", ["POST"]],
    ["/v1/agent/heartbeat", ["POST"]],
    ["/v1/agent/status", ["POST"]],
    [`/v1/agent/assignments?node_id=${enc(t.node_id)}`, ["GET"]],
    ["/v1/services", ["GET", "POST"]],
    [`/v1/services/${t.service}`, ["GET", "DELETE"]],
    [`/v1/services/${t.service}/scale`, ["POST"]],
    ["/v1/tasks", ["GET"]],
    [`/v1/tasks/${task}`, ["GET", "DELETE"]],
    [`/v1/tasks/${task}/logs`, ["GET"]],
    ["/v1/nodes", ["GET"]],
    [`/v1/nodes/${enc(t.node_id)}`, ["GET"]],
    ["/v1/roles", ["GET"]],
    [`/v1/roles/${t.role}`, ["PUT"]],
    ["/v1/frameworks", ["GET"]],
  ];
  const [path, allowed] = r.pick(routes);
  const method = r.pick(methods.filter((m) => !allowed.includes(m)));
  const body = method !== "TRACE" && r.chance(0.3) ? { count: 1, node_id: t.node_id } : undefined;
  return withBody({ gen: `method.${method}`, port: "server", method, path, expect: [404, 405] }, body);
}

export function unknownPath(r: Prng, t: Target): FuzzRequest {
  const task = enc(r.pick(t.task_ids));
  const path = r.pick([
    () => r.pick(["/", "/v1", "/v1/", "/v2/health", "/v1/healthz", "/v1/health/", "/v1/health/x", "/V1/health", "/v1/HEALTH", "/v1/kv/", "/v1/services/", "/v1/tasks/", "/v1/nodes/", "/v1/members/", "/.env", "/favicon.ico"]),
    () => r.pick([`/v1/services/${t.service}/`, `/v1/services/${t.service}/x`, `/v1/services/${t.service}/scale/x`, `/v1/tasks/${task}/logs/x`, `/v1/tasks/${task}/x`, `/v1/nodes/${enc(t.node_id)}/x`, `/v1/members/${t.member_name}/x`, `/v1/roles/${t.role}/x`, "/v1/roles/"]),
    () => r.pick(["/v1/agent", "/v1/agent/", "/v1/agent/x", "/v1/agent/register/x", `/v1/agent/tasks/${task}/logs`]),
    () => `/v1/${enc(`zz${oddString(r)}`)}`,
    () => `/${enc(`zz${oddString(r)}`)}${r.chance(0.5) ? "/x" : ""}`,
    () => `/v1/health${r.pick(malformed_escapes)}`,
    () => `/v1/zz${r.pick(malformed_escapes)}`,
  ])();
  // Every registered path is a GET; POST to an unknown path must be 404 as well.
  const method = r.pick(["GET", "POST", "PUT", "DELETE"]);
  const kvEmpty = path === "/v1/kv/";
  return withBody({ gen: `unknown-path.${method}`, port: "server", method, path, expect: [404] }, method !== "GET" && !kvEmpty && r.chance(0.5) ? { a: 1 } : undefined);
}

/** Reads with odd values in parameters they take: valid, so they must answer 200 with JSON. */
export function oddValidRead(r: Prng): FuzzRequest {
  const v = (): string | undefined => (r.chance(0.2) ? undefined : oddString(r));
  const some = (names: string[]): [string, string | undefined][] => names.filter(() => r.chance(0.5)).map((n) => [n, v()]);
  const [path, pairs] = r.pick<() => [string, [string, string | undefined][]]>([
    () => ["/v1/tasks", some(["service", "node", "all", "stale"])],
    () => ["/v1/kv", [...some(["prefix", "stale"]), ...(r.chance(0.5) ? [["limit", String(r.range(1, 10_000))] as [string, string]] : [])]],
    () => ["/v1/services", some(["stale"])],
    () => ["/v1/nodes", some(["stale"])],
    () => ["/v1/members", some(["stale"])],
    () => ["/v1/roles", some(["stale"])],
    () => [r.pick(["/v1/health", "/v1/status"]), [[`zz${oddString(r)}`, v()]]],
  ])();
  return { gen: `valid-read.${path.slice(4)}`, port: "server", method: "GET", path: path + query(pairs), expect: [200] };
}
