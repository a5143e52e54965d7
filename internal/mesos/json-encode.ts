// Writes Mesos messages as the compact, ASCII-only JSON Mesos sends: bytes as padded base64, numbers as numbers.
import { encodeBase64 } from "./base64.js";
import type { Event } from "./types-event.js";

// Clients that parse naively (byte-wise, or a text decoder chosen per chunk) still read every
// non-ASCII character correctly when it arrives as \uXXXX.
const non_ascii = /[\u007f-\uffff]/g;

function escapeNonAscii(json: string): string {
  return json.replace(non_ascii, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function write(value: unknown, out: string[]): void {
  if (value instanceof Uint8Array) {
    out.push(`"${encodeBase64(value)}"`);
  } else if (typeof value === "number") {
    // JSON has no infinities; stout reads these strings back as doubles. NaN means unset.
    if (Number.isFinite(value)) out.push(String(value));
    else out.push(Number.isNaN(value) ? "null" : value > 0 ? '"Infinity"' : '"-Infinity"');
  } else if (typeof value === "string") {
    out.push(escapeNonAscii(JSON.stringify(value)));
  } else if (typeof value === "boolean") {
    out.push(value ? "true" : "false");
  } else if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item: unknown, index) => {
      if (index > 0) out.push(",");
      write(item ?? null, out);
    });
    out.push("]");
  } else if (typeof value === "object" && value !== null) {
    out.push("{");
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue; // unset fields are left out, as protobuf does
      if (!first) out.push(",");
      first = false;
      out.push(escapeNonAscii(JSON.stringify(key)), ":");
      write(item, out);
    }
    out.push("}");
  } else {
    out.push("null");
  }
}

/** Any Mesos message (built from this folder's types) as Mesos's JSON. */
export function encodeJson(message: object): string {
  const out: string[] = [];
  write(message, out);
  return out.join("");
}

/** One event as JSON; wrap it with `encodeRecord` to stream it. */
export function encodeEvent(event: Event): string {
  return encodeJson(event);
}
