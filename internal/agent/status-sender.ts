// Sends queued status updates to the servers in order, batched, retrying with bounded backoff until acknowledged.
import { status_updates_per_request_max, type StatusRequest } from "../api/agent.js";
import type { Logger } from "../log/logger.js";
import type { AgentStore } from "../../storage/agent-store.js";
import { Backoff, sleep } from "./backoff.js";
import type { AgentLimits } from "./limits.js";
import { causeOf, errorCode, errorMessage, type ServerPool } from "./servers.js";
import type { Session } from "./session.js";

type SenderLimits = Pick<AgentLimits, "backoff_ms_min" | "backoff_ms_max">;

export class StatusSender {
  private wake: () => void = () => undefined;
  private dirty = false;

  constructor(
    private readonly pool: ServerPool,
    private readonly session: Session,
    private readonly store: AgentStore,
    private readonly limits: SenderLimits,
    private readonly logger: Logger,
  ) {}

  /** Something new is queued: send soon. */
  notify(): void {
    this.dirty = true;
    this.wake();
  }

  async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.limits.backoff_ms_min, this.limits.backoff_ms_max);
    while (!signal.aborted) {
      if (this.store.pendingCount() === 0) {
        await this.idle(signal);
        continue;
      }
      const registration = await this.session.registered(signal);
      if (registration === undefined) return;
      const progressed = await this.sendBatch(signal);
      if (progressed) backoff.reset();
      else await sleep(backoff.nextDelayMs(), signal);
    }
  }

  private idle(signal: AbortSignal): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        this.wake = () => undefined;
        this.dirty = false;
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.wake = done;
      signal.addEventListener("abort", done);
    });
  }

  /** One request; true when at least one update was acknowledged. */
  async sendBatch(signal?: AbortSignal): Promise<boolean> {
    const updates = this.store.pending().slice(0, status_updates_per_request_max);
    if (updates.length === 0) return true;
    const request: StatusRequest = { node_id: this.store.node_id, updates };
    try {
      const answer = await this.pool.post("/v1/agent/status", request, signal);
      if (answer.status === 404 && errorCode(answer.body) === "unknown_node") {
        this.session.forget();
        return false;
      }
      const acked = (answer.body as { acked?: unknown } | null)?.acked;
      if (answer.status !== 200 || !Array.isArray(acked) || !acked.every((id): id is string => typeof id === "string")) {
        this.logger.warn("status updates refused", { server: answer.base, status: answer.status, error: errorMessage(answer.body) ?? "" });
        this.pool.rotate();
        return false;
      }
      await this.store.ack(acked);
      this.logger.debug("status updates acknowledged", { sent: updates.length, acked: acked.length });
      return acked.length > 0;
    } catch (err) {
      if (signal?.aborted !== true) this.logger.warn("cannot send status updates; retrying", { pending: updates.length, error: causeOf(err) });
      return false;
    }
  }
}
