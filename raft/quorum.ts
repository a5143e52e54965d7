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
  const matches: number[] = [];
  for (const id of voters) matches.push(matchOf(id) ?? 0);
  matches.sort((a, b) => b - a);
  return matches[majority(voters.size) - 1]!;
}

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
