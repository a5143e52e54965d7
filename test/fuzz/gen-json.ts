// Bad bodies for every JSON endpoint: malformed text, wrong content types, deep nesting, bodies over the limit;
// and the scale and membership bodies.
import { json_body_bytes_max } from "../../internal/server/http/validate.js";
import { count_max } from "../../internal/server/http/service-validate.js";
import type { Prng } from "../sim/prng.js";
import { badNumber, type Bad, MISSING, mutate, oneOf, refusedBy } from "./bad-values.js";
import { registerTemplate, validUpdate } from "./gen-agent-api.js";
import { serviceTemplate } from "./gen-service.js";
import type { FuzzRequest } from "./send.js";
import { freshName, unknownName, type Target } from "./target.js";
import { deep_array, deep_object, enc, oddString, toJson, wrongType, type JsonLike } from "./values.js";

/** Largest body POST /v1/agent/status takes (agent.ts). */
const status_body_bytes_max = 1024 * 1024;

interface JsonEndpoint {
  path: string;
  /** A body this endpoint would accept. */
  valid: Record<string, JsonLike>;
  /** Fields whose deep-nested value is refused (others are optional or free-form). */
  deep_fields: readonly string[];
  body_max: number;
}

/** Every JSON endpoint, each with a body it would accept: the generators below break it. */
function endpoints(r: Prng, t: Target): JsonEndpoint[] {
  const svc = serviceTemplate(r);
  return [
    { path: "/v1/services", valid: svc, deep_fields: Object.keys(svc).concat(["kind", "env", "ports", "host_ip", "role", "restart", "strategy", "constraints", "args"]), body_max: json_body_bytes_max },
    { path: `/v1/services/${t.service}/scale`, valid: { count: 3 }, deep_fields: ["count"], body_max: json_body_bytes_max },
    { path: `/v1/services/${enc(unknownName(r))}/scale`, valid: { count: 3 }, deep_fields: ["count"], body_max: json_body_bytes_max },
    { path: "/v1/members", valid: { name: freshName(r), raft_addr: "127.0.0.1:9", http_addr: "127.0.0.1:9" }, deep_fields: ["name", "raft_addr", "http_addr"], body_max: json_body_bytes_max },
    { path: "/v1/agent/register", valid: registerTemplate(r), deep_fields: ["node_id", "name", "http_addr", "resources", "attributes", "driver"], body_max: json_body_bytes_max },
    { path: "/v1/agent/heartbeat", valid: { node_id: t.node_id }, deep_fields: ["node_id"], body_max: json_body_bytes_max },
    { path: "/v1/agent/status", valid: { node_id: t.node_id, updates: [validUpdate(r, t)] }, deep_fields: ["node_id", "updates"], body_max: status_body_bytes_max },
  ];
}

function post(gen: string, path: string, body: string | Buffer, expect: number, content_type = "application/json"): FuzzRequest {
  return { gen, port: "server", method: "POST", path, headers: { "content-type": content_type }, body, expect: [expect] };
}

const malformed: readonly string[] = [
  "", " ", "{", "}", "{]", '{"a":}', "{'a':1}", "{a:1}", '{"a":1,}', '{"a" 1}', '{"a":1', '{"a":1}}', '{"a":NaN}', '{"a":Infinity}', '{"a":-Infinity}',
  '{"a":undefined}', "// c\n{}", "/* c */{}", '{"a":1}garbage', '{"a":1}{"b":2}', '{"a":"\u0000"}', '{"a":"\n"}', '{"a":"\\x41"}', '{"a":"\\u12"}',
  '{"a":"\\uZZZZ"}', '{"a":01}', '{"a":+1}', '{"a":.5}', '{"a":1.}', '{"a":0x10}', '{"a":1e}', '{"a":--1}', "tru", "nul", "NaN", "Infinity", "undefined",
  "{\"a\":\"unterminated}", "[".repeat(10_000), "{\"a\":".repeat(10_000), "\u0000", "\uFEFF\uFEFF{}", "{\"a\":1}\u0000",
];

export function jsonMalformed(r: Prng, t: Target): FuzzRequest {
  const e = r.pick(endpoints(r, t));
  const text = toJson(e.valid);
  return oneOf(r, [
    () => post("json.malformed", e.path, r.pick(malformed), 400),
    // Any proper prefix of an object is unterminated.
    () => post("json.truncated", e.path, text.slice(0, r.range(1, text.length - 1)), 400),
    // Bytes that are not UTF-8, outside any string: the decoded U+FFFD is not JSON either.
    () => post("json.bad-utf8", e.path, Buffer.concat([Buffer.from("{"), Buffer.from([r.pick([0xff, 0xc0, 0x80, 0xfe, 0xed])]), Buffer.from(text.slice(1))]), 400),
  ]);
}

export function jsonNotObject(r: Prng, t: Target): FuzzRequest {
  const e = r.pick(endpoints(r, t));
  const body = r.pick(["[]", "[1]", `[${toJson(e.valid)}]`, "1", "-0", "1e400", '"x"', JSON.stringify(toJson(e.valid)), "null", "true", "false", deep_array.text]);
  return post("json.not-object", e.path, body, 400);
}

/** A body the endpoint would accept, labelled with a type it refuses. */
export function jsonContentType(r: Prng, t: Target): FuzzRequest {
  const e = r.pick(endpoints(r, t));
  const type = r.pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/json", "application/xml", "application/jso", "json", "*/*", "application/octet-stream", "text/html; charset=utf-8", "application/problem+json"]);
  return post("json.content-type", e.path, toJson(e.valid), 415, type);
}

export function jsonDeep(r: Prng, t: Target): FuzzRequest {
  const e = r.pick(endpoints(r, t));
  const deep = r.pick([deep_array, deep_object]);
  // A deep object as the whole body is an object with one unknown (or no known) field.
  if (r.chance(0.2)) return post("json.deep.body", e.path, deep.text, 400);
  const field = r.pick(e.deep_fields);
  return post(`json.deep.field.${field}`, e.path, toJson({ ...e.valid, [field]: deep }), 400);
}

/** Bodies just over each endpoint's limit, sized or chunked: refused before parsing. */
export function jsonTooLarge(r: Prng, t: Target): FuzzRequest {
  const e = r.pick(endpoints(r, t));
  const text = toJson({ ...e.valid, pad: "x".repeat(e.body_max + r.range(1, 64 * 1024)) });
  return { ...post("json.too-large", e.path, text, 413), chunked: r.chance(0.5) };
}

export function scale(r: Prng, t: Target): FuzzRequest {
  switch (r.int(3)) {
    case 0:
      return post("scale.bad-count", `/v1/services/${t.service}/scale`, toJson(mutate({}, "count", oneOf<Bad>(r, [() => MISSING, () => null, () => badNumber(r, 0, count_max, true)]))), 400);
    case 1:
      return post("scale.job", `/v1/services/${t.job}/scale`, toJson({ count: r.range(1, 5) }), 409);
    default:
      return post("scale.unknown-service", `/v1/services/${enc(r.chance(0.5) ? unknownName(r) : `zz${oddString(r)}`)}/scale`, toJson({ count: r.range(0, 5) }), 404);
  }
}

const member_name_accepted = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const addr_accepted = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/;

export function membersJoin(r: Prng, t: Target): FuzzRequest {
  const valid: Record<string, JsonLike> = { name: freshName(r), raft_addr: "127.0.0.1:9", http_addr: "127.0.0.1:9" };
  switch (r.int(4)) {
    case 0:
      return post("members.join.bad-name", "/v1/members", toJson(mutate(valid, "name", oneOf<Bad>(r, [() => MISSING, () => null, () => "", () => wrongType(r, "string"), () => "x".repeat(64), () => "-a", () => refusedBy(r, member_name_accepted, r.chance(0.1))]))), 400);
    case 1: {
      const f = r.pick(["raft_addr", "http_addr"]);
      return post(`members.join.bad-${f}`, "/v1/members", toJson(mutate(valid, f, oneOf<Bad>(r, [() => MISSING, () => "", () => wrongType(r, "string"), () => "host", () => ":80", () => "a b:1", () => refusedBy(r, addr_accepted, r.chance(0.1))]))), 400);
    }
    case 2:
      return post("members.join.name-taken", "/v1/members", toJson({ ...valid, name: t.member_name }), 409);
    default:
      return post("members.join.address-taken", "/v1/members", toJson({ ...valid, raft_addr: t.raft_addr }), 409);
  }
}

export function membersRemove(r: Prng, t: Target): FuzzRequest {
  if (r.chance(0.2)) return { gen: "members.remove.last-voter", port: "server", method: "DELETE", path: `/v1/members/${t.member_name}`, expect: [409] };
  return { gen: "members.remove.unknown", port: "server", method: "DELETE", path: `/v1/members/${enc(r.chance(0.5) ? unknownName(r) : `zz${oddString(r)}`)}`, expect: [404] };
}
