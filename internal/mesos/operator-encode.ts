// Operator responses and events as Mesos writes protobuf messages in JSON (stout's JSON::Protobuf):
// a repeated field with no elements is left out, like an unset optional one.
import { encodeJson } from "./json-encode.js";
import type { OperatorEvent, OperatorResponse } from "./types-operator.js";

/** A copy without empty arrays at any depth (what a reader of Mesos's JSON never sees). */
export function withoutEmptyRepeated(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyRepeated);
  if (value instanceof Uint8Array || typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = withoutEmptyRepeated(v);
  }
  return out;
}

export function encodeOperatorResponse(r: OperatorResponse): string {
  return encodeJson(withoutEmptyRepeated(r) as object);
}

export function encodeOperatorEvent(e: OperatorEvent): string {
  return encodeJson(withoutEmptyRepeated(e) as object);
}
