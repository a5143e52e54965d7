// Progress: the leader's view of one follower's log (match/next) and its replication mode.
import { Inflights } from "./inflights.js";
import type { ProgressStatus } from "./types.js";

export type ProgressState = "Probe" | "Replicate" | "Snapshot";

/**
 * Probe: one MsgApp at a time until the follower's match is found.
 * Replicate: optimistic pipelining, at most maxInflightMsgs unacknowledged MsgApp.
 * Snapshot: a MsgSnap is on its way; nothing else is sent until it is reported.
 */
export class Progress {
  // Invariant: match < next.
  match: number;
  next: number;
  state: ProgressState = "Probe";
  /** In Snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from in the current election timeout (CheckQuorum). */
  recentActive = false;
  /** In Probe: a MsgApp is outstanding, wait for its answer or a heartbeat response. */
  msgAppFlowPaused = false;
  isLearner: boolean;
  /** The highest commit index sent to this follower in a MsgApp. */
  sentCommit = 0;
  readonly inflights: Inflights;

  constructor(match: number, next: number, maxInflight: number, isLearner: boolean) {
    this.match = match;
    this.next = next;
    this.inflights = new Inflights(maxInflight);
    this.isLearner = isLearner;
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === "Snapshot") {
      // Once the snapshot is applied the follower has at least its index.
      const pending = this.pendingSnapshot;
      this.resetState("Probe");
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState("Probe");
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState("Replicate");
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState("Snapshot");
    this.pendingSnapshot = snapshotIndex;
  }

  /** A MsgApp with `entries` entries was sent; move next optimistically and account for it. */
  sentEntries(entries: number): void {
    if (this.state === "Replicate") {
      if (entries > 0) {
        this.next += entries;
        this.inflights.add(this.next - 1);
      }
      this.msgAppFlowPaused = this.inflights.full();
    } else if (this.state === "Probe") {
      if (entries > 0) this.msgAppFlowPaused = true;
    }
  }

  /** Whether sending `commit` could move the follower's commit index (it holds up to next-1). */
  canBumpCommit(commit: number): boolean {
    return commit > this.sentCommit && this.sentCommit < this.next - 1;
  }

  /** The follower acknowledged `n`. Returns whether match moved. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.msgAppFlowPaused = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /**
   * The follower rejected a MsgApp at `rejected`, hinting that its log may match up to
   * `matchHint`. Returns false for a stale rejection (next left unchanged).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === "Replicate") {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case "Probe":
        return this.msgAppFlowPaused;
      case "Replicate":
        return this.inflights.full();
      case "Snapshot":
        return true;
    }
  }

  status(): ProgressStatus {
    return {
      match: this.match,
      next: this.next,
      state: this.state,
      isLearner: this.isLearner,
      recentActive: this.recentActive,
      pendingSnapshot: this.pendingSnapshot,
      inflight: this.inflights.size(),
    };
  }
}
