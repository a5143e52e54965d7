// Bad service submissions (POST /v1/services): a valid spec with one field broken, unknown or removed.
import {
  argv_item_chars_max,
  argv_items_max,
  constraints_max,
  count_max,
  cpus_max,
  cpus_min,
  env_vars_max,
  grace_ms_max,
  memory_bytes_max,
  memory_bytes_min,
  ports_max,
  retries_max_max,
  role_pattern,
  service_name_pattern,
} from "../../internal/server/http/service-validate.js";
import type { Prng } from "../sim/prng.js";
import { badNumber, type Bad, MISSING, mutate, oneOf, refusedBy } from "./bad-values.js";
import type { FuzzRequest } from "./send.js";
import { freshName, type Target } from "./target.js";
import { deep_array, deep_object, oddString, RawJson, toJson, wrongType, type JsonLike } from "./values.js";

/** The host_ip rule of internal/server/http/service-validate.ts. */
const host_ip_accepted = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+)$/;
const env_name_accepted = /^[A-Za-z_][A-Za-z0-9_]*$/;
const known_fields = ["name", "kind", "image", "command", "args", "env", "cpus", "memory_bytes", "disk_bytes", "count", "ports", "host_ip", "constraints", "restart", "retries_max", "role", "grace_ms", "strategy"];

/** A spec the server would accept and run: only ever sent with one part broken. */
export function serviceTemplate(r: Prng): Record<string, JsonLike> {
  return { name: freshName(r), image: "busybox:latest", command: ["sleep", "3600"], cpus: 0.1, memory_bytes: 16 * 1024 * 1024, count: 1 };
}

type Mutator = (r: Prng, t: Target) => [Bad, number];
const b400 = (v: Bad): [Bad, number] => [v, 400];

const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

const argv: Mutator = (r) =>
  b400(
    oneOf<JsonLike>(r, [
      () => "sleep 1",
      () => wrongType(r, "array"),
      () => [1],
      () => ["a", null],
      () => ["a", ["b"]],
      () => many(argv_items_max + 1, () => "a"),
      () => ["x".repeat(argv_item_chars_max + 1)],
      () => deep_array,
    ]),
  );

const mutators: Record<string, Mutator> = {
  name: (r) => b400(oneOf<JsonLike>(r, [() => wrongType(r, "string"), () => "", () => "Web", () => "-web", () => "web_1", () => "web.1", () => "a".repeat(64), () => " web", () => refusedBy(r, service_name_pattern, r.chance(0.1))])),
  kind: (r) => b400(oneOf<JsonLike>(r, [() => "Service", () => "jobs", () => "", () => " service", () => oddString(r), () => wrongType(r, "string")])),
  image: (r) => b400(oneOf<Bad>(r, [() => MISSING, () => null, () => "", () => "busy box", () => "busybox\t", () => "busy\u00a0box", () => "x".repeat(513), () => wrongType(r, "string")])),
  command: argv,
  args: argv,
  env: (r) =>
    b400(
      oneOf<JsonLike>(r, [
        () => wrongType(r, "object"),
        () => ["A=1"],
        () => ({ "1A": "x" }),
        () => ({ "A-B": "x" }),
        () => ({ "": "x" }),
        () => ({ [refusedBy(r, env_name_accepted, r.chance(0.1))]: "x" }),
        () => ({ A: wrongType(r, "string") }),
        () => ({ A: null }),
        () => ({ A: "x".repeat(argv_item_chars_max + 1) }),
        () => Object.fromEntries(many(env_vars_max + 1, (i) => [`V${i}`, "x"])),
        () => ({ A: deep_object }),
      ]),
    ),
  cpus: (r, t) => {
    const over = [cpus_max, Math.min(cpus_max, Math.floor(t.node_cpus) + 1), t.node_cpus + 0.5].filter((v) => v > t.node_cpus && v <= cpus_max);
    // More than any node offers but within the rule: refused as too large for the cluster.
    if (over.length > 0 && r.chance(0.3)) return [r.pick(over), 422];
    return b400(badNumber(r, cpus_min, cpus_max, false));
  },
  memory_bytes: (r, t) => {
    const over = [memory_bytes_max, Math.floor(t.node_memory_bytes) + 1].filter((v) => v > t.node_memory_bytes && v <= memory_bytes_max);
    if (over.length > 0 && r.chance(0.3)) return [r.pick(over), 422];
    return b400(badNumber(r, memory_bytes_min, memory_bytes_max, true));
  },
  disk_bytes: (r) => b400(badNumber(r, 0, 2 ** 52, true)),
  count: (r) => b400(badNumber(r, 0, count_max, true)),
  ports: (r) =>
    b400(
      oneOf<JsonLike>(r, [
        () => wrongType(r, "array"),
        () => [80],
        () => [null],
        () => [[80]],
        () => [{}],
        () => [{ container_port: badNumber(r, 1, 65535, true) }],
        () => [{ container_port: 80, host_port: badNumber(r, 0, 65535, true) }],
        () => [{ container_port: 80, protocol: r.pick<JsonLike>(["sctp", "TCP", "", 6, true]) }],
        () => [{ container_port: 80, host_port: 8080 }, { container_port: 81, host_port: 8080 }],
        () => many(ports_max + 1, (i) => ({ container_port: 1000 + i })),
      ]),
    ),
  host_ip: (r) => b400(oneOf<JsonLike>(r, [() => "localhost", () => "1.2.3", () => "", () => " 1.2.3.4", () => "1.2.3.4/24", () => "::1%lo", () => refusedBy(r, host_ip_accepted, r.chance(0.1)), () => wrongType(r, "string")])),
  constraints: (r) =>
    b400(
      oneOf<JsonLike>(r, [
        () => "os==linux",
        () => wrongType(r, "array"),
        () => [1],
        () => [null],
        () => [r.pick(["", "   ", "noop", "==x", "a==", "1a==b", "a b==c", "a=~(", "a=~(b+)+", "a=~(x*)*", `${"x".repeat(257)}==1`])],
        () => many(constraints_max + 1, () => "unique"),
      ]),
    ),
  restart: (r) => b400(oneOf<JsonLike>(r, [() => "sometimes", () => "", () => "Always", () => oddString(r), () => wrongType(r, "string")])),
  strategy: (r) => b400(oneOf<JsonLike>(r, [() => "random", () => "", () => "Spread", () => oddString(r), () => wrongType(r, "string")])),
  role: (r) => b400(oneOf<JsonLike>(r, [() => "Default", () => "", () => "a".repeat(64), () => "r.1", () => "-r", () => refusedBy(r, role_pattern, r.chance(0.1)), () => wrongType(r, "string")])),
  retries_max: (r) => b400(badNumber(r, 0, retries_max_max, true)),
  grace_ms: (r) => b400(badNumber(r, 0, grace_ms_max, true)),
};

function post(gen: string, body: Record<string, JsonLike>, expect: number): FuzzRequest {
  return { gen, port: "server", method: "POST", path: "/v1/services", headers: { "content-type": "application/json" }, body: toJson(body), expect: [expect] };
}

/** One field of a valid spec replaced by a value its rule refuses (or removed, where it is required). */
export function serviceField(r: Prng, t: Target): FuzzRequest {
  const field = r.pick(Object.keys(mutators));
  const [v, status] = mutators[field]!(r, t);
  return post(`service.field.${field}`, mutate(serviceTemplate(r), field, v), status);
}

/** A valid spec plus a field the API does not know. */
export function serviceUnknownField(r: Prng): FuzzRequest {
  let k = r.pick(["__proto__", "constructor", "toString", "Name", "IMAGE", "image ", "replicas", "memory", "cpu", "nmae", "", oddString(r)]);
  if (known_fields.includes(k)) k = `${k}_x`;
  return post("service.unknown-field", { ...serviceTemplate(r), [k]: r.pick<JsonLike>([1, "x", null, true, [], {}, new RawJson("1e400")]) }, 400);
}

/** A job must complete at least once: a count of zero is refused. */
export function serviceJobCount(r: Prng): FuzzRequest {
  return post("service.job-count", { ...serviceTemplate(r), kind: "job", count: r.pick([0, new RawJson("-0"), -1]) }, 400);
}
