// Follows this node's assignment stream: reconnects to any server on error or silence, with bounded backoff.
import { assignments_per_node_max, type Assignment, type AssignmentLine } from "../api/agent.js";
import type { Logger } from "../log/logger.js";
import { Backoff, sleep } from "./backoff.js";
import type { AgentLimits } from "./limits.js";
import { ndjsonLines } from "./ndjson.js";
import { causeOf, errorCode, type ServerPool } from "./servers.js";
import type { Session } from "./session.js";

type FollowerLimits = Pick<AgentLimits, "backoff_ms_min" | "backoff_ms_max" | "assignments_silence_ms" | "assignment_line_bytes_max">;

export interface AssignmentList {
  index: number;
  tasks: Assignment[];
}

export class AssignmentFollower {
  constructor(
    private readonly pool: ServerPool,
    private readonly session: Session,
    private readonly limits: FollowerLimits,
    private readonly logger: Logger,
    private readonly onList: (list: AssignmentList) => void,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.limits.backoff_ms_min, this.limits.backoff_ms_max);
    while (!signal.aborted) {
      const registration = await this.session.registered(signal);
      if (registration === undefined) return;
      const base = this.pool.preferred();
      const got_list = await this.follow(base, registration.node_id, signal);
      if (signal.aborted) return;
      if (got_list) backoff.reset();
      this.pool.rotate();
      await sleep(backoff.nextDelayMs(), signal);
    }
  }

  /** One connection; returns whether it delivered at least one list. */
  private async follow(base: string, node_id: string, signal: AbortSignal): Promise<boolean> {
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    signal.addEventListener("abort", stop);
    let got_list = false;
    try {
      const res = await fetch(`${base}/v1/agent/assignments?node_id=${encodeURIComponent(node_id)}`, { signal: abort.signal });
      if (res.status !== 200 || res.body === null) {
        const text = await res.text();
        const body = parseOrNull(text);
        if (res.status === 404 && errorCode(body) === "unknown_node") this.session.forget();
        this.logger.warn("assignment stream refused", { server: base, status: res.status, body: text.slice(0, 200) });
        return false;
      }
      const lines = ndjsonLines(res.body, {
        silence_ms: this.limits.assignments_silence_ms,
        line_bytes_max: this.limits.assignment_line_bytes_max,
        abort,
      });
      for await (const raw of lines) {
        const line = assignmentLineOf(raw);
        if (line === undefined) throw new Error(`server ${base} sent a line that is not an AssignmentLine: ${JSON.stringify(raw).slice(0, 200)}`);
        if (line.type === "assignments") {
          got_list = true;
          this.onList({ index: line.index, tasks: line.tasks });
        } else if (line.type === "error") {
          if (line.code === "unknown_node") this.session.forget();
          this.logger.warn("assignment stream ended by the server", { server: base, code: line.code, error: line.message });
          return got_list;
        }
      }
      this.logger.warn("assignment stream closed; reconnecting", { server: base });
    } catch (err) {
      if (!signal.aborted) this.logger.warn("assignment stream failed; reconnecting", { server: base, error: causeOf(err) });
    } finally {
      signal.removeEventListener("abort", stop);
      abort.abort();
    }
    return got_list;
  }
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Checks a line's shape; the agent acts only on what it understands. */
export function assignmentLineOf(raw: unknown): AssignmentLine | undefined {
  const line = raw as { type?: unknown; index?: unknown; tasks?: unknown; code?: unknown; message?: unknown } | null;
  if (line === null || typeof line !== "object") return undefined;
  if (line.type === "keepalive" && typeof line.index === "number") return { type: "keepalive", index: line.index };
  if (line.type === "error" && typeof line.code === "string") {
    return { type: "error", code: line.code, message: typeof line.message === "string" ? line.message : "" };
  }
  if (line.type !== "assignments" || !Number.isSafeInteger(line.index) || !Array.isArray(line.tasks)) return undefined;
  if (line.tasks.length > assignments_per_node_max) return undefined;
  const tasks: Assignment[] = [];
  for (const task of line.tasks as unknown[]) {
    const a = task as Partial<Assignment> | null;
    if (typeof a?.task_id !== "string" || typeof a.spec !== "object" || a.spec === null || a.spec.task_id !== a.task_id) return undefined;
    if ((a.desired !== "running" && a.desired !== "stopped") || typeof a.grace_ms !== "number" || !(a.grace_ms >= 0)) return undefined;
    tasks.push({ task_id: a.task_id, spec: a.spec, desired: a.desired, grace_ms: a.grace_ms });
  }
  return { type: "assignments", index: line.index as number, tasks };
}
