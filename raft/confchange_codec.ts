// Binary encoding of a ConfChange into an entry's data (the log stores only bytes).
import { RaftError, type ConfChange, type ConfChangeType } from "./types.js";

const TYPE_CODES: Record<ConfChangeType, number> = { AddNode: 1, AddLearnerNode: 2, RemoveNode: 3 };
const CODE_TYPES: ReadonlyMap<number, ConfChangeType> = new Map(
  Object.entries(TYPE_CODES).map(([k, v]) => [v, k as ConfChangeType]),
);
const VERSION = 1;
const HEADER_BYTES = 10; // version(1) type(1) nodeId(8, float64)

/** Layout: version u8, type u8, nodeId f64 (big endian), then the context bytes. */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const ctx = cc.context ?? new Uint8Array(0);
  const out = new Uint8Array(HEADER_BYTES + ctx.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, TYPE_CODES[cc.type]);
  view.setFloat64(2, cc.nodeId);
  out.set(ctx, HEADER_BYTES);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.byteLength < HEADER_BYTES) {
    throw new RaftError(`raft: conf change entry too short (${data.byteLength} bytes)`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const version = view.getUint8(0);
  if (version !== VERSION) throw new RaftError(`raft: conf change entry has unknown version ${version}`);
  const type = CODE_TYPES.get(view.getUint8(1));
  if (type === undefined) throw new RaftError(`raft: conf change entry has unknown type ${view.getUint8(1)}`);
  const nodeId = view.getFloat64(2);
  const context = data.slice(HEADER_BYTES);
  return context.byteLength > 0 ? { type, nodeId, context } : { type, nodeId };
}
