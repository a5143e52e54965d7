// Merges the messages of one Ready that say the same thing in several pieces, so a busy leader
// sends one append per follower per Ready instead of one per proposal, and a follower one
// acknowledgement. Under 64 writers a leader's Ready carried about 22 messages; most were
// appends of one entry each to the same two followers.
import { entrySizeBytes } from "./util.js";
import type { Entry, Message } from "./types.js";

/**
 * Two messages to the same peer, in send order, become one when handling the one is the
 * same as handling both in turn:
 *  - MsgApp then MsgApp of the same term where the second starts right after the first
 *    (its `index` is the first's last index and its `logTerm` that entry's term): one MsgApp
 *    with both runs of entries and the later commit index. A follower appends the same
 *    entries, reaches the same commit index (commit is monotone in send order) and answers
 *    once for the last index, which frees the leader's in-flight slots of both.
 *  - MsgAppResp then MsgAppResp, both accepting, same term: the later one with the higher
 *    index (an acceptance of index i implies every lower one).
 * Anything else ends the run for that peer; messages to other peers keep their own order.
 * A merged append stays within maxBytes as Raft counts entries (maxSizePerMsgBytes); a
 * single larger one passes as it came.
 */
export function coalesceMessages(messages: readonly Message[], maxBytes: number): Message[] {
  if (messages.length < 2) return messages.slice();
  const out: Message[] = [];
  /** Position in `out` of the last message to each peer. */
  const last = new Map<number, number>();
  for (const m of messages) {
    const at = last.get(m.to);
    const prev = at === undefined ? undefined : out[at];
    const merged = prev === undefined ? undefined : merge(prev, m, maxBytes);
    if (merged !== undefined && at !== undefined) {
      out[at] = merged;
    } else {
      last.set(m.to, out.length);
      out.push(m);
    }
  }
  return out;
}

function merge(a: Message, b: Message, maxBytes: number): Message | undefined {
  if (a.from !== b.from || a.term !== b.term) return undefined;
  if (a.type === "MsgApp" && b.type === "MsgApp") {
    if (a.snapshot !== undefined || b.snapshot !== undefined) return undefined;
    const aLastIndex = a.index + a.entries.length;
    const aLastTerm = a.entries.length === 0 ? a.logTerm : a.entries[a.entries.length - 1]!.term;
    if (b.index !== aLastIndex || b.logTerm !== aLastTerm) return undefined;
    if (b.entries.length > 0 && a.entries.length > 0 && sizeBytes(a.entries) + sizeBytes(b.entries) > maxBytes) return undefined;
    return { ...a, entries: a.entries.concat(b.entries), commit: Math.max(a.commit, b.commit) };
  }
  if (a.type === "MsgAppResp" && b.type === "MsgAppResp" && !a.reject && !b.reject) {
    return b.index >= a.index ? b : a;
  }
  return undefined;
}

function sizeBytes(entries: readonly Entry[]): number {
  let n = 0;
  for (const e of entries) n += entrySizeBytes(e);
  return n;
}
