// Bad calls to Mesos's operator API (POST /api/v1) and bad requests for /master/state: each gets
// Mesos's 4xx with a text saying why (these routes answer in Mesos's plain text, not orch's JSON
// errors); and valid reads, which must answer 200 with a JSON object.
import type { Prng } from "../sim/prng.js";
import { oneOf, refusedBy } from "./bad-values.js";
import type { FuzzRequest } from "./send.js";
import { enc, oddString, toJson, wrongType, type JsonLike } from "./values.js";

const api_paths = ["/api/v1", "/master/api/v1"];
/** What the server takes as a JSONP callback (mesos-operator.ts); anything else is refused. */
const jsonp_name = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const state_paths = ["/master/state", "/master/state.json", "/state", "/state.json"];
const served = ["GET_HEALTH", "GET_VERSION", "GET_MASTER", "GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS", "GET_ROLES", "GET_EXECUTORS"];
/** Call types whose body key Mesos requires, with that key. */
const needs_body: readonly [string, string][] = [["GET_METRICS", "get_metrics"], ["READ_FILE", "read_file"], ["TEARDOWN", "teardown"], ["SET_QUOTA", "set_quota"], ["DRAIN_AGENT", "drain_agent"]];

function call(r: Prng, gen: string, body: string | Buffer, expect: number, headers: Record<string, string> = { "content-type": "application/json" }): FuzzRequest {
  return { gen, port: "server", method: "POST", path: r.pick(api_paths), headers, body, expect: [expect], answer: "text" };
}

export function operatorBadCall(r: Prng): FuzzRequest {
  const valid = toJson({ type: r.pick(served) });
  return oneOf(r, [
    () => call(r, "operator.malformed", r.pick(["", "{", "{type:GET_STATE}", '{"type":"GET_STATE"', "nul", '{"type":"GET_STATE"}x', "\uFEFF{}"]), 400),
    () => call(r, "operator.truncated", valid.slice(0, r.range(1, valid.length - 1)), 400),
    () => call(r, "operator.not-object", toJson(r.pick<JsonLike>([[], [{ type: "GET_STATE" }], "GET_STATE", 5, true, null])), 400),
    () => call(r, "operator.no-type", toJson(r.pick<JsonLike>([{}, { get_state: {} }, { type: null }, { Type: "GET_STATE" }])), 400),
    () => call(r, "operator.unknown-type", toJson({ type: r.pick(["get_state", "GET_EVERYTHING", "SUBSCRIBED", "", `zz${oddString(r)}`]) }), 400),
    () => call(r, "operator.type-wrong-kind", toJson({ type: wrongType(r, "string") }), 400),
    () => {
      const [type, key] = r.pick(needs_body);
      return call(r, "operator.body-missing", toJson(r.chance(0.5) ? { type } : { type, [key]: r.pick<JsonLike>([5, "x", [1], true]) }), 400);
    },
    () => call(r, "operator.no-content-type", valid, 400, {}),
    () => call(r, "operator.content-type", valid, 415, { "content-type": r.pick(["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "json", "application/x-protobuf"]) }),
    () => call(r, "operator.accept", valid, 406, { "content-type": "application/json", accept: r.pick(["application/x-protobuf", "text/html", "application/json;q=0", "image/*"]) }),
    () => ({ gen: "operator.method", port: "server", method: r.pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]), path: r.pick(api_paths), expect: [405], answer: "text" }),
  ]);
}

export function operatorBadStateRequest(r: Prng): FuzzRequest {
  return oneOf(r, [
    () => ({ gen: "state.method", port: "server", method: r.pick(["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]), path: r.pick(state_paths), expect: [405], answer: "text" }),
    () => ({ gen: "state.jsonp", port: "server", method: "GET", path: `${r.pick(state_paths)}?jsonp=${enc(r.pick(["alert(1)", "a b", "1abc", "a..b", "", "x".repeat(200), refusedBy(r, jsonp_name)]))}`, expect: [400], answer: "text" }),
  ]);
}

/** Valid operator reads: 200 with a JSON object, nothing changed. */
export function operatorValidRead(r: Prng): FuzzRequest {
  if (r.chance(0.3)) return { gen: "state.read", port: "server", method: "GET", path: r.pick(state_paths), expect: [200] };
  const body: Record<string, JsonLike> = { type: r.pick(served) };
  // Unknown keys are ignored, as Mesos's JSON mapping ignores them.
  if (r.chance(0.3)) body[`zz_${r.int(100)}`] = oddString(r);
  return { gen: "operator.read", port: "server", method: "POST", path: r.pick(api_paths), headers: { "content-type": "application/json", ...(r.chance(0.3) ? { accept: "application/json" } : {}) }, body: toJson(body), expect: [200] };
}
