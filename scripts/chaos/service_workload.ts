// Services run, scaled and stopped through the API while faults happen; acknowledged changes are remembered.
import { call, errorCode, type Reply } from "./http.js";
import type { Prng } from "./prng.js";
import { sleep } from "./sh.js";
import { test_image } from "./engine.js";

/** Services alive at once; each is small so two agents always have room. */
export const services_active_max = 3;
export const service_count_max = 4;
/** Bound on service operations in one run. */
export const service_ops_max = 5_000;

export interface ServiceIntent {
  name: string;
  /** The count the last operation asked for; 0 after a stop. */
  count: number;
  stopped: boolean;
  /** Whether that last operation was acknowledged (else its outcome is unknown). */
  acknowledged: boolean;
  /** Set when an answer contradicted an acknowledged change (a 404 for a service known to exist). */
  contradiction?: string;
}

export class ServiceWorkload {
  readonly intents = new Map<string, ServiceIntent>();
  readonly counts = { acknowledged: 0, refused: 0, indeterminate: 0 };
  readonly byKind = { run: 0, scale: 0, stop: 0 };
  readonly refusedReasons = new Map<string, number>();
  private stopping = false;
  private running: Promise<void> | undefined;
  private made = 0;

  constructor(
    private readonly addrs: readonly string[],
    private readonly rng: Prng,
    private readonly prefix: string,
  ) {}

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private active(): ServiceIntent[] {
    return [...this.intents.values()].filter((s) => !s.stopped);
  }

  private async loop(): Promise<void> {
    let ops = 0;
    while (!this.stopping && ops++ < service_ops_max) {
      const active = this.active();
      const kind =
        active.length === 0 ? "run" : active.length >= services_active_max ? this.rng.weighted([["scale", 3], ["stop", 1]] as const) : this.rng.weighted([["run", 2], ["scale", 3], ["stop", 1]] as const);
      const addr = this.rng.pick(this.addrs);
      if (kind === "run") {
        const name = `${this.prefix}-${this.made++}`;
        const count = this.rng.int(1, service_count_max);
        const body = { name, image: test_image, command: ["sleep", "3600"], cpus: 0.05, memory_bytes: 16 * 1024 * 1024, count, grace_ms: 1000 };
        this.note(name, count, false, await call(addr, "POST", "/v1/services", JSON.stringify(body)));
      } else if (kind === "scale") {
        const s = this.rng.pick(active);
        const count = this.rng.int(1, service_count_max);
        this.note(s.name, count, false, await call(addr, "POST", `/v1/services/${s.name}/scale`, JSON.stringify({ count })));
      } else {
        const s = this.rng.pick(active);
        this.note(s.name, 0, true, await call(addr, "DELETE", `/v1/services/${s.name}`));
      }
      this.byKind[kind]++;
      const pause_ms = this.rng.int(2_000, 6_000);
      for (let waited = 0; waited < pause_ms && !this.stopping; waited += 250) await sleep(250);
    }
  }

  private note(name: string, count: number, stopped: boolean, r: Reply): void {
    const prev = this.intents.get(name);
    if (r.kind === "ok") {
      this.counts.acknowledged++;
      this.intents.set(name, { name, count, stopped, acknowledged: true });
    } else if (r.kind === "refused") {
      // A definite no: nothing changed. A 404 says the service does not exist, so stop picking it.
      // After an acknowledged run or scale that is a contradiction (the server answered from
      // state that had lost or not yet seen the change). After an indeterminate one it only says
      // the change has not happened yet: it may still take effect later, so the outcome stays unknown.
      this.counts.refused++;
      const why = `HTTP ${r.status} ${errorCode(r.body)}`;
      this.refusedReasons.set(why, (this.refusedReasons.get(why) ?? 0) + 1);
      if (r.status === 404) {
        const contradicts = prev !== undefined && prev.acknowledged && !prev.stopped;
        this.intents.set(name, {
          name,
          count: 0,
          stopped: true,
          acknowledged: prev === undefined || contradicts,
          ...(contradicts ? { contradiction: `acknowledged with count ${prev.count}, later answered 404 not_found` } : {}),
        });
      } else if (prev === undefined) this.intents.set(name, { name, count: 0, stopped: true, acknowledged: true });
    } else {
      this.counts.indeterminate++;
      this.intents.set(name, { name, count, stopped, acknowledged: false });
    }
  }
}
