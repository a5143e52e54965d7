// Bad agent-protocol requests to the server: register, heartbeat and status bodies, the assignment stream's query.
import { attribute_chars_max, attributes_max, status_updates_per_request_max } from "../../internal/api/agent.js";
import type { Prng } from "../sim/prng.js";
import { badNumber, type Bad, MISSING, mutate, oneOf, refusedBy } from "./bad-values.js";
import type { FuzzRequest } from "./send.js";
import { unknownName, type Target } from "./target.js";
import { deep_array, deep_object, enc, oddString, query, toJson, wrongType, type JsonLike } from "./values.js";

/** The agent-validate.ts rules, to keep odd strings certainly refused. */
export const node_id_accepted = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const name_accepted = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const addr_accepted = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):\d{1,5}$/;

function post(gen: string, path: string, body: JsonLike, expect: readonly number[]): FuzzRequest {
  return { gen, port: "server", method: "POST", path, headers: { "content-type": "application/json" }, body: toJson(body), expect };
}

/** A registration the server would accept (a new node): only ever sent with one part broken. */
export function registerTemplate(r: Prng): Record<string, JsonLike> {
  const id = `fz-node-${r.u32().toString(16)}`;
  return { node_id: id, name: id, http_addr: "127.0.0.1:9", resources: { cpus: 1, memory_bytes: 1e9, disk_bytes: 1e9 }, attributes: { os: "linux" }, driver: "mock", version: "fuzz" };
}

export function badNodeId(r: Prng): Bad {
  return oneOf<Bad>(r, [() => MISSING, () => null, () => wrongType(r, "string"), () => "", () => "x".repeat(129), () => "-a", () => "a b", () => "a/b", () => refusedBy(r, node_id_accepted, r.chance(0.1))]);
}

const register_mutators: Record<string, (r: Prng) => Bad> = {
  node_id: badNodeId,
  name: (r) => oneOf<Bad>(r, [() => MISSING, () => null, () => wrongType(r, "string"), () => "", () => "x".repeat(64), () => "-a", () => refusedBy(r, name_accepted, r.chance(0.1))]),
  http_addr: (r) => oneOf<Bad>(r, [() => MISSING, () => wrongType(r, "string"), () => "", () => "host", () => "host:", () => ":80", () => "a b:80", () => "host:123456", () => "[::1:80", () => "h:8a", () => refusedBy(r, addr_accepted, r.chance(0.1))]),
  resources: (r) => {
    const res: Record<string, JsonLike> = { cpus: 1, memory_bytes: 1e9, disk_bytes: 1e9 };
    const f = r.pick(["cpus", "memory_bytes", "disk_bytes"]);
    return oneOf<Bad>(r, [
      () => MISSING,
      () => null,
      () => wrongType(r, "object"),
      () => mutate(res, f, MISSING),
      () => mutate(res, f, badNumber(r, 0, f === "cpus" ? 4096 : 2 ** 52, false)),
    ]);
  },
  attributes: (r) =>
    oneOf<Bad>(r, [
      () => wrongType(r, "object"),
      () => ({ a: wrongType(r, "string") }),
      () => ({ a: null }),
      () => ({ ["k".repeat(attribute_chars_max + 1)]: "v" }),
      () => ({ a: "v".repeat(attribute_chars_max + 1) }),
      () => Object.fromEntries(Array.from({ length: attributes_max + 1 }, (_, i) => [`a${i}`, "v"])),
      () => ({ a: deep_object }),
    ]),
  driver: (r) => oneOf<Bad>(r, [() => MISSING, () => null, () => "docker2", () => "Mock", () => "", () => oddString(r), () => wrongType(r, "string")]),
};

export function registerField(r: Prng): FuzzRequest {
  const field = r.pick(Object.keys(register_mutators));
  return post(`register.field.${field}`, "/v1/agent/register", mutate(registerTemplate(r), field, register_mutators[field]!(r)), [400]);
}

export function heartbeat(r: Prng): FuzzRequest {
  if (r.chance(0.5)) return post("heartbeat.bad-node-id", "/v1/agent/heartbeat", mutate({ extra: 1 }, "node_id", badNodeId(r)), [400]);
  return post("heartbeat.unknown-node", "/v1/agent/heartbeat", { node_id: unknownName(r), ...(r.chance(0.5) ? { [oddString(r)]: oddString(r) } : {}) }, [404]);
}

/** An update the server would take from the real node: only ever sent in a batch that is refused. */
export function validUpdate(r: Prng, t: Target): Record<string, JsonLike> {
  return { update_id: `fz-u-${r.u32().toString(16)}`, task_id: r.pick(t.task_ids), seq: 1, at_ms: 0, status: { state: "RUNNING", reason: "running", message: "fuzz" } };
}

const update_mutators: Record<string, (r: Prng) => Bad> = {
  update_id: (r) => oneOf<Bad>(r, [() => MISSING, () => "", () => null, () => wrongType(r, "string"), () => "x".repeat(201)]),
  task_id: (r) => oneOf<Bad>(r, [() => MISSING, () => "", () => null, () => wrongType(r, "string"), () => "x".repeat(129)]),
  seq: (r) => oneOf<Bad>(r, [() => MISSING, () => badNumber(r, 1, Number.MAX_SAFE_INTEGER, true)]),
  status: (r) => oneOf<Bad>(r, [() => MISSING, () => null, () => "RUNNING", () => [], () => 1]),
  "status.state": (r) => oneOf<Bad>(r, [() => MISSING, () => null, () => "running", () => "", () => "RUNNING ", () => "DONE", () => oddString(r), () => wrongType(r, "string")]),
  "status.reason": (r) => oneOf<Bad>(r, [() => MISSING, () => null, () => wrongType(r, "string"), () => "x".repeat(65)]),
};

function brokenUpdate(r: Prng, t: Target): [string, Record<string, JsonLike>] {
  const field = r.pick(Object.keys(update_mutators));
  const u = validUpdate(r, t);
  const v = update_mutators[field]!(r);
  if (field.startsWith("status.")) return [field, { ...u, status: mutate(u["status"] as Record<string, JsonLike>, field.slice("status.".length), v) }];
  return [field, mutate(u, field, v)];
}

export function status(r: Prng, t: Target): FuzzRequest {
  const path = "/v1/agent/status";
  const valid = (n: number): JsonLike[] => Array.from({ length: n }, () => validUpdate(r, t));
  switch (r.int(6)) {
    case 0:
      return post("status.bad-node-id", path, mutate({ updates: valid(r.int(3)) }, "node_id", badNodeId(r)), [400]);
    case 1:
      return post("status.updates-not-array", path, mutate({ node_id: t.node_id }, "updates", oneOf<Bad>(r, [() => MISSING, () => null, () => wrongType(r, "array")])), [400]);
    case 2: {
      // Valid updates around one broken one: the whole batch is refused, nothing applied.
      const [field, bad] = brokenUpdate(r, t);
      const updates = valid(r.int(4));
      updates.splice(r.int(updates.length + 1), 0, r.chance(0.2) ? r.pick<JsonLike>([1, "x", null, true]) : bad);
      return post(`status.update.${field}`, path, { node_id: t.node_id, updates }, [400]);
    }
    case 3:
      return post("status.too-many-updates", path, { node_id: t.node_id, updates: valid(status_updates_per_request_max + 1 + r.int(10)) }, [413]);
    case 4:
      return post("status.unknown-node", path, { node_id: unknownName(r), updates: valid(r.int(3)) }, [404]);
    default: {
      // Valid, and a no-op: seq 1 is older than what the task has. Junk ports are dropped, never stored or echoed.
      const u = validUpdate(r, t);
      const ports = r.pick<JsonLike>([[deep_array], [deep_object], [1, null, "x"], [{ container_port: "80" }], [{ container_port: 80, host_port: -1, host_ip: "", protocol: "tcp" }]]);
      return post("status.valid.stale-junk-ports", path, { node_id: t.node_id, updates: [{ ...u, status: { ...(u["status"] as Record<string, JsonLike>), ports } }] }, [200]);
    }
  }
}

export function assignmentsQuery(r: Prng): FuzzRequest {
  const get = (gen: string, q: string, expect: number): FuzzRequest => ({ gen, port: "server", method: "GET", path: `/v1/agent/assignments${q}`, expect: [expect] });
  switch (r.int(3)) {
    case 0:
      return get("assignments.no-node-id", r.pick(["", "?node_id", "?node_id=", "?nodeid=x"]), 400);
    case 1:
      return get("assignments.bad-node-id", `?node_id=${enc(r.pick(["-a", "a b", "x".repeat(129), refusedBy(r, node_id_accepted)]))}`, 400);
    default:
      return get("assignments.unknown-node", query([["node_id", unknownName(r)]]), 404);
  }
}
