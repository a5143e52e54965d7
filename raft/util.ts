// Small shared helpers: entry sizes, size-bounded slicing, message construction, type predicates.
import type { Entry, Message, MessageType } from "./types.js";

/** Fixed per-entry overhead counted against byte limits, beside the payload. */
const ENTRY_OVERHEAD_BYTES = 24;

/** Size of an entry as counted by every byte limit (storage entries(), MsgApp batching). */
export function entrySizeBytes(e: Entry): number {
  return e.data.byteLength + ENTRY_OVERHEAD_BYTES;
}

/** Payload bytes only; what the uncommitted-bytes limit counts (empty entries are free). */
export function payloadSizeBytes(entries: readonly Entry[]): number {
  let n = 0;
  for (const e of entries) n += e.data.byteLength;
  return n;
}

/** The longest prefix within maxBytes, but at least one entry. */
export function limitSize(entries: Entry[], maxBytes: number): Entry[] {
  if (entries.length === 0) return entries;
  let size = entrySizeBytes(entries[0]!);
  let n = 1;
  for (; n < entries.length; n++) {
    size += entrySizeBytes(entries[n]!);
    if (size > maxBytes) break;
  }
  return n === entries.length ? entries : entries.slice(0, n);
}

const EMPTY = new Uint8Array(0);

/** A message with every field defaulted; `type`, `to` and `from` are required. */
export function newMessage(
  m: Partial<Message> & Pick<Message, "type" | "to" | "from">,
): Message {
  return {
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    context: EMPTY,
    ...m,
  };
}

const LOCAL: ReadonlySet<MessageType> = new Set<MessageType>([
  "MsgHup",
  "MsgBeat",
  "MsgCheckQuorum",
  "MsgUnreachable",
  "MsgSnapStatus",
]);

const RESPONSE: ReadonlySet<MessageType> = new Set<MessageType>([
  "MsgAppResp",
  "MsgVoteResp",
  "MsgPreVoteResp",
  "MsgHeartbeatResp",
  "MsgReadIndexResp",
  "MsgUnreachable",
  "MsgSnapStatus",
]);

/** Messages the node makes for itself; step() refuses them from the network. */
export function isLocalMsg(t: MessageType): boolean {
  return LOCAL.has(t);
}

export function isResponseMsg(t: MessageType): boolean {
  return RESPONSE.has(t);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
