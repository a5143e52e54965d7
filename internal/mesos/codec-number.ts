// Number decoders for Mesos JSON: JSON numbers, or strings holding one (64-bit ints often arrive as strings).
import { DecodeError, describe, type Decoder } from "./codec.js";

const int_text = /^-?[0-9]+$/;
const number_text = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** proto `double`: a JSON number, or a string holding one, "Infinity" or "-Infinity" (stout accepts these). */
export const double: Decoder<number> = (value, path) => {
  if (value == null) return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    if (value === "Infinity") return Infinity;
    if (value === "-Infinity") return -Infinity;
    if (number_text.test(value.trim())) return Number(value);
  }
  throw new DecodeError(path, `must be a number, not ${describe(value)}`);
};

function integer(name: string, min: number, max: number): Decoder<number> {
  return (value, path) => {
    if (value == null) return undefined;
    let n: number | undefined;
    if (typeof value === "number") n = value;
    else if (typeof value === "string" && int_text.test(value.trim())) n = Number(value);
    if (n === undefined || !Number.isInteger(n)) {
      throw new DecodeError(path, `must be a whole number (${name}), not ${describe(value)}`);
    }
    if (n < min || n > max) throw new DecodeError(path, `is ${n}, outside the ${name} range ${min}..${max}`);
    return n;
  };
}

export const int32 = integer("int32", -(2 ** 31), 2 ** 31 - 1);
export const uint32 = integer("uint32", 0, 2 ** 32 - 1);
/** Above 2^53 the value is kept as the nearest double: Mesos's own JSON readers do the same. */
export const int64 = integer("int64", -(2 ** 63), 2 ** 63);
export const uint64 = integer("uint64", 0, 2 ** 64);
