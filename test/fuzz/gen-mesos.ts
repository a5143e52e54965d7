// Bad calls to Mesos's scheduler API (POST /api/v1/scheduler) and to orch's framework routes:
// each must be refused with Mesos's status and a message (plain text, as Mesos answers), and none
// may register a framework or change anything.
import type { Prng } from "../sim/prng.js";
import { unknownParam } from "./bad-values.js";
import type { FuzzRequest } from "./send.js";
import { unknownName, type Target } from "./target.js";
import { deep_object, enc, oddString, toJson, wrongType, type JsonLike } from "./values.js";

const path = "/api/v1/scheduler";
const call_types = ["TEARDOWN", "ACCEPT", "DECLINE", "REVIVE", "SUPPRESS", "KILL", "ACKNOWLEDGE", "RECONCILE", "MESSAGE", "SHUTDOWN", "REQUEST", "UPDATE_FRAMEWORK", "ACCEPT_INVERSE_OFFERS", "DECLINE_INVERSE_OFFERS", "ACKNOWLEDGE_OPERATION_STATUS", "RECONCILE_OPERATIONS"] as const;

function post(gen: string, body: string, expect: readonly number[], headers: Record<string, string> = { "content-type": "application/json" }): FuzzRequest {
  return { gen, port: "server", method: "POST", path, headers, body, expect, answer: "text" };
}

/** A FrameworkInfo with one required part missing or of the wrong type. */
function badFrameworkInfo(r: Prng): JsonLike {
  const good: Record<string, JsonLike> = { user: "root", name: "fuzz" };
  return r.pick<() => JsonLike>([
    () => ({ name: "fuzz" }),
    () => ({ user: "root" }),
    () => ({ ...good, user: wrongType(r, "string") }),
    () => ({ ...good, name: wrongType(r, "string") }),
    () => ({ ...good, failover_timeout: r.pick<JsonLike>([{}, [], true, "x1", "1e999"]) }),
    // roles without MULTI_ROLE, or a role Mesos refuses: a 200 stream with one ERROR event.
    () => ({ ...good, roles: r.pick<JsonLike>(["", "a", ["a"], [""], 5, {}]) }),
    () => ({ ...good, role: r.pick(["", "/a", "a/", "a//b", ".", "..", "-a", "a b"]) }),
    () => ({ ...good, capabilities: [{ type: "MULTI_ROLE" }], roles: r.pick<JsonLike>([["a", "a"], [" x"], ["a/"]]) }),
    () => ({ ...good, capabilities: [{ type: deep_object }] }),
    () => ({ ...good, id: wrongType(r, "object") }),
    () => wrongType(r, "object"),
  ])();
}

/** A SUBSCRIBE that must not subscribe: bad info, a stream id, ids that disagree, nothing acceptable to Accept. */
export function mesosSubscribe(r: Prng): FuzzRequest {
  return r.pick<() => FuzzRequest>([
    () => post("mesos.subscribe.info", toJson({ type: "SUBSCRIBE", subscribe: { framework_info: badFrameworkInfo(r) } }), [200, 400]),
    () => post("mesos.subscribe.missing", toJson({ type: "SUBSCRIBE" }), [400]),
    () => post("mesos.subscribe.stream-id", toJson({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "root", name: "fuzz" } } }), [400], { "content-type": "application/json", "mesos-stream-id": r.u32().toString(16) }),
    () => post("mesos.subscribe.ids-differ", toJson({ type: "SUBSCRIBE", framework_id: { value: unknownName(r) }, subscribe: { framework_info: { user: "root", name: "fuzz", id: { value: unknownName(r) } } } }), [400]),
    () => post("mesos.subscribe.accept", toJson({ type: "SUBSCRIBE", subscribe: { framework_info: { user: "root", name: "fuzz" } } }), [406], { "content-type": "application/json", accept: r.pick(["text/html", "application/x-protobuf", "image/png"]) }),
  ])();
}

/** Any other call: from a framework that does not exist, without a stream id, with a broken body. */
export function mesosCall(r: Prng): FuzzRequest {
  const type = r.pick(call_types);
  const fid = { value: unknownName(r) };
  const key = type.toLowerCase();
  return r.pick<() => FuzzRequest>([
    // A well-formed body for an unknown framework: 400 "Framework cannot be found" (or the body's own 400).
    () => post(`mesos.call.unknown-framework`, toJson({ type, framework_id: fid, [key]: {} }), [400], { "content-type": "application/json", "mesos-stream-id": "00000000-0000-4000-8000-000000000000" }),
    () => post(`mesos.call.no-framework-id`, toJson({ type, [key]: {} }), [400]),
    () => post(`mesos.call.body`, toJson({ type, framework_id: fid, [key]: wrongType(r, "object") }), [400]),
    () => post(`mesos.call.framework-id`, toJson({ type, framework_id: wrongType(r, "object"), [key]: {} }), [400]),
    () => post("mesos.call.unknown-type", toJson({ type: `ZZ${oddString(r)}`, framework_id: fid }), [400]),
    () => post("mesos.call.unknown", toJson({ type: "UNKNOWN", framework_id: fid }), [400, 501]),
  ])();
}

/** The transport around the call: methods, content types, bodies that are not JSON. */
export function mesosTransport(r: Prng): FuzzRequest {
  const body = toJson({ type: "REVIVE", framework_id: { value: unknownName(r) } });
  return r.pick<() => FuzzRequest>([
    () => ({ gen: "mesos.method", port: "server", method: r.pick(["GET", "PUT", "DELETE", "PATCH"]), path, expect: [405], answer: "text" }),
    () => post("mesos.no-content-type", body, [400], {}),
    () => post("mesos.content-type", body, [415], { "content-type": r.pick(["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "application/x-protobuf"]) }),
    () => post("mesos.malformed", r.pick(["", "{", "[]", "null", '{"type":', "nope", '{"type":"SUBSCRIBE"}}']), [400]),
  ])();
}

/** orch's own framework routes: unknown ids, unknown query parameters. */
export function frameworkRoutes(r: Prng, t: Target): FuzzRequest {
  void t;
  const id = enc(unknownName(r));
  return r.pick<() => FuzzRequest>([
    () => ({ gen: "frameworks.unknown", port: "server", method: "GET", path: `/v1/frameworks/${id}`, expect: [404] }),
    () => ({ gen: "frameworks.teardown-unknown", port: "server", method: "POST", path: `/v1/frameworks/${id}/teardown`, expect: [404] }),
    () => ({ gen: "frameworks.query", port: "server", method: "GET", path: `/v1/frameworks?${enc(unknownParam(r, ["stale"]))}=1`, expect: [400] }),
  ])();
}
