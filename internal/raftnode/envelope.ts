// Log entry payloads. A key-value put, the bulk of most logs, is binary: its value travels and is
// stored as raw bytes instead of base64 inside JSON (a 1 KiB value made a 1.5 KiB entry, encoded
// once and parsed on every server). Every other command is JSON, and so is a put whose key or
// request id UTF-8 cannot carry exactly (its value as value_b64). Old JSON puts still decode.
//
// Binary put: [0x01][type u8][flags u8: 1 = cas][at_ms f64][cas f64 if flag][rid len u16][rid]
//             [key len u16][key][value bytes to the end]
import { CommandType, type Envelope } from "../fsm/commands.js";
import { hasLoneSurrogate } from "../fsm/kv.js";

const binary_tag = 0x01;
const json_tag = 0x7b; // "{"
const flag_cas = 1;
const u16_max = 0xffff;

/** A put in JSON: the value as base64 (the form earlier versions wrote for every put). */
interface JsonPut {
  type: typeof CommandType.kv_put;
  key: string;
  value_b64: string;
  cas?: number;
}

function jsonForm(env: Envelope): Uint8Array {
  const cmd = env.cmd;
  if (cmd.type !== CommandType.kv_put) return Buffer.from(JSON.stringify(env));
  const put: JsonPut = { type: cmd.type, key: cmd.key, value_b64: Buffer.from(cmd.value.buffer, cmd.value.byteOffset, cmd.value.byteLength).toString("base64") };
  if (cmd.cas !== undefined) put.cas = cmd.cas;
  return Buffer.from(JSON.stringify({ ...env, cmd: put }));
}

export function encodeEnvelope(env: Envelope): Uint8Array {
  const cmd = env.cmd;
  // JSON keeps a lone surrogate in a key exactly; UTF-8 would turn it into U+FFFD.
  if (cmd.type !== CommandType.kv_put || hasLoneSurrogate(cmd.key) || hasLoneSurrogate(env.rid)) return jsonForm(env);
  const rid = Buffer.from(env.rid);
  const key = Buffer.from(cmd.key);
  if (rid.length > u16_max || key.length > u16_max) return jsonForm(env);
  const value = cmd.value;
  const has_cas = cmd.cas !== undefined;
  const head = 3 + 8 + (has_cas ? 8 : 0) + 2 + rid.length + 2 + key.length;
  // An allocation of its own (not a slice of Node's shared pool): the applied value is a view of it.
  const out = Buffer.allocUnsafeSlow(head + value.length);
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
  out.set(value, o);
  return out;
}

export function decodeEnvelope(data: Uint8Array): Envelope {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (b[0] === json_tag) {
    const env = JSON.parse(b.toString("utf8")) as Envelope | (Omit<Envelope, "cmd"> & { cmd: JsonPut });
    if (env.cmd.type !== CommandType.kv_put || !("value_b64" in env.cmd)) return env as Envelope;
    const { value_b64, ...rest } = env.cmd;
    // A copy of its own: Buffer.from may hand out a slice of Node's shared pool, which a row would pin.
    return { ...env, cmd: { ...rest, value: new Uint8Array(Buffer.from(value_b64, "base64")) } };
  }
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
  // A view, not a copy: entry data is an allocation of its own (this encoder, the transport's
  // decoder and storage's reader each allocate exactly), so the row keeps only its entry alive.
  const value = new Uint8Array(b.buffer, b.byteOffset + o, b.length - o);
  return { rid, at_ms, cmd: { type: CommandType.kv_put, key, value, ...(cas !== undefined ? { cas } : {}) } };
}
