// Choosers of values certain to break one rule: out-of-range numbers, refused strings, removed fields.
import type { Prng } from "../sim/prng.js";
import { absurd_numbers, oddString, printableOdd, RawJson, wrongType, type JsonLike } from "./values.js";

/** A field left out of the body. */
export const MISSING = Symbol("missing");
export type Bad = JsonLike | typeof MISSING;

/** A copy of `tpl` with `field` replaced, or removed for MISSING. */
export function mutate(tpl: Record<string, JsonLike>, field: string, v: Bad): Record<string, JsonLike> {
  const out = { ...tpl };
  if (v === MISSING) delete out[field];
  else out[field] = v;
  return out;
}

/** A number (or a non-number) outside [min, max], or not whole where `integer`. */
export function badNumber(r: Prng, min: number, max: number, integer: boolean): JsonLike {
  const refused = (n: number): boolean => !(Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n)));
  const pool: JsonLike[] = absurd_numbers.filter((t) => refused(Number(t.text)));
  pool.push(new RawJson(String(max + 1)), new RawJson(String(min - 1)), wrongType(r, "number"), String(min));
  if (integer) pool.push(new RawJson(String(min + 0.5)));
  const v = r.pick(pool);
  if (v instanceof RawJson && !refused(Number(v.text))) throw new Error(`fuzz: badNumber picked ${v.text}, inside [${min}, ${max}]`);
  return v;
}

/** An odd string that `pattern` refuses; `long` only in bodies (a URL over 16 KiB is refused by Node itself). */
export function refusedBy(r: Prng, pattern: RegExp, long = false): string {
  for (;;) {
    const s = oddString(r, long);
    if (!pattern.test(s)) return s;
  }
}

/** One of the choices, each a thunk so only the picked one is built. */
export function oneOf<T>(r: Prng, choices: readonly (() => T)[]): T {
  return r.pick(choices)();
}

/** A parameter name not in `allowed`, even after decoding. */
export function unknownParam(r: Prng, allowed: readonly string[]): string {
  const p = r.pick(["Stale", "STALE", "stale ", "stale[]", " stale", "Cas", "cas[]", "limit2", "x", "callback", "__proto__", "constructor", "toString", "hasOwnProperty", "node_id", "cas", "all", `zz${oddString(r)}`]);
  return allowed.includes(p) ? `${p}_` : p;
}

/** A key no one wrote that checkKey accepts (no control characters, short). */
export function unknownKey(r: Prng): string {
  return `zz/${printableOdd(r)}`;
}
