// The key-value service of one node: turns client requests into proposals or ReadIndex
// requests, and answers the client once the command is applied or the read is safe.
import { ErrProposalDropped, type ReadState } from "../../raft/index.js";
import type { KvStateMachine, ApplyOutcome } from "./kv_fsm.js";
import { encodeCommand, requestKey, type KvCommand } from "./command.js";
import type { NodeEnv } from "./node_env.js";
import type { ClientRequest, ReplyResult } from "./protocol.js";
import type { SimNode } from "./sim_node.js";

/**
 * Requests one node keeps waiting, per table. A proposal lost with a deposed leader is never
 * answered, so past the bound the oldest waiter is forgotten; its client times out and retries.
 */
export const pending_requests_max = 256;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function handleRequest(node: SimNode, request: ClientRequest, env: NodeEnv): void {
  const live = node.live;
  try {
    if (request.op.kind === "get" && request.readPath === "read-index") {
      live.readContextSeq += 1;
      const context = `${node.id}/${live.readContextSeq}`;
      live.raft.readIndex(encoder.encode(context));
      evictOldest(live.pendingReads);
      live.pendingReads.set(context, request);
      return;
    }
    const command: KvCommand = { clientId: request.clientId, seq: request.seq, op: request.op };
    live.raft.propose(encodeCommand(command));
    evictOldest(live.pendingWrites);
    live.pendingWrites.set(requestKey(request.clientId, request.seq), request);
  } catch (error) {
    if (!(error instanceof ErrProposalDropped)) throw error;
    reply(node, request, { kind: "rejected", reason: error.reason, leaderHint: live.lead }, env);
  }
}

/** A command was applied at `index`: answer the client if it asked this node. */
export function onCommandApplied(
  node: SimNode,
  command: KvCommand,
  outcome: ApplyOutcome,
  index: number,
  env: NodeEnv,
): void {
  const key = requestKey(command.clientId, command.seq);
  const request = node.live.pendingWrites.get(key);
  if (request === undefined) return;
  node.live.pendingWrites.delete(key);
  if (outcome.kind === "stale") return; // the client has moved on; nobody waits for this
  reply(node, request, { kind: "done", output: outcome.output, index, viaLog: true }, env);
}

/** ReadStates arrived: each read may be served once the node has applied up to its index. */
export function onReadStates(node: SimNode, readStates: readonly ReadState[]): void {
  const live = node.live;
  for (const readState of readStates) {
    const context = decoder.decode(readState.requestCtx);
    const request = live.pendingReads.get(context);
    if (request === undefined) continue;
    live.pendingReads.delete(context);
    live.waitingReads.push({ index: readState.index, request });
  }
}

export function serveReadyReads(node: SimNode, env: NodeEnv): void {
  const live = node.live;
  const fsm: KvStateMachine = live.fsm;
  const stillWaiting: typeof live.waitingReads = [];
  for (const waiting of live.waitingReads) {
    if (waiting.index > live.applied) {
      stillWaiting.push(waiting);
      continue;
    }
    const key = waiting.request.op.key;
    reply(node, waiting.request, { kind: "done", output: { kind: "get", value: fsm.read(key) }, index: waiting.index, viaLog: false }, env);
  }
  live.waitingReads = stillWaiting.slice(-pending_requests_max);
}

function evictOldest<V>(table: Map<string, V>): void {
  if (table.size < pending_requests_max) return;
  const oldest = table.keys().next();
  if (oldest.done !== true) table.delete(oldest.value);
}

function reply(node: SimNode, request: ClientRequest, result: ReplyResult, env: NodeEnv): void {
  env.send(node.id, request.clientId, { kind: "reply", clientId: request.clientId, seq: request.seq, result });
}
