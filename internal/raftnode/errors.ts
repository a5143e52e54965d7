// Errors the Raft node driver gives callers; each carries the HTTP status it maps to.

export type NodeErrorCode =
  | "no_leader" // nobody leads yet: retry soon, or at the leader's address if known
  | "not_applied" // definitely not applied (and never will be): safe to retry, at the leader if known
  | "timeout" // not committed in time: the write may or may not have taken effect
  | "overloaded" // a bound on in-flight work was reached: back off
  | "stopped" // the node is shutting down or failed
  | "not_leader" // only the leader does this (membership changes)
  | "conflict"; // refused by Raft (e.g. a membership change already pending)

export class NodeError extends Error {
  constructor(
    readonly code: NodeErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "NodeError";
  }
}
