// Building blocks of bad requests: odd strings, absurd numbers, deep nesting, raw JSON text and URL encoding.
import type { Prng } from "../sim/prng.js";

/** JSON text inserted as is by `toJson`: numbers JSON.stringify cannot write (-0, 1e400), nesting it would overflow on. */
export class RawJson {
  constructor(readonly text: string) {}
}

export type JsonLike = RawJson | string | number | boolean | null | JsonLike[] | { [k: string]: JsonLike };

/** Serializes templates (shallow) with RawJson pieces spliced in. */
export function toJson(v: JsonLike): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(",")}]`;
  if (typeof v === "object" && v !== null) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`;
  return JSON.stringify(v);
}

/** Levels of nesting in the deep-JSON requests (the issue asks for 10,000). */
export const deep_levels = 10_000;
export const deep_array = new RawJson("[".repeat(deep_levels) + "]".repeat(deep_levels));
export const deep_object = new RawJson('{"a":'.repeat(deep_levels) + "1" + "}".repeat(deep_levels));

/** Characters that break naive code: lone surrogates, NUL, bidi marks, joiners, emoji, escapes. */
export const odd_pieces: readonly string[] = [
  "\uD800", "\uDFFF", "\uDBFF\uD800", "\u0000", "\u0001", "\u001B", "\u007F", "\u0085", "\u00A0", "\u200B", "\u200D", "\u200E", "\u200F",
  "\u202E", "\u2028", "\u2029", "\uFEFF", "\uFFFD", "\uFFFF", "👩‍💻", "🚀", "🇺🇳", "e\u0301", "Ω", "日本語", "ﷺ", "\n", "\r\n", "\t", " ",
  '"', "'", "`", "\\", "%", "%00", "%zz", "<script>", "${x}", "{{x}}", "__proto__", "constructor", "../", "./", "?", "#", "&", "=", "+", ";",
  ":", "@", "*", "~", "null", "undefined", "NaN", "-1", "0x10", "' OR 1=1 --",
];

/** A string of odd characters, never empty; `long` (for bodies, not URLs) adds a run of hundreds to thousands of characters. */
export function oddString(r: Prng, long = false): string {
  let s = "";
  const n = r.range(1, 6);
  for (let i = 0; i < n; i++) s += r.chance(0.3) ? r.pick(["a", "Z", "9", "-", "_", "."]) : r.pick(odd_pieces);
  if (long) s += r.pick(odd_pieces).repeat(r.range(100, 3_000));
  return s;
}

/** Numbers out of every sane range, as JSON text. */
export const absurd_numbers: readonly RawJson[] = [
  "1e308", "-1e308", "1.7976931348623157e308", "1e400", "-1e400", "-0", "-0.0", "5e-324", "1e-308", "-1", "-1.5", "0.5", "9007199254740993",
  "-9007199254740993", "123456789012345678901234567890", "1E+2", "4294967296", "-2147483649", "1e21",
].map((t) => new RawJson(t));

/** Values of the wrong JSON type for a field that wants `wants`; null and absent are left to each caller. */
export function wrongType(r: Prng, wants: "string" | "number" | "object" | "array" | "boolean"): JsonLike {
  const pool: JsonLike[] = [];
  if (wants !== "string") pool.push("", "1", "true", oddString(r, r.chance(0.3)), "[]", "{}");
  if (wants !== "number") pool.push(r.pick(absurd_numbers), 0, 1, 3.5);
  if (wants !== "boolean") pool.push(true, false);
  if (wants !== "array") pool.push([], [1, "a"], [oddString(r)], deep_array);
  if (wants !== "object") pool.push({}, { a: 1 }, { [oddString(r)]: oddString(r) }, deep_object);
  return r.pick(pool);
}

/** UTF-8 bytes, a lone surrogate written as its 3-byte (invalid) form, as a raw client might send. */
function wtf8(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/**
 * Percent-encodes every byte but [A-Za-z0-9_~-], '/' included, so the whole string stays one
 * path segment or query value. A path segment of only dots ("%2E%2E" too) is resolved by the
 * URL parser, so callers keep those out of paths.
 */
export function enc(s: string): string {
  return wtf8(s)
    .map((b) => (/[A-Za-z0-9_~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");
}

/** Escapes no decoder accepts: truncated, overlong, surrogate, non-hex. Never alone as a segment. */
export const malformed_escapes: readonly string[] = ["%", "%Z", "%zz", "%E0%A4%A", "%ED%A0%80", "%C0%AF", "%FF", "%F4%90%80%80", "%%41", "%0"];

/** A query string from [name, value] pairs, each part encoded. */
export function query(pairs: readonly (readonly [string, string | undefined])[]): string {
  if (pairs.length === 0) return "";
  return "?" + pairs.map(([k, v]) => (v === undefined ? enc(k) : `${enc(k)}=${enc(v)}`)).join("&");
}

/** The string with each lone surrogate replaced by U+FFFD, so it percent-decodes everywhere. */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/** An odd string without control characters, short enough for any key or id rule. */
export function printableOdd(r: Prng): string {
  const s = oddString(r, false).replace(/[\u0000-\u001f\u007f]/g, "");
  return s === "" ? "x" : s;
}
