// Majority quorum math: the committed index of a voter set and the outcome of a vote.
import type { NodeId } from "./types.js";

export type VoteResult = "Pending" | "Lost" | "Won";

export function majority(voters: number): number {
  return Math.floor(voters / 2) + 1;
}

/**
 * The largest index acknowledged by a majority of voters. Infinity for an empty voter set
 * (so that it never holds anything back); callers never commit with no voters.
 */
export function committedIndex(voters: ReadonlySet<NodeId>, matchOf: (id: NodeId) => number | undefined): number {
  if (voters.size === 0) return Infinity;
  // Runs on every acknowledgement: an insertion sort (descending) into a reused array, no allocation.
  let n = 0;
  for (const id of voters) {
    const m = matchOf(id) ?? 0;
    let j = n++;
    while (j > 0 && match_scratch[j - 1]! < m) {
      match_scratch[j] = match_scratch[j - 1]!;
      j--;
    }
    match_scratch[j] = m;
  }
  return match_scratch[majority(voters.size) - 1]!;
}

/** Scratch for committedIndex (single-threaded, not reentrant: it calls only matchOf). */
const match_scratch: number[] = [];

export function voteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return "Won";
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const q = majority(voters.size);
  if (granted >= q) return "Won";
  if (granted + missing >= q) return "Pending";
  return "Lost";
}
