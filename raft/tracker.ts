// ProgressTracker: the current membership, per-peer Progress, and the votes of an election.
import { Progress } from "./progress.js";
import { committedIndex, majority, voteResult, type VoteResult } from "./quorum.js";
import type { ConfState, NodeId } from "./types.js";

export class ProgressTracker {
  voters = new Set<NodeId>();
  learners = new Set<NodeId>();
  /** One Progress per member (voters and learners), in ascending id order. */
  progress = new Map<NodeId, Progress>();
  votes = new Map<NodeId, boolean>();

  constructor(readonly maxInflight: number) {}

  confState(): ConfState {
    return {
      voters: [...this.voters].sort((a, b) => a - b),
      learners: [...this.learners].sort((a, b) => a - b),
    };
  }

  /** Switch to `cs`, keeping the Progress of members that stay; new members start at `next`. */
  applyConf(cs: ConfState, next: number): void {
    const old = this.progress;
    this.voters = new Set(cs.voters);
    this.learners = new Set(cs.learners);
    this.progress = new Map();
    const ids = [...cs.voters, ...cs.learners].sort((a, b) => a - b);
    for (const id of ids) {
      const isLearner = this.learners.has(id);
      const pr = old.get(id) ?? newMemberProgress(next, this.maxInflight, isLearner);
      pr.isLearner = isLearner;
      this.progress.set(id, pr);
    }
  }

  isSingleton(): boolean {
    return this.voters.size === 1 && this.learners.size === 0;
  }

  /** The largest index stored on a majority of voters. */
  committed(): number {
    return committedIndex(this.voters, (id) => this.progress.get(id)?.match);
  }

  /** Whether a majority of voters was heard from recently (the leader marks itself active). */
  quorumActive(): boolean {
    let active = 0;
    for (const id of this.voters) if (this.progress.get(id)?.recentActive === true) active++;
    return this.voters.size > 0 && active >= majority(this.voters.size);
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  /** Record a vote from a voter; only its first answer in an election counts. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): VoteResult {
    return voteResult(this.voters, this.votes);
  }
}

function newMemberProgress(next: number, maxInflight: number, isLearner: boolean): Progress {
  const pr = new Progress(0, Math.max(next, 1), maxInflight, isLearner);
  // A new member counts as active so the leader may send it a snapshot at once.
  pr.recentActive = true;
  return pr;
}
