// The key-value front of one simulated server, as orch's /v1/kv routes use the node driver: a
// write is a real kv_put / kv_delete command proposed through RaftNode, a read waits for
// linearizableRead() and then reads the state machine's table.
import { CommandType, type Command } from "../../internal/fsm/commands.js";
import type { ApplyResult } from "../../internal/fsm/state.js";
import { NodeError } from "../../internal/raftnode/errors.js";
import type { KvOutput } from "../lincheck/history.js";
import type { ClientRequest, ReplyResult } from "./protocol.js";
import type { Incarnation } from "./sim_node.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Errors that say nothing was proposed, so the client may send the write again. */
const refused_codes: ReadonlySet<string> = new Set(["no_leader", "not_leader", "overloaded", "conflict"]);

/**
 * Serves one request; `reply` is called at most once, and only while the process lives. An
 * answer that cannot be (a put answered like a delete) goes to `onBug`, which stops the run.
 */
export function handleRequest(live: Incarnation, request: ClientRequest, reply: (result: ReplyResult) => void, onBug: (error: Error) => void): void {
  const answer = (result: ReplyResult | (() => ReplyResult)): void => {
    if (!live.owner.alive) return;
    try {
      reply(typeof result === "function" ? result() : result);
    } catch (error) {
      onBug(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const op = request.op;
  if (op.kind === "get") {
    live.raft.linearizableRead().then(
      () => {
        const row = live.fsm.kv.get(op.key);
        const output: KvOutput = { kind: "get", value: row === undefined ? null : decoder.decode(row.value) };
        answer({ kind: "done", output, modifyIndex: row?.modify_index ?? 0, logIndex: 0 });
      },
      // A read changes nothing: whatever went wrong, it may be asked again.
      (error: unknown) => answer({ kind: "rejected", reason: String(error), leaderHint: live.raft.leader() }),
    );
    return;
  }
  const command: Command =
    op.kind === "del"
      ? { type: CommandType.kv_delete, key: op.key }
      : { type: CommandType.kv_put, key: op.key, value: encoder.encode(op.value), ...(op.kind === "cas" ? { cas: request.casIndex } : {}) };
  live.raft.propose(command).then(
    (result) => answer(() => toReply(request, result)),
    (error: unknown) => {
      if (error instanceof NodeError && refused_codes.has(error.code)) answer({ kind: "rejected", reason: error.code, leaderHint: live.raft.leader() });
      else answer({ kind: "unknown", reason: error instanceof Error ? error.message : String(error) });
    },
  );
}

function toReply(request: ClientRequest, result: ApplyResult): ReplyResult {
  const op = request.op;
  if (!("key" in result)) throw new Error(`sim: a key-value command answered ${JSON.stringify(result)}`);
  if (result.ok) {
    const output: KvOutput = op.kind === "cas" ? { kind: "cas", ok: true } : op.kind === "del" ? { kind: "del" } : { kind: "put" };
    return { kind: "done", output, modifyIndex: op.kind === "del" ? 0 : result.modify_index, logIndex: result.modify_index };
  }
  if (result.code === "cas_mismatch" && op.kind === "cas") return { kind: "done", output: { kind: "cas", ok: false }, modifyIndex: 0, logIndex: 0 };
  if (result.code === "not_found" && op.kind === "del") return { kind: "done", output: { kind: "del" }, modifyIndex: 0, logIndex: 0 };
  throw new Error(`sim: ${op.kind} on ${op.key} answered ${JSON.stringify(result)}`);
}
