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
  /** Appends made here: their entry arrays are ours to extend (no copy per merge). */
  const grown = new Map<Message, { entries: Entry[]; bytes: number }>();
  for (const m of messages) {
    const at = last.get(m.to);
    const prev = at === undefined ? undefined : out[at];
    if (prev !== undefined && at !== undefined) {
      if (canAppend(prev, m, grown.get(prev)?.bytes ?? sizeBytes(prev.entries), maxBytes)) {
        let g = grown.get(prev);
        if (g === undefined) g = { entries: prev.entries.slice(), bytes: sizeBytes(prev.entries) };
        for (const e of m.entries) g.entries.push(e);
        g.bytes += sizeBytes(m.entries);
        const merged: Message = { ...prev, entries: g.entries, commit: Math.max(prev.commit, m.commit) };
        grown.delete(prev);
        grown.set(merged, g);
        out[at] = merged;
        continue;
      }
      if (isAcceptance(prev) && isAcceptance(m) && prev.from === m.from && prev.term === m.term) {
        if (m.index >= prev.index) out[at] = m;
        continue;
      }
    }
    last.set(m.to, out.length);
    out.push(m);
  }
  return out;
}

function isAcceptance(m: Message): boolean {
  return m.type === "MsgAppResp" && !m.reject;
}

/** Whether append b continues append a (same sender and term, no gap, same term at the seam) within the bound. */
function canAppend(a: Message, b: Message, aBytes: number, maxBytes: number): boolean {
  if (a.type !== "MsgApp" || b.type !== "MsgApp" || a.from !== b.from || a.term !== b.term) return false;
  if (a.snapshot !== undefined || b.snapshot !== undefined) return false;
  const aLastIndex = a.index + a.entries.length;
  const aLastTerm = a.entries.length === 0 ? a.logTerm : a.entries[a.entries.length - 1]!.term;
  if (b.index !== aLastIndex || b.logTerm !== aLastTerm) return false;
  return b.entries.length === 0 || a.entries.length === 0 || aBytes + sizeBytes(b.entries) <= maxBytes;
}

function sizeBytes(entries: readonly Entry[]): number {
  let n = 0;
  for (const e of entries) n += entrySizeBytes(e);
  return n;
}
