// The handshake: the dialer says who it is and whom it wants; the listener accepts or says why not.
import type { NodeId } from "../../raft/index.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import { CodecError } from "./errors.js";

/** Bumped on any incompatible change of frames or codec; both sides must speak the same one. */
export const PROTOCOL_VERSION = 1;
/** "ORCH": a stranger (HTTP client, port scanner) is told apart from an old orch at once. */
const MAGIC = 0x4f524348;
export const CLUSTER_ID_BYTES_MAX = 255;

/** What a connection carries: the raft message stream, or one snapshot. */
export type StreamKind = "messages" | "snapshot";
const STREAM_KIND_CODE: Readonly<Record<StreamKind, number>> = { messages: 1, snapshot: 2 };

export interface Hello {
  readonly version: number;
  readonly kind: StreamKind;
  readonly cluster_id: string;
  readonly from: NodeId;
  /** The node the dialer believes it is talking to: a wrong address is caught here. */
  readonly to: NodeId;
}

export type RejectReason =
  | "version" // protocol versions differ
  | "cluster" // cluster ids differ
  | "node_id" // the listener is not the node the dialer wanted
  | "removed" // the dialer was removed from the cluster
  | "invalid" // e.g. from = 0 or from = the listener itself
  | "busy"; // a bound (snapshot receives) is reached; try later
const REJECT_CODE: Readonly<Record<RejectReason, number>> = {
  version: 1,
  cluster: 2,
  node_id: 3,
  removed: 4,
  invalid: 5,
  busy: 6,
};

export interface Reject {
  readonly reason: RejectReason;
  readonly text: string;
}

const utf8 = new TextEncoder();
const utf8_strict = new TextDecoder("utf-8", { fatal: true });

function byCode<T extends string>(table: Readonly<Record<T, number>>, code: number): T | undefined {
  for (const [k, v] of Object.entries(table) as [T, number][]) if (v === code) return k;
  return undefined;
}

export function encodeHello(h: Hello): Uint8Array {
  const cluster = utf8.encode(h.cluster_id);
  if (cluster.byteLength > CLUSTER_ID_BYTES_MAX) {
    throw new CodecError(`cluster id is ${cluster.byteLength} bytes, over ${CLUSTER_ID_BYTES_MAX}`);
  }
  const out = new Uint8Array(4 + 2 + 1 + 8 + 8 + 1 + cluster.byteLength);
  const w = new ByteWriter(out);
  w.u32(MAGIC);
  w.u16(h.version);
  w.u8(STREAM_KIND_CODE[h.kind]);
  w.u53(h.from, "from");
  w.u53(h.to, "to");
  w.u8(cluster.byteLength);
  w.raw(cluster);
  return out;
}

export function decodeHello(payload: Uint8Array): Hello {
  const r = new ByteReader(payload, "hello");
  const magic = r.u32("magic");
  if (magic !== MAGIC) throw new CodecError(`hello: magic 0x${magic.toString(16)} is not orch's; this is not an orch server`);
  const version = r.u16("version");
  const kind_code = r.u8("stream kind");
  const kind = byCode(STREAM_KIND_CODE, kind_code);
  if (kind === undefined) throw new CodecError(`hello: stream kind ${kind_code} is unknown`);
  const from = r.u53("from");
  const to = r.u53("to");
  const cluster_id = decodeText(r, r.u8("cluster id length"), "hello: cluster id");
  r.end();
  return { version, kind, cluster_id, from, to };
}

function decodeText(r: ByteReader, n: number, what: string): string {
  try {
    return utf8_strict.decode(r.raw(n, what));
  } catch (err) {
    if (err instanceof CodecError) throw err;
    throw new CodecError(`${what} is not valid UTF-8`);
  }
}

export interface LocalIdentity {
  readonly cluster_id: string;
  readonly node_id: NodeId;
}

/** The listener's decision; `removed` says whether a node id was removed from the cluster. */
export function checkHello(h: Hello, local: LocalIdentity, removed: (id: NodeId) => boolean): Reject | null {
  if (h.version !== PROTOCOL_VERSION) {
    return {
      reason: "version",
      text: `protocol version ${h.version} is not supported (this server speaks ${PROTOCOL_VERSION}); run the same orch release on every server`,
    };
  }
  if (h.cluster_id !== local.cluster_id) {
    return {
      reason: "cluster",
      text: `cluster id mismatch: node ${h.from} is in cluster ${JSON.stringify(h.cluster_id)}, this server (node ${local.node_id}) is in ${JSON.stringify(local.cluster_id)}; check the peer addresses and --cluster-id`,
    };
  }
  if (h.to !== local.node_id) {
    return {
      reason: "node_id",
      text: `node ${h.from} dialed this address expecting node ${h.to}, but this is node ${local.node_id}; fix the peer address list`,
    };
  }
  if (h.from === 0 || h.from === local.node_id) {
    return { reason: "invalid", text: `sender node id ${h.from} is invalid here (0, or this server's own id)` };
  }
  if (removed(h.from)) {
    return { reason: "removed", text: `node ${h.from} was removed from the cluster; it must not rejoin with the same id` };
  }
  return null;
}

export function encodeAccept(node_id: NodeId): Uint8Array {
  const out = new Uint8Array(2 + 8);
  const w = new ByteWriter(out);
  w.u16(PROTOCOL_VERSION);
  w.u53(node_id, "node id");
  return out;
}

export function decodeAccept(payload: Uint8Array): { version: number; node_id: NodeId } {
  const r = new ByteReader(payload, "hello accept");
  const version = r.u16("version");
  const node_id = r.u53("node id");
  r.end();
  return { version, node_id };
}

export function encodeReject(rej: Reject): Uint8Array {
  const text = utf8.encode(rej.text).subarray(0, 1024);
  const out = new Uint8Array(1 + 2 + text.byteLength);
  const w = new ByteWriter(out);
  w.u8(REJECT_CODE[rej.reason]);
  w.u16(text.byteLength);
  w.raw(text);
  return out;
}

export function decodeReject(payload: Uint8Array): Reject {
  const r = new ByteReader(payload, "hello reject");
  const code = r.u8("reason");
  const reason = byCode(REJECT_CODE, code);
  if (reason === undefined) throw new CodecError(`hello reject: reason code ${code} is unknown`);
  // Lenient on the text: it was cut at 1024 bytes and may end mid-character.
  const text = new TextDecoder().decode(r.raw(r.u16("text length"), "text"));
  r.end();
  return { reason, text };
}
