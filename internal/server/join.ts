// `orch server --join`: asks a running cluster to add this server, trying each address given.
import { UsageError } from "../cli/errors.js";
import type { Logger } from "../log/logger.js";
import { forward_timeout_ms, join_attempts_max, join_retry_ms } from "./config.js";
import type { JoinRequest } from "./http/view.js";

export interface JoinAnswer {
  cluster_id: string;
  id: number;
  name: string;
  members: { id: number; name: string; raft_addr: string }[];
}

function isJoinAnswer(v: unknown): v is JoinAnswer {
  const o = v as Record<string, unknown> | null;
  return typeof o === "object" && o !== null && typeof o["cluster_id"] === "string" && typeof o["id"] === "number" && Array.isArray(o["members"]);
}

export async function joinCluster(addrs: readonly string[], req: JoinRequest, logger: Logger): Promise<JoinAnswer> {
  let last = "";
  for (let attempt = 1; attempt <= join_attempts_max; attempt++) {
    for (const addr of addrs) {
      try {
        const res = await fetch(`http://${addr}/v1/members`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(req),
          signal: AbortSignal.timeout(forward_timeout_ms),
        });
        const body = (await res.json()) as unknown;
        if (res.ok && isJoinAnswer(body)) return body;
        const msg = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
        // A refusal that retrying cannot fix (bad name, name taken) ends the join at once.
        if (res.status >= 400 && res.status < 500 && res.status !== 409 && res.status !== 421) {
          throw new UsageError(`the cluster at ${addr} refused to add ${req.name}: ${msg}`);
        }
        last = `${addr}: ${msg}`;
      } catch (err) {
        if (err instanceof UsageError) throw err;
        last = `${addr}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`;
      }
    }
    logger.warn("join: not added yet, retrying", { attempt, last });
    await new Promise((r) => setTimeout(r, join_retry_ms));
  }
  throw new Error(`could not join the cluster after ${join_attempts_max} attempts (last: ${last}); check that --join names the HTTP address of a running server`);
}
