// What travels on the simulated network: Raft messages, client requests and replies.
import type { Message } from "../../raft/index.js";
import type { KvInput, KvOutput } from "../lincheck/history.js";

export interface ClientRequest {
  readonly kind: "request";
  readonly clientId: number;
  readonly seq: number;
  readonly op: KvInput;
  /** For a cas: the modify index of the value it expects (0: the key is absent), the server's cas form. */
  readonly casIndex: number;
}

export type ReplyResult =
  /** `modifyIndex`: the index that wrote the value now read or written (0: absent); `logIndex`: where a write was applied, 0 if unknown. */
  | { readonly kind: "done"; readonly output: KvOutput; readonly modifyIndex: number; readonly logIndex: number }
  /** Refused before anything was proposed (no leader, back-pressure): try again, maybe elsewhere. */
  | { readonly kind: "rejected"; readonly reason: string; readonly leaderHint: number }
  /** A write that may or may not have taken effect (timed out, server stopping): do not retry it. */
  | { readonly kind: "unknown"; readonly reason: string };

export interface ClientReply {
  readonly kind: "reply";
  readonly clientId: number;
  readonly seq: number;
  readonly result: ReplyResult;
}

export type SimPayload = { readonly kind: "raft"; readonly message: Message } | ClientRequest | ClientReply;
