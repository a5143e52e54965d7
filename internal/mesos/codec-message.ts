// Message, repeated and map decoders; a message's field table is checked against its TypeScript type.
import { DecodeError, describe, type Decoder } from "./codec.js";

/** One decoder per field of T, no more and no fewer: a field added to a type without a decoder is a type error. */
export type Fields<T> = { readonly [K in keyof T]-?: Decoder<NonNullable<T[K]>> };

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** A message: known keys decoded in turn, unknown keys ignored, then required fields checked. */
export function message<T extends object>(fields: Fields<T>, required: readonly (keyof T & string)[] = []): Decoder<T> {
  const entries = Object.entries(fields) as [string, Decoder<unknown>][];
  return (value, path) => {
    if (value == null) return undefined;
    if (!isObject(value)) throw new DecodeError(path, `must be an object, not ${describe(value)}`);
    const out: Record<string, unknown> = {};
    for (const [key, decode] of entries) {
      if (!Object.hasOwn(value, key)) continue;
      const decoded = decode(value[key], join(path, key));
      if (decoded !== undefined) out[key] = decoded;
    }
    for (const key of required) {
      if (out[key] === undefined) throw new DecodeError(join(path, key), "is required");
    }
    return out as T;
  };
}

/** A repeated field: an array, or (as stout allows) a single value standing for one element. */
export function repeated<E>(element: Decoder<E>): Decoder<E[]> {
  return (value, path) => {
    if (value == null) return undefined;
    const items = Array.isArray(value) ? value : [value];
    const out: E[] = [];
    items.forEach((item, index) => {
      const decoded = element(item, Array.isArray(value) ? `${path}[${index}]` : path);
      if (decoded !== undefined) out.push(decoded);
    });
    return out;
  };
}

/** A proto map<string, V>: a JSON object. */
export function map<V>(element: Decoder<V>): Decoder<Record<string, V>> {
  return (value, path) => {
    if (value == null) return undefined;
    if (!isObject(value)) throw new DecodeError(path, `must be an object (a map), not ${describe(value)}`);
    const out: Record<string, V> = {};
    for (const [key, item] of Object.entries(value)) {
      const decoded = element(item, `${path}[${JSON.stringify(key)}]`);
      // defineProperty, so a key named "__proto__" stays a plain entry.
      if (decoded !== undefined) Object.defineProperty(out, key, { value: decoded, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
}

/** Any JSON object, kept as is: for messages orch carries or checks for presence but never reads inside. */
export const opaque: Decoder<Record<string, unknown>> = (value, path) => {
  if (value == null) return undefined;
  if (!isObject(value)) throw new DecodeError(path, `must be an object, not ${describe(value)}`);
  return value;
};

/** For recursive messages (ContainerID.parent). */
export function lazy<T>(get: () => Decoder<T>): Decoder<T> {
  return (value, path) => get()(value, path);
}
