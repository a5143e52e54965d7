// One Mesos framework of scripts/bench/offers.ts: launches N tasks of one shape through offers as
// fast as the master takes them, and times each from its OFFERS event to the ACCEPT's 202.
//
// The 202: orch answers an ACCEPT once the plan_apply it led to is applied on the leader
// (internal/server/leader/framework-host.ts awaits the plan applier), so at the 202 the task is in
// the leader's task table as STAGING. A sample of accepts is also checked the slow way, polling
// GET /v1/tasks?node=AGENT&stale until the tasks show as STAGING, to confirm that and to time it.
import { MesosScheduler, type MesosEvent, type OfferJson as Offer, type StatusJson as Status } from "../../examples/mesos-client.js";
import { request, sleep } from "./bench-http.js";

export interface TaskShape {
  cpus: number;
  mem_mib: number;
}

export interface FrameworkOptions {
  index: number;
  tasks: number;
  shape: TaskShape;
  tasks_per_offer: number;
  accept_inflight: number;
  /** Every Nth ACCEPT is also watched through GET /v1/tasks (0: none). */
  sample_every: number;
  sample_poll_ms: number;
  image: string;
}

interface AcceptJob {
  offer_id: string;
  agent_id: string;
  task_ids: string[];
  offered_ms: number;
}

/** Sampled accepts watched through /v1/tasks at once, across all frameworks: keeps the watching small. */
const sample_watchers_max = 4;
let sample_watchers = 0;
/** ACCEPTs sent by every framework of the run: every sample_every-th is sampled. */
let accepts_all = 0;
/** Bound on watching one sampled accept. */
const sample_watch_ms_max = 30_000;
/** Bound on one call (an ACCEPT waits for its plan to commit; under load that is seconds). */
const call_timeout_ms = 120_000;
/** A framework that is done declines the rest for this long (and suppresses). */
const done_refuse_seconds = 3_600;
/** Launches lost (offer taken meanwhile, 503) before the run is called failed. */
const relaunches_max_factor = 1;
const failed_states = new Set(["TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_FAILED", "TASK_KILLED", "TASK_GONE"]);

/** One sampled accept: its tasks timed by the 202 and by the poller that saw them STAGING. */
export interface Sample {
  offer_to_202_ms: number;
  offer_to_seen_ms: number;
}

export class BenchFramework {
  readonly sched: MesosScheduler;
  /** Tasks not yet put in an ACCEPT. */
  private todo: number;
  private next_no = 0;
  private readonly queue: AcceptJob[] = [];
  private inflight = 0;
  private accepts_sent = 0;
  private suppressed = false;
  private closed = false;
  /** Launched task id → offer→202 ms, accept sent→202 ms. */
  readonly launched = new Map<string, { offer_ms: number; accept_ms: number }>();
  /** Task ids the master reported failed (before or after their 202). */
  private readonly failed = new Set<string>();
  readonly failures = new Map<string, number>();
  readonly accept_errors = new Map<string, number>();
  readonly samples: Sample[] = [];
  sample_polls = 0;
  offers_received = 0;
  offers_declined = 0;
  offer_events = 0;
  first_offers_ms: number | undefined;
  last_launch_ms = 0;
  error: Error | undefined;
  private done_resolve: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(
    master: string,
    private readonly o: FrameworkOptions,
  ) {
    this.todo = o.tasks;
    this.sched = new MesosScheduler(master, { user: "root", name: `bench-fw-${o.index}`, role: `bench-fw-${o.index}`, failover_timeout: 0 }, { keep_events: false, call_timeout_ms });
    this.done = new Promise((r) => (this.done_resolve = r));
    this.sched.onEvent((e, received_ms) => this.handle(e, received_ms));
  }

  get launched_count(): number {
    return this.launched.size;
  }

  async subscribe(): Promise<void> {
    await this.sched.subscribe();
  }

  private handle(e: MesosEvent, received_ms: number): void {
    try {
      if (e.type === "OFFERS") this.offers((e["offers"] as { offers: Offer[] }).offers, received_ms);
      else if (e.type === "UPDATE") this.update((e["update"] as { status: Status }).status);
      else if (e.type === "RESCIND") this.rescind((e["rescind"] as { offer_id: { value: string } }).offer_id.value);
      else if (e.type === "ERROR") this.fail(new Error(`framework ${this.o.index}: ERROR event: ${(e["error"] as { message: string }).message}`));
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private offers(offers: Offer[], received_ms: number): void {
    this.offer_events++;
    this.offers_received += offers.length;
    this.first_offers_ms ??= received_ms;
    const unused: { value: string }[] = [];
    for (const offer of offers) {
      const k = Math.min(this.todo, this.o.tasks_per_offer, this.fits(offer));
      if (k <= 0) {
        unused.push(offer.id);
        continue;
      }
      this.todo -= k;
      const task_ids = Array.from({ length: k }, () => `t-${++this.next_no}`);
      this.queue.push({ offer_id: offer.id.value, agent_id: offer.agent_id.value, task_ids, offered_ms: received_ms });
    }
    if (unused.length > 0) {
      this.offers_declined += unused.length;
      const refuse_seconds = this.todo > 0 ? 1 : done_refuse_seconds;
      void this.call("DECLINE", { decline: { offer_ids: unused, filters: { refuse_seconds } } });
    }
    if (this.todo === 0 && !this.suppressed) {
      this.suppressed = true;
      void this.call("SUPPRESS", { suppress: {} });
    }
    this.pump();
  }

  /** How many tasks of the shape the offer holds. */
  private fits(offer: Offer): number {
    const scalar = (name: string): number => offer.resources.find((r) => r.name === name)?.scalar?.value ?? 0;
    // A little slack under the offer for float rounding of the free CPUs.
    return Math.floor(Math.min((scalar("cpus") + 1e-9) / this.o.shape.cpus, scalar("mem") / this.o.shape.mem_mib));
  }

  private pump(): void {
    while (this.inflight < this.o.accept_inflight && this.queue.length > 0) void this.accept(this.queue.shift()!);
  }

  private async accept(job: AcceptJob): Promise<void> {
    this.inflight++;
    this.accepts_sent++;
    const n = ++accepts_all;
    const sent_ms = performance.now();
    const watch = this.o.sample_every > 0 && n % this.o.sample_every === 0 && sample_watchers < sample_watchers_max ? this.watch(job) : undefined;
    try {
      const task_infos = job.task_ids.map((id) => ({
        name: id,
        task_id: { value: id },
        agent_id: { value: job.agent_id },
        resources: [
          { name: "cpus", type: "SCALAR", scalar: { value: this.o.shape.cpus } },
          { name: "mem", type: "SCALAR", scalar: { value: this.o.shape.mem_mib } },
        ],
        command: { value: "sleep 3600", shell: true },
        container: { type: "DOCKER", docker: { image: this.o.image } },
      }));
      const a = await this.sched.call("ACCEPT", { accept: { offer_ids: [{ value: job.offer_id }], operations: [{ type: "LAUNCH", launch: { task_infos } }] } });
      const now = performance.now();
      if (a.status !== 202) {
        const key = `${a.status} ${a.body.slice(0, 80)}`;
        this.accept_errors.set(key, (this.accept_errors.get(key) ?? 0) + 1);
        this.relaunch(job.task_ids.length);
      } else {
        for (const id of job.task_ids) if (!this.failed.has(id)) this.launched.set(id, { offer_ms: now - job.offered_ms, accept_ms: now - sent_ms });
        this.last_launch_ms = now;
        if (watch !== undefined) void watch.then((seen_ms) => seen_ms !== undefined && this.samples.push({ offer_to_202_ms: now - job.offered_ms, offer_to_seen_ms: seen_ms - job.offered_ms }));
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    } finally {
      this.inflight--;
      this.check();
      this.pump();
    }
  }

  /** Polls the agent's tasks until every task of the job is STAGING; when it was seen (or undefined). */
  private async watch(job: AcceptJob): Promise<number | undefined> {
    sample_watchers++;
    const ids = new Set(job.task_ids);
    const framework_id = this.sched.framework_id;
    const port = Number(this.sched.master.slice(this.sched.master.lastIndexOf(":") + 1));
    const until = performance.now() + sample_watch_ms_max;
    try {
      while (performance.now() < until && !this.closed) {
        this.sample_polls++;
        const r = await request(port, "GET", `/v1/tasks?node=${encodeURIComponent(job.agent_id)}&stale`).catch(() => undefined);
        const at = performance.now();
        if (r?.status === 200) {
          const tasks = (JSON.parse(r.text) as { tasks: { state: string; framework?: { framework_id: string; task_id: string } }[] }).tasks;
          const staging = tasks.filter((t) => t.framework !== undefined && t.framework.framework_id === framework_id && ids.has(t.framework.task_id) && t.state === "STAGING");
          if (staging.length === ids.size) return at;
        }
        await sleep(this.o.sample_poll_ms);
      }
      return undefined;
    } finally {
      sample_watchers--;
    }
  }

  private update(s: Status): void {
    if (!failed_states.has(s.state)) return;
    const id = s.task_id.value;
    const key = `${s.state} ${s.reason ?? ""}`.trim();
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    this.failed.add(id);
    this.launched.delete(id);
    this.relaunch(1);
  }

  /** A job whose offer was rescinded before it was sent goes back to the todo count. */
  private rescind(offer_id: string): void {
    const i = this.queue.findIndex((j) => j.offer_id === offer_id);
    if (i < 0) return;
    const [job] = this.queue.splice(i, 1);
    this.relaunch(job!.task_ids.length);
  }

  private relaunch(n: number): void {
    const lost = [...this.failures.values(), ...this.accept_errors.values()].reduce((s, x) => s + x, 0);
    if (lost > this.o.tasks * relaunches_max_factor) {
      this.fail(new Error(`framework ${this.o.index}: ${lost} launches lost (${JSON.stringify(Object.fromEntries(this.failures))}, ACCEPT errors ${JSON.stringify(Object.fromEntries(this.accept_errors))})`));
      return;
    }
    this.todo += n;
    if (this.suppressed) {
      this.suppressed = false;
      void this.call("REVIVE", { revive: {} });
    }
  }

  private check(): void {
    if (this.launched.size >= this.o.tasks && this.inflight === 0) this.done_resolve?.();
  }

  private fail(err: Error): void {
    this.error ??= err;
    this.done_resolve?.();
  }

  private async call(type: string, body: Record<string, unknown>): Promise<void> {
    const a = await this.sched.call(type, body).catch((err: unknown) => ({ status: 0, body: String(err) }));
    if (a.status !== 202) this.fail(new Error(`framework ${this.o.index}: ${type} answered ${a.status}: ${a.body.slice(0, 200)}`));
  }

  close(): void {
    this.closed = true;
    this.sched.close();
  }
}
