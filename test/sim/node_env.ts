// What a simulated node may do to the world around it: send, and report to the checkers.
import type { ConfChange, ConfState, Message } from "../../raft/index.js";
import type { SimPayload } from "./protocol.js";
import type { SafetyChecker } from "./safety.js";

export interface SnapshotPolicy {
  /** Take a snapshot once this many entries were applied since the last one; null = never. */
  readonly everyEntries: number | null;
  /** Entries kept behind the snapshot so slightly slow followers avoid a snapshot transfer. */
  readonly keepEntries: number;
}

export interface NodeEnv {
  nowTick(): number;
  /** Returns false if the network lost the message at once. */
  send(from: number, to: number, payload: SimPayload): boolean;
  readonly safety: SafetyChecker;
  readonly snapshotPolicy: SnapshotPolicy;
  /** A node applied a membership change (the simulator starts or retires nodes). */
  onConfChangeApplied(nodeId: number, change: ConfChange, confState: ConfState): void;
  /**
   * The node just sent a Ready's messages. True means "crash it now": the adversary likes to
   * strike right after a vote or an append acknowledgement left, when losing the disk would hurt.
   */
  crashAfterSend(nodeId: number, messages: readonly Message[]): boolean;
}
