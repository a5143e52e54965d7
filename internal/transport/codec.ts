// Binary codec for raft Messages (version 1): every field, entries with their data, optional snapshot.
import type { Entry, EntryType, Message, MessageType, NodeId, Snapshot } from "../../raft/index.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import { CodecError } from "./errors.js";

/** Bumped on any layout change; a decoder refuses versions it does not know. */
export const CODEC_VERSION = 1;

// Wire codes are append-only: a Record keyed on MessageType makes a new raft type a compile error here.
const MESSAGE_TYPE_CODE: Readonly<Record<MessageType, number>> = {
  MsgHup: 1,
  MsgBeat: 2,
  MsgCheckQuorum: 3,
  MsgUnreachable: 4,
  MsgSnapStatus: 5,
  MsgProp: 6,
  MsgReadIndex: 7,
  MsgTransferLeader: 8,
  MsgApp: 9,
  MsgAppResp: 10,
  MsgVote: 11,
  MsgVoteResp: 12,
  MsgPreVote: 13,
  MsgPreVoteResp: 14,
  MsgSnap: 15,
  MsgHeartbeat: 16,
  MsgHeartbeatResp: 17,
  MsgTimeoutNow: 18,
  MsgReadIndexResp: 19,
};
const MESSAGE_TYPE_BY_CODE: ReadonlyMap<number, MessageType> = new Map(
  (Object.entries(MESSAGE_TYPE_CODE) as [MessageType, number][]).map(([t, c]) => [c, t]),
);
export const MESSAGE_TYPES: readonly MessageType[] = [...MESSAGE_TYPE_BY_CODE.values()];

const ENTRY_TYPE_CODE: Readonly<Record<EntryType, number>> = { Normal: 0, ConfChange: 1 };
const ENTRY_TYPE_BY_CODE: ReadonlyMap<number, EntryType> = new Map(
  (Object.entries(ENTRY_TYPE_CODE) as [EntryType, number][]).map(([t, c]) => [c, t]),
);

const FLAG_REJECT = 0x01;
const FLAG_SNAPSHOT = 0x02;
const FLAGS_KNOWN = FLAG_REJECT | FLAG_SNAPSHOT;

/** version, type, flags, 7 u53 fields, context length, entry count. */
const HEADER_BYTES = 3 + 7 * 8 + 4 + 4;
/** term, index, type, data length. */
const ENTRY_BYTES_MIN = 8 + 8 + 1 + 4;
/** index, term, voter count, learner count, data length. */
const SNAPSHOT_BYTES_MIN = 8 + 8 + 4 + 4 + 4;

/** Exact encoded size, so the encoder allocates once (and the frame can reserve its header in front). */
export function messageSizeBytes(m: Message): number {
  let n = HEADER_BYTES + m.context.byteLength;
  for (const e of m.entries) n += ENTRY_BYTES_MIN + e.data.byteLength;
  if (m.snapshot !== undefined) {
    const cs = m.snapshot.metadata.confState;
    n += SNAPSHOT_BYTES_MIN + 8 * (cs.voters.length + cs.learners.length) + m.snapshot.data.byteLength;
  }
  return n;
}

/** Writes `m` at w.offset; the buffer must have messageSizeBytes(m) bytes there. */
export function writeMessage(w: ByteWriter, m: Message): void {
  const code = MESSAGE_TYPE_CODE[m.type];
  if (code === undefined) throw new CodecError(`unknown message type ${JSON.stringify(m.type)}`);
  w.u8(CODEC_VERSION);
  w.u8(code);
  w.u8((m.reject ? FLAG_REJECT : 0) | (m.snapshot !== undefined ? FLAG_SNAPSHOT : 0));
  w.u53(m.to, "to");
  w.u53(m.from, "from");
  w.u53(m.term, "term");
  w.u53(m.logTerm, "logTerm");
  w.u53(m.index, "index");
  w.u53(m.commit, "commit");
  w.u53(m.rejectHint, "rejectHint");
  w.blob(m.context);
  w.u32(m.entries.length);
  for (let i = 0; i < m.entries.length; i++) writeEntry(w, m.entries[i]!, i);
  if (m.snapshot !== undefined) writeSnapshot(w, m.snapshot);
}

function writeEntry(w: ByteWriter, e: Entry, i: number): void {
  const code = ENTRY_TYPE_CODE[e.type];
  if (code === undefined) throw new CodecError(`entries[${i}].type ${JSON.stringify(e.type)} is unknown`);
  w.u53(e.term, `entries[${i}].term`);
  w.u53(e.index, `entries[${i}].index`);
  w.u8(code);
  w.blob(e.data);
}

function writeSnapshot(w: ByteWriter, s: Snapshot): void {
  w.u53(s.metadata.index, "snapshot.index");
  w.u53(s.metadata.term, "snapshot.term");
  writeIds(w, s.metadata.confState.voters, "snapshot.voters");
  writeIds(w, s.metadata.confState.learners, "snapshot.learners");
  w.blob(s.data);
}

function writeIds(w: ByteWriter, ids: readonly NodeId[], field: string): void {
  w.u32(ids.length);
  for (let i = 0; i < ids.length; i++) w.u53(ids[i]!, `${field}[${i}]`);
}

export function encodeMessage(m: Message): Uint8Array {
  const out = new Uint8Array(messageSizeBytes(m));
  const w = new ByteWriter(out);
  writeMessage(w, m);
  if (w.offset !== out.byteLength) throw new Error(`codec bug: wrote ${w.offset} of ${out.byteLength} bytes`);
  return out;
}

/** Decodes one whole payload or throws a CodecError naming the bad field; nothing half-built escapes. */
export function decodeMessage(payload: Uint8Array): Message {
  const r = new ByteReader(payload, "message");
  const version = r.u8("version");
  if (version !== CODEC_VERSION) {
    throw new CodecError(`message: codec version ${version} is not supported (this build speaks ${CODEC_VERSION})`);
  }
  const code = r.u8("type");
  const type = MESSAGE_TYPE_BY_CODE.get(code);
  if (type === undefined) throw new CodecError(`message: type code ${code} is unknown`);
  const flags = r.u8("flags");
  if ((flags & ~FLAGS_KNOWN) !== 0) throw new CodecError(`message: unknown flag bits 0x${flags.toString(16)}`);
  const to = r.u53("to");
  const from = r.u53("from");
  const term = r.u53("term");
  const logTerm = r.u53("logTerm");
  const index = r.u53("index");
  const commit = r.u53("commit");
  const rejectHint = r.u53("rejectHint");
  const context = r.blob("context");
  const entry_count = r.count("entry count", ENTRY_BYTES_MIN);
  const entries: Entry[] = [];
  for (let i = 0; i < entry_count; i++) entries.push(readEntry(r, i));
  const snapshot = (flags & FLAG_SNAPSHOT) !== 0 ? readSnapshot(r) : undefined;
  r.end();
  const m: Message = { type, to, from, term, logTerm, index, entries, commit, reject: (flags & FLAG_REJECT) !== 0, rejectHint, context };
  return snapshot === undefined ? m : { ...m, snapshot };
}

function readEntry(r: ByteReader, i: number): Entry {
  const term = r.u53(`entries[${i}].term`);
  const index = r.u53(`entries[${i}].index`);
  const code = r.u8(`entries[${i}].type`);
  const type = ENTRY_TYPE_BY_CODE.get(code);
  if (type === undefined) throw new CodecError(`message: entries[${i}].type code ${code} is unknown`);
  const data = r.blob(`entries[${i}].data`);
  return { term, index, type, data };
}

function readSnapshot(r: ByteReader): Snapshot {
  const index = r.u53("snapshot.index");
  const term = r.u53("snapshot.term");
  const voters = readIds(r, "snapshot.voters");
  const learners = readIds(r, "snapshot.learners");
  const data = r.blob("snapshot.data");
  return { metadata: { index, term, confState: { voters, learners } }, data };
}

function readIds(r: ByteReader, field: string): NodeId[] {
  const n = r.count(`${field} count`, 8);
  const ids: NodeId[] = [];
  for (let i = 0; i < n; i++) ids.push(r.u53(`${field}[${i}]`));
  return ids;
}
