// Standard base64 as Mesos reads and writes `bytes` fields: padded on output, forgiving on input like stout.
const alphabet = /^[A-Za-z0-9+/]*$/;

/** Padded standard base64, as Mesos writes uuids and data. */
export function encodeBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
}

/**
 * The bytes, or a sentence saying what is wrong. Like stout's decoder: whitespace is skipped,
 * input ends at the first `=`, padding may be missing; any other character outside the standard
 * alphabet (including URL-safe `-` and `_`) is refused.
 */
export function decodeBase64(text: string): Uint8Array | string {
  const end = text.indexOf("=");
  const body = (end === -1 ? text : text.slice(0, end)).replace(/\s+/g, "");
  if (!alphabet.test(body)) {
    const bad = [...body].find((c) => !/[A-Za-z0-9+/]/.test(c)) ?? "";
    return `invalid character ${JSON.stringify(bad)} (use the standard alphabet A-Z a-z 0-9 + /)`;
  }
  if (body.length % 4 === 1) return `${body.length} characters cannot be base64 (one is left over)`;
  return new Uint8Array(Buffer.from(body, "base64"));
}
