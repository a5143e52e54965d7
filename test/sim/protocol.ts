// What travels on the simulated network: Raft messages, client requests and replies.
import type { Message } from "../../raft/index.js";
import type { KvInput, KvOutput } from "../lincheck/history.js";

/** How a get is served: as a log entry, or locally after a ReadIndex round. */
export type ReadPath = "log" | "read-index";

export interface ClientRequest {
  readonly kind: "request";
  readonly clientId: number;
  readonly seq: number;
  readonly op: KvInput;
  readonly readPath: ReadPath;
}

export type ReplyResult =
  /** `index`: the log index the command was applied at, or the read index served. */
  | { readonly kind: "done"; readonly output: KvOutput; readonly index: number; readonly viaLog: boolean }
  /** Refused without queueing (no leader, back-pressure…): try again, maybe elsewhere. */
  | { readonly kind: "rejected"; readonly reason: string; readonly leaderHint: number };

export interface ClientReply {
  readonly kind: "reply";
  readonly clientId: number;
  readonly seq: number;
  readonly result: ReplyResult;
}

export type SimPayload = { readonly kind: "raft"; readonly message: Message } | ClientRequest | ClientReply;
