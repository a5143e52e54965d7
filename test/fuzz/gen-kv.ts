// Bad key-value requests: refused keys, malformed and mismatched ?cas, bad ?limit, unknown parameters, values over 1 MiB.
import { kv_key_bytes_max, kv_list_limit_max, kv_value_bytes_max } from "../../internal/server/http/validate.js";
import type { Prng } from "../sim/prng.js";
import { refusedBy, unknownKey, unknownParam } from "./bad-values.js";
import type { FuzzRequest } from "./send.js";
import type { Target } from "./target.js";
import { enc, oddString, query, wellFormed } from "./values.js";

const index_accepted = /^\d{1,15}$/;

/** A key checkKey refuses: a control character somewhere, or more than 512 UTF-8 bytes. */
function badKey(r: Prng): string {
  if (r.chance(0.3)) return r.pick(["k".repeat(kv_key_bytes_max + 1), "日".repeat(Math.ceil((kv_key_bytes_max + 1) / 3)), "🚀".repeat(kv_key_bytes_max / 4 + 1), `${"é".repeat(kv_key_bytes_max / 2)}x`]);
  // Well-formed so the whole key percent-decodes: a control character next to an undecodable
  // escape would stay encoded, and the key would then be valid.
  // Inserted between code points: inside a surrogate pair it would leave two lone halves.
  const base = Array.from(wellFormed(oddString(r)));
  base.splice(r.int(base.length + 1), 0, String.fromCharCode(r.chance(0.1) ? 0x7f : r.int(0x20)));
  return base.join("");
}

const newKey = (r: Prng): string => `fz/new-${r.u32().toString(16)}`;
const badIndex = (r: Prng): string => r.pick(["-1", "1.5", "abc", "1e3", "", "0x10", " 1", "1 ", "9999999999999999", "+1", "\uFF11", refusedBy(r, index_accepted)]);
const kvPath = (key: string, q = ""): string => `/v1/kv/${enc(key)}${q}`;

function req(gen: string, method: string, path: string, expect: number, body?: string | Buffer): FuzzRequest {
  return { gen, port: "server", method, path, expect: [expect], ...(body !== undefined ? { body, headers: { "content-type": "application/octet-stream" } } : {}) };
}

export function kvPut(r: Prng, t: Target): FuzzRequest {
  const value = oddString(r);
  const key = r.chance(0.5) ? t.kv_key : newKey(r);
  switch (r.int(5)) {
    case 0:
      return req("kv.put.bad-key", "PUT", kvPath(badKey(r)), 400, value);
    case 1:
      return req("kv.put.bad-cas", "PUT", kvPath(key, query([["cas", badIndex(r)]])), 400, value);
    case 2:
      return req("kv.put.unknown-param", "PUT", kvPath(key, query([["cas", "0"], [unknownParam(r, ["cas"]), oddString(r)]].slice(r.int(2)) as [string, string][])), 400, value);
    case 3:
      return req("kv.put.cas-mismatch", "PUT", kvPath(t.kv_key, query([["cas", String(r.pick([0, t.kv_modify_index + 1, 999_999_999_999_999]))]])), 409, value);
    default:
      return req("kv.put.cas-absent-key", "PUT", kvPath(newKey(r), query([["cas", String(r.range(1, 2 ** 31))]])), 409, value);
  }
}

export function kvDelete(r: Prng, t: Target): FuzzRequest {
  switch (r.int(6)) {
    case 0:
      return req("kv.delete.bad-key", "DELETE", kvPath(badKey(r)), 400);
    case 1:
      return req("kv.delete.unknown-key", "DELETE", kvPath(unknownKey(r), r.chance(0.3) ? "?cas=0" : ""), 404);
    case 2:
      return req("kv.delete.cas-absent-key", "DELETE", kvPath(unknownKey(r), `?cas=${r.range(1, 2 ** 31)}`), 409);
    case 3:
      return req("kv.delete.cas-mismatch", "DELETE", kvPath(t.kv_key, `?cas=${r.pick([0, t.kv_modify_index + 1, 999_999_999_999_999])}`), 409);
    case 4:
      return req("kv.delete.bad-cas", "DELETE", kvPath(t.kv_key, query([["cas", badIndex(r)]])), 400);
    default:
      return req("kv.delete.unknown-param", "DELETE", kvPath(t.kv_key, query([[unknownParam(r, ["cas"]), oddString(r)]])), 400);
  }
}

export function kvGet(r: Prng, t: Target): FuzzRequest {
  switch (r.int(3)) {
    case 0:
      return req("kv.get.bad-key", "GET", kvPath(badKey(r)), 400);
    case 1:
      return req("kv.get.unknown-key", "GET", kvPath(unknownKey(r), r.chance(0.3) ? "?stale" : ""), 404);
    default:
      return req("kv.get.unknown-param", "GET", kvPath(t.kv_key, query([[unknownParam(r, ["stale"]), oddString(r)]])), 400);
  }
}

export function kvList(r: Prng): FuzzRequest {
  if (r.chance(0.6)) {
    const limit = r.pick(["0", "00", String(kv_list_limit_max + 1), "99999", badIndex(r)]);
    return req("kv.list.bad-limit", "GET", `/v1/kv${query([["prefix", oddString(r)], ["limit", limit]].slice(r.int(2)) as [string, string][])}`, 400);
  }
  return req("kv.list.unknown-param", "GET", `/v1/kv${query([[unknownParam(r, ["prefix", "limit", "stale"]), oddString(r)]])}`, 400);
}

/** Values just over 1 MiB, sized or chunked: refused before they reach Raft. */
export function kvTooLarge(r: Prng): FuzzRequest {
  const body = Buffer.alloc(kv_value_bytes_max + r.range(1, 64 * 1024));
  for (let i = 0; i < 1024; i++) body[i] = r.int(256);
  return { ...req("kv.too-large", "PUT", kvPath(newKey(r)), 413, body), chunked: r.chance(0.5) };
}
