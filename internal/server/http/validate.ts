// Checks for request parts shared by the routes; each failure names the part and the rule.
import type { Context } from "hono";
import { bodyOf } from "./body.js";
import { HttpError } from "./errors.js";

const utf8 = new TextDecoder();

/** Longest key accepted, in UTF-8 bytes. */
export const kv_key_bytes_max = 512;
/** Largest value accepted, in bytes (request body of PUT /v1/kv/:key). */
export const kv_value_bytes_max = 1024 * 1024;
/** Largest JSON body accepted by the other endpoints. */
export const json_body_bytes_max = 64 * 1024;
/** Most keys one list request returns. */
export const kv_list_limit_max = 10_000;

export function checkKey(key: string): string {
  const bytes = new TextEncoder().encode(key).length;
  if (bytes === 0) throw new HttpError(400, "bad_key", "the key is empty: use /v1/kv/<key>");
  if (bytes > kv_key_bytes_max) throw new HttpError(400, "bad_key", `the key is ${bytes} bytes; at most ${kv_key_bytes_max} are allowed`);
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new HttpError(400, "bad_key", "the key holds a control character; use printable characters");
  return key;
}

/** An optional non-negative integer query parameter. */
export function optionalIndex(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(400, "bad_query", `?${name}=${JSON.stringify(raw)} is not an index: give a whole number >= 0`);
  return Number(raw);
}

/** A request value for an error message: JSON of a scalar, or only the kind of an array or object (never recursed into, so deep nesting cannot overflow the stack). */
export function shown(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object" && v !== null) return "an object";
  return v === undefined ? "nothing" : JSON.stringify(v);
}

export function onlyQuery(query: Record<string, string>, allowed: readonly string[]): void {
  for (const k of Object.keys(query)) {
    if (!allowed.includes(k)) {
      throw new HttpError(400, "bad_query", `unknown query parameter ?${k}; this endpoint takes ${allowed.length === 0 ? "none" : allowed.map((a) => `?${a}`).join(", ")}`);
    }
  }
}

/** Parses the JSON object body read by the readBody middleware, refusing anything else with a message that says why. */
export function jsonObject(c: Context): Record<string, unknown> {
  const type = c.req.header("content-type") ?? "";
  if (type !== "" && !type.startsWith("application/json")) {
    throw new HttpError(415, "bad_content_type", `send the body as application/json, not ${type}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(utf8.decode(bodyOf(c)));
  } catch (err) {
    throw new HttpError(400, "bad_json", `the body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new HttpError(400, "bad_json", "the body must be a JSON object");
  return v as Record<string, unknown>;
}

export function stringField(body: Record<string, unknown>, name: string, max_len = 256): string {
  const v = body[name];
  if (typeof v !== "string" || v === "") throw new HttpError(400, "bad_field", `field "${name}" must be a non-empty string`);
  if (v.length > max_len) throw new HttpError(400, "bad_field", `field "${name}" is longer than ${max_len} characters`);
  return v;
}
