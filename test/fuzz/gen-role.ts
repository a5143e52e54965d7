// Bad role changes (PUT /v1/roles/:role): a valid change with one part broken, an unknown field,
// a role name the rule refuses, a guarantee above the limit (given or kept); none may change a role.
import { role_bytes_max, role_cpus_max, role_weight_max } from "../../internal/server/http/role-validate.js";
import { role_pattern } from "../../internal/server/http/service-validate.js";
import type { Prng } from "../sim/prng.js";
import { badNumber, mutate, oneOf, refusedBy } from "./bad-values.js";
import type { FuzzRequest } from "./send.js";
import { freshName, type Target } from "./target.js";
import { deep_object, enc, oddString, RawJson, toJson, wrongType, type JsonLike } from "./values.js";

const resource_names = /^(cpus|memory_bytes|disk_bytes)$/;

function put(gen: string, role: string, body: Record<string, JsonLike>): FuzzRequest {
  return { gen, port: "server", method: "PUT", path: `/v1/roles/${enc(role)}`, headers: { "content-type": "application/json" }, body: toJson(body), expect: [400] };
}

/** A resource object with one entry its rule refuses. */
function badResources(r: Prng): JsonLike {
  return oneOf<JsonLike>(r, [
    () => wrongType(r, "object"),
    () => ({ gpus: 1 }),
    () => ({ [refusedBy(r, resource_names)]: 1 }),
    () => ({ cpus: badNumber(r, 0, role_cpus_max, false) }),
    () => ({ memory_bytes: badNumber(r, 0, role_bytes_max, true) }),
    () => ({ disk_bytes: badNumber(r, 0, role_bytes_max, true) }),
    () => ({ cpus: 1, memory_bytes: null }),
    () => ({ cpus: deep_object }),
  ]);
}

/** One field of a valid change replaced by a value its rule refuses. */
export function roleField(r: Prng, t: Target): FuzzRequest {
  const role = r.chance(0.5) ? t.role : freshName(r);
  const field = r.pick(["weight", "guarantee", "limit"]);
  const v: JsonLike =
    field === "weight" ? oneOf<JsonLike>(r, [() => badNumber(r, 0, role_weight_max, false), () => 0, () => new RawJson("-0"), () => null, () => wrongType(r, "number")]) : badResources(r);
  return put(`role.field.${field}`, role, mutate({ weight: 1 }, field, v));
}

/** A guarantee above the limit: both in the body, or against the limit the target role keeps (cpus 4). */
export function roleOverLimit(r: Prng, t: Target): FuzzRequest {
  return r.chance(0.5)
    ? put("role.over-limit.kept", t.role, { guarantee: { cpus: r.pick([4.001, 5, role_cpus_max]) } })
    : put("role.over-limit.given", r.chance(0.5) ? t.role : freshName(r), { guarantee: { memory_bytes: 2048 }, limit: { memory_bytes: r.pick([0, 1, 2047]) } });
}

/** An unknown field beside a valid one, nothing to change, or a role name the rule refuses. */
export function roleShape(r: Prng, t: Target): FuzzRequest {
  return oneOf<FuzzRequest>(r, [
    () => {
      const k = r.pick(["Weight", "quota", "limits", "guarantees", "__proto__", "constructor", "", oddString(r)]);
      return put("role.unknown-field", t.role, { weight: 1, [["weight", "guarantee", "limit"].includes(k) ? `${k}_x` : k]: 1 });
    },
    () => put("role.nothing", t.role, {}),
    () => {
      let name = r.pick(["Batch", "-r", "_r", "a".repeat(64), "r.1", "r 1", "ROLE", "r/1", "é", refusedBy(r, role_pattern)]);
      // These would be another path, not a bad role name.
      if (name === "" || name === "." || name === "..") name = "Batch";
      return put("role.bad-name", name, { weight: 1 });
    },
  ]);
}
