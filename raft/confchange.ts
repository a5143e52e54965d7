// Membership changes one server at a time: validation at proposal and application to a ConfState.
import type { ConfChange, ConfState } from "./types.js";

/** Why a change would be refused against `cs`, or undefined when it is valid. */
export function validateConfChange(cs: ConfState, cc: ConfChange): string | undefined {
  if (!Number.isInteger(cc.nodeId) || cc.nodeId <= 0) return `node id ${cc.nodeId} is not a positive integer`;
  const isVoter = cs.voters.includes(cc.nodeId);
  const isLearner = cs.learners.includes(cc.nodeId);
  switch (cc.type) {
    case "AddNode":
      return isVoter ? `node ${cc.nodeId} is already a voter` : undefined;
    case "AddLearnerNode":
      if (isVoter) return `node ${cc.nodeId} is a voter; remove it before adding it as a learner`;
      return isLearner ? `node ${cc.nodeId} is already a learner` : undefined;
    case "RemoveNode":
      if (!isVoter && !isLearner) return `node ${cc.nodeId} is not a member`;
      if (isVoter && cs.voters.length === 1) return `node ${cc.nodeId} is the last voter`;
      return undefined;
  }
}

/**
 * The membership after `cc`. Total: a change that would be invalid (it can only reach the log
 * through a leader that validated it against an older view) leaves the membership unchanged.
 */
export function applyConfChangeTo(cs: ConfState, cc: ConfChange): ConfState {
  if (validateConfChange(cs, cc) !== undefined) return cs;
  const voters = cs.voters.filter((id) => id !== cc.nodeId);
  const learners = cs.learners.filter((id) => id !== cc.nodeId);
  if (cc.type === "AddNode") voters.push(cc.nodeId);
  if (cc.type === "AddLearnerNode") learners.push(cc.nodeId);
  voters.sort((a, b) => a - b);
  learners.sort((a, b) => a - b);
  return { voters, learners };
}
