// Log entry payloads. A key-value put, the bulk of most logs, is binary: its value travels and is
// stored as raw bytes instead of base64 inside JSON (a 1 KiB value made a 1.5 KiB entry, encoded
// once and parsed on every server). Every other command is JSON. Old JSON puts still decode.
//
// Binary put: [0x01][type u8][flags u8: 1 = cas][at_ms f64][cas f64 if flag][rid len u16][rid]
//             [key len u16][key][value bytes to the end]
import { CommandType, type Envelope } from "../fsm/commands.js";

const binary_tag = 0x01;
const json_tag = 0x7b; // "{"
const flag_cas = 1;
const u16_max = 0xffff;
const lone_surrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function encodeEnvelope(env: Envelope): Uint8Array {
  const cmd = env.cmd;
  // JSON keeps a lone surrogate in a key exactly; UTF-8 would turn it into U+FFFD.
  if (cmd.type !== CommandType.kv_put || lone_surrogate.test(cmd.key) || lone_surrogate.test(env.rid)) return Buffer.from(JSON.stringify(env));
  const rid = Buffer.from(env.rid);
  const key = Buffer.from(cmd.key);
  if (rid.length > u16_max || key.length > u16_max) return Buffer.from(JSON.stringify(env));
  const value = Buffer.from(cmd.value_b64, "base64");
  const has_cas = cmd.cas !== undefined;
  const head = 3 + 8 + (has_cas ? 8 : 0) + 2 + rid.length + 2 + key.length;
  const out = Buffer.allocUnsafe(head + value.length);
  let o = 0;
  out[o++] = binary_tag;
  out[o++] = cmd.type;
  out[o++] = has_cas ? flag_cas : 0;
  o = out.writeDoubleBE(env.at_ms, o);
  if (has_cas) o = out.writeDoubleBE(cmd.cas!, o);
  o = out.writeUInt16BE(rid.length, o);
  o += rid.copy(out, o);
  o = out.writeUInt16BE(key.length, o);
  o += key.copy(out, o);
  value.copy(out, o);
  return out;
}

export function decodeEnvelope(data: Uint8Array): Envelope {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b[0] === json_tag) return JSON.parse(b.toString("utf8")) as Envelope;
  if (b[0] !== binary_tag || b.length < 15) throw new Error(`log entry: unknown encoding (first byte ${b[0] ?? "none"}, ${b.length} bytes)`);
  const type = b[1];
  if (type !== CommandType.kv_put) throw new Error(`log entry: binary form of command type ${type} is not known`);
  const flags = b[2]!;
  let o = 3;
  const at_ms = b.readDoubleBE(o);
  o += 8;
  let cas: number | undefined;
  if ((flags & flag_cas) !== 0) {
    cas = b.readDoubleBE(o);
    o += 8;
  }
  const rid_len = b.readUInt16BE(o);
  o += 2;
  const rid = b.toString("utf8", o, o + rid_len);
  o += rid_len;
  const key_len = b.readUInt16BE(o);
  o += 2;
  const key = b.toString("utf8", o, o + key_len);
  o += key_len;
  if (o > b.length) throw new Error(`log entry: binary put is cut short (${b.length} bytes)`);
  const value_b64 = b.toString("base64", o);
  return { rid, at_ms, cmd: { type: CommandType.kv_put, key, value_b64, ...(cas !== undefined ? { cas } : {}) } };
}
