// Checks of a role change (PUT /v1/roles/:role): each failure names the field, the value and what is accepted.
import type { CommandPayloads, CommandType } from "../../fsm/commands.js";
import { role_resource_names, type RoleResources } from "../../fsm/roles.js";
import { HttpError } from "./errors.js";
import { role_pattern } from "./service-validate.js";
import { shown } from "./validate.js";

/** Weights are relative; this bound keeps shares comparable and numbers readable. */
export const role_weight_max = 1000;
/** Bounds on a guarantee or a limit: far above any cluster, far below where numbers lose precision. */
export const role_cpus_max = 1_000_000;
export const role_bytes_max = 2 ** 52;

function bad(message: string): HttpError {
  return new HttpError(400, "bad_field", message);
}

export function roleName(raw: string): string {
  if (!role_pattern.test(raw)) throw bad(`role ${shown(raw)}: use 1-63 lower-case letters, digits, '_' or '-', starting with a letter or digit`);
  return raw;
}

/** A guarantee or limit: null clears it, an object sets the resources it names (and only those). */
function resources(body: Record<string, unknown>, field: "guarantee" | "limit"): RoleResources | null | undefined {
  const v = body[field];
  if (v === undefined || v === null) return v;
  if (typeof v !== "object" || Array.isArray(v)) throw bad(`${field} must be an object such as {"cpus": 8, "memory_bytes": 17179869184}, or null to clear it; not ${shown(v)}`);
  const out: RoleResources = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!(role_resource_names as readonly string[]).includes(k)) throw bad(`${field}.${k} is not a resource; use ${role_resource_names.join(", ")}`);
    const name = k as (typeof role_resource_names)[number];
    const max = name === "cpus" ? role_cpus_max : role_bytes_max;
    if (typeof x !== "number" || !Number.isFinite(x)) throw bad(`${field}.${name} must be a number, not ${shown(x)}`);
    if (name !== "cpus" && !Number.isInteger(x)) throw bad(`${field}.${name} must be a whole number of bytes, not ${x}`);
    if (x < 0 || x > max) throw bad(`${field}.${name} ${x} is out of range: give 0 to ${max}`);
    out[name] = x;
  }
  return out;
}

/** The role_set command a body asks for, checked field by field. */
export function roleChange(role: string, body: Record<string, unknown>): CommandPayloads[typeof CommandType.role_set] {
  const known = ["weight", "guarantee", "limit"];
  for (const k of Object.keys(body)) if (!known.includes(k)) throw bad(`unknown field "${k}"; known fields: ${known.join(", ")}`);
  const weight = body["weight"];
  if (weight !== undefined && (typeof weight !== "number" || !Number.isFinite(weight) || weight <= 0 || weight > role_weight_max)) {
    throw bad(`weight ${shown(weight)}: give a number above 0 and at most ${role_weight_max} (weight 2 is entitled to twice the share of weight 1)`);
  }
  const guarantee = resources(body, "guarantee");
  const limit = resources(body, "limit");
  if (weight === undefined && guarantee === undefined && limit === undefined) throw bad("give weight, guarantee or limit (or both); nothing would change");
  return {
    role,
    ...(weight !== undefined ? { weight: weight as number } : {}),
    ...(guarantee !== undefined ? { guarantee } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
}
