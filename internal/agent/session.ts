// Registration and heartbeats: registers with any server, heartbeats at the interval it gave, registers again when forgotten.
import type { HeartbeatRequest, RegisterRequest, RegisterResponse } from "../api/agent.js";
import type { Logger } from "../log/logger.js";
import { Backoff, sleep } from "./backoff.js";
import type { AgentLimits } from "./limits.js";
import { causeOf, errorCode, errorMessage, type ServerPool } from "./servers.js";

type SessionLimits = Pick<AgentLimits, "backoff_ms_min" | "backoff_ms_max">;

/** Failed registration attempts logged once per this many (the rest at debug). */
const register_failures_per_warning = 20;

export class Session {
  private current: RegisterResponse | undefined;
  private waiters: Array<(registration: RegisterResponse) => void> = [];
  /** Set when someone (the stream, a 404) learned the servers forgot this node. */
  private forgotten = false;
  private wake: () => void = () => undefined;
  private register_failures = 0;

  constructor(
    private readonly pool: ServerPool,
    private readonly request: RegisterRequest,
    private readonly limits: SessionLimits,
    private readonly logger: Logger,
    private readonly onRegistered: (registration: RegisterResponse) => Promise<void>,
  ) {}

  registration(): RegisterResponse | undefined {
    return this.current;
  }

  /** Resolves once registered (at once if already); never rejects, waits across retries. */
  registered(signal: AbortSignal): Promise<RegisterResponse | undefined> {
    if (this.current !== undefined) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const done = (registration: RegisterResponse | undefined): void => {
        signal.removeEventListener("abort", aborted);
        resolve(registration);
      };
      const aborted = (): void => {
        this.waiters = this.waiters.filter((w) => w !== done);
        done(undefined);
      };
      this.waiters.push(done);
      signal.addEventListener("abort", aborted);
    });
  }

  /** The servers answered unknown_node: register again before the next heartbeat. */
  forget(): void {
    this.forgotten = true;
    this.current = undefined;
    this.wake();
  }

  async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.limits.backoff_ms_min, this.limits.backoff_ms_max);
    while (!signal.aborted) {
      if (this.current === undefined || this.forgotten) {
        if (await this.register(signal)) backoff.reset();
        else await sleep(backoff.nextDelayMs(), signal);
        continue;
      }
      await this.pause(this.current.heartbeat_interval_ms, signal);
      if (signal.aborted || this.forgotten) continue;
      await this.heartbeat(signal);
    }
  }

  private pause(ms: number, signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    this.wake = () => woken.abort();
    return sleep(ms, AbortSignal.any([signal, woken.signal]));
  }

  private async register(signal: AbortSignal): Promise<boolean> {
    try {
      const answer = await this.pool.post("/v1/agent/register", this.request, signal);
      const registration = registerResponseOf(answer.body);
      if (answer.status !== 200 || registration === undefined) {
        this.logger.warn("registration refused", { server: answer.base, status: answer.status, error: errorMessage(answer.body) ?? "" });
        return false;
      }
      if (registration.node_id !== this.request.node_id) {
        throw new Error(`server ${answer.base} registered this agent as ${registration.node_id}, not ${this.request.node_id}`);
      }
      await this.onRegistered(registration);
      this.forgotten = false;
      this.current = registration;
      this.register_failures = 0;
      this.logger.info("registered", { server: answer.base, node_id: registration.node_id, cluster_id: registration.cluster_id });
      const waiters = this.waiters;
      this.waiters = [];
      for (const waiter of waiters) waiter(registration);
      return true;
    } catch (err) {
      // Servers still electing a leader at start-up fail a few tries: say so once, then every so often.
      this.register_failures += 1;
      if (!signal.aborted) this.logger[this.register_failures % register_failures_per_warning === 1 ? "warn" : "debug"]("cannot register; retrying", { error: causeOf(err), attempts: this.register_failures });
      return false;
    }
  }

  private async heartbeat(signal: AbortSignal): Promise<void> {
    const request: HeartbeatRequest = { node_id: this.request.node_id };
    try {
      const answer = await this.pool.post("/v1/agent/heartbeat", request, signal);
      if (answer.status === 404 && errorCode(answer.body) === "unknown_node") {
        this.logger.warn("the servers forgot this node; registering again", { server: answer.base });
        this.forget();
        return;
      }
      const interval = (answer.body as { heartbeat_interval_ms?: unknown } | null)?.heartbeat_interval_ms;
      if (answer.status === 200 && this.current !== undefined && typeof interval === "number" && interval > 0) {
        this.current = { ...this.current, heartbeat_interval_ms: interval };
      } else if (answer.status !== 200) {
        this.logger.warn("heartbeat refused", { server: answer.base, status: answer.status, error: errorMessage(answer.body) ?? "" });
      }
    } catch (err) {
      if (!signal.aborted) this.logger.warn("heartbeat failed", { error: causeOf(err) });
    }
  }
}

function registerResponseOf(body: unknown): RegisterResponse | undefined {
  const r = body as Partial<RegisterResponse> | null;
  if (typeof r?.node_id !== "string" || typeof r.cluster_id !== "string") return undefined;
  if (typeof r.heartbeat_interval_ms !== "number" || !(r.heartbeat_interval_ms > 0)) return undefined;
  if (typeof r.heartbeat_ttl_ms !== "number") return undefined;
  return { node_id: r.node_id, cluster_id: r.cluster_id, heartbeat_interval_ms: r.heartbeat_interval_ms, heartbeat_ttl_ms: r.heartbeat_ttl_ms };
}
