// RecordIO as Mesos streams events: "<decimal byte length>\n<record bytes>", nothing between records.

/**
 * One record ready for a single socket write: the length counts bytes of the UTF-8 record, not
 * characters, so "é" counts 2. Mesos never sends an empty record; neither does this.
 */
export function encodeRecord(record: string | Uint8Array): Buffer {
  const body = typeof record === "string" ? Buffer.from(record, "utf8") : Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (body.length === 0) throw new Error("recordio: an empty record cannot be sent (Mesos clients treat length 0 as a protocol error)");
  const header = Buffer.from(`${body.length}\n`, "ascii");
  return Buffer.concat([header, body], header.length + body.length);
}
