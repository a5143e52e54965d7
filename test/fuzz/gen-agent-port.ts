// Bad requests to the agent's own port (GET /v1/agent/tasks/:id/logs): bad ids, parameters, methods and paths.
import type { Prng } from "../sim/prng.js";
import { node_id_accepted } from "./gen-agent-api.js";
import { unknownParam } from "./bad-values.js";
import { badLogQuery } from "./gen-routes.js";
import type { FuzzRequest } from "./send.js";
import { unknownName, type Target } from "./target.js";
import { enc, oddString, query, wellFormed } from "./values.js";

/** The agent's task id rule is the node id rule (agent/http.ts). */
const task_id_accepted = node_id_accepted;
const log_params = ["follow", "stdout", "stderr", "timestamps", "tail", "max_lines"];

/**
 * Ids and names here are well-formed: a lone surrogate percent-encodes to bytes that are not
 * UTF-8, which crashes the agent today (see the known-bug test in api.test.ts).
 */
export function agentPort(r: Prng, t: Target): FuzzRequest {
  const logs = (id: string, q: string): string => `/v1/agent/tasks/${enc(id)}/logs${q}`;
  const req = (gen: string, method: string, path: string, expect: number): FuzzRequest => ({ gen: `agent.${gen}`, port: "agent", method, path, expect: [expect] });
  const real = r.pick(t.task_ids);
  switch (r.int(6)) {
    case 0:
      return req("bad-query", "GET", logs(real, query(badLogQuery(r))), 400);
    case 1: {
      const pairs: [string, string | undefined][] = r.chance(0.5) ? [["tail", "1"]] : [];
      pairs.splice(r.int(pairs.length + 1), 0, [wellFormed(unknownParam(r, log_params)), r.chance(0.3) ? undefined : wellFormed(oddString(r))]);
      return req("unknown-param", "GET", logs(r.chance(0.5) ? real : unknownName(r), query(pairs)), 400);
    }
    case 2: {
      let id = wellFormed(oddString(r));
      // A segment of only dots would be resolved away by the URL parser.
      while (task_id_accepted.test(id) || /^\.+$/.test(id)) id = wellFormed(oddString(r));
      return req("bad-task-id", "GET", logs(id, r.chance(0.3) ? "?tail=1" : ""), 400);
    }
    case 3:
      return req("unknown-task", "GET", logs(unknownName(r), r.chance(0.3) ? "?tail=1&stdout" : ""), 404);
    case 4:
      return req("bad-method", r.pick(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]), logs(r.chance(0.5) ? real : unknownName(r), ""), 405);
    default:
      return req("unknown-path", "GET", r.pick(["/", "/v1/health", "/v1/agent/tasks", `/v1/agent/tasks/${enc(real)}`, `/v1/agent/tasks/${enc(real)}/logs/x`, "/v1/agent/tasks//logs", `/zz${enc(wellFormed(oddString(r)))}`]), 404);
  }
}
