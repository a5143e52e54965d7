// Mesos's own JSON → message mapping (stout's protobuf parse), as typed decoders that name the field path on error.
//
// The rules a client relies on, each from stout/protobuf.hpp:
// - keys are the .proto snake_case names; unknown keys are ignored; `null` means unset;
// - a repeated field also takes a single value (one element); enums go by name, and an
//   unknown name leaves an optional enum unset (proto2), but fails a required one;
// - numbers may arrive as strings ("5", "Infinity"); booleans as "true"/"false";
// - bytes are standard base64 (whitespace ignored, padding optional).
import { decodeBase64 } from "./base64.js";

/** A field that cannot be read as its .proto type; `path` is e.g. `accept.offer_ids[0].value`. */
export class DecodeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path === "" ? "the body" : path} ${problem}`);
    this.name = "DecodeError";
  }
}

/** Reads one JSON value at `path`; `undefined` means the field is unset. */
export type Decoder<T> = (value: unknown, path: string) => T | undefined;

export const string: Decoder<string> = (value, path) => {
  if (value == null) return undefined;
  if (typeof value !== "string") throw new DecodeError(path, `must be a string, not ${describe(value)}`);
  return value;
};

export const bool: Decoder<boolean> = (value, path) => {
  if (value == null) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  throw new DecodeError(path, `must be true or false, not ${describe(value)}`);
};

export const bytes: Decoder<Uint8Array> = (value, path) => {
  if (value == null) return undefined;
  if (typeof value !== "string") throw new DecodeError(path, `must be a base64 string, not ${describe(value)}`);
  const decoded = decodeBase64(value);
  if (typeof decoded === "string") throw new DecodeError(path, `is not standard base64: ${decoded}`);
  return decoded;
};

/** An enum by name. `required` enums refuse unknown names; optional ones drop them, as proto2 does. */
export function enumOf<const N extends string>(names: readonly N[], required = false): Decoder<N> {
  const known = new Set<string>(names);
  return (value, path) => {
    if (value == null) return undefined;
    if (typeof value !== "string") throw new DecodeError(path, `must be an enum name (a string), not ${describe(value)}`);
    if (known.has(value)) return value as N;
    if (required) throw new DecodeError(path, `is ${JSON.stringify(value)}, which is not one of ${names.join(", ")}`);
    return undefined;
  };
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  return `${typeof value} ${String(value)}`;
}
