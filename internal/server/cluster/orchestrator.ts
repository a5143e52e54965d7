// Leader-only loop: asks the built-in frameworks what each service needs, places new tasks
// with the scheduler, and submits the plan to the one plan applier (which checks it against the
// latest state and commits it). One plan at a time: each is made from the state the last one left.
import { CommandType, type NewTask, type PlanServiceUpdate } from "../../fsm/commands.js";
import type { ServiceRecord } from "../../fsm/services.js";
import { charge, heldBy, overLimit } from "../../fsm/role-limits.js";
import { role_weight_default } from "../../fsm/roles.js";
import type { StateMachine } from "../../fsm/state.js";
import type { Logger } from "../../log/logger.js";
import type { LeaderEpoch, LeaderLoop } from "../leader/leadership.js";
import type { Plan, PlanOutcome, Proposer } from "../leader/plan-applier.js";
import { orderByDrf, type RoleUsage } from "../../scheduler/drf.js";
import { place } from "../../scheduler/place.js";
import { SeededRng } from "../../scheduler/rng.js";
import type { NodeView, PendingTask, Placement, Resources } from "../../scheduler/types.js";
import { serviceWork, type ServiceWork } from "./frameworks.js";
import { holdsResources, NodeViewCache, pendingTask, withPlacements } from "./view.js";

/** Re-evaluate at least this often (restart backoffs come due with no state change). */
export const evaluate_every_ms = 1_000;
/**
 * Pause between a change and the evaluation it triggers, so that work committed meanwhile joins
 * the same evaluation. Each evaluation has a fixed cost that grows with the cluster (node views,
 * the scheduler's per-call fit indexes and checks: about 80 ms at 10,000 nodes), so batching
 * submissions that arrive together raises placements/s for at most this much added latency.
 */
export const evaluate_gather_ms = 50;
/**
 * New tasks one evaluation creates. Placing is synchronous: 33,000 tasks at once (128 clients
 * submitting together) blocked a 3-server leader past the 1 s election timeout and it lost
 * leadership. 4,000 tasks take about 0.25 s at 10,000 nodes; services past the bound wait for the
 * next evaluation, which starts where this one stopped so that none waits behind the others.
 */
export const evaluate_tasks_max = 4_000;
/** Processes one task may run: a fork bomb stays inside its container. */
export const task_pids_limit = 4096;

/** Where the orchestrator's plans go: the plan applier. */
export interface PlanSink {
  submit(plan: Plan): Promise<PlanOutcome>;
}

export class Orchestrator implements LeaderLoop {
  readonly name = "services";
  private timer: NodeJS.Timeout | undefined;
  private epoch: LeaderEpoch | undefined;
  private running = false;
  private again = false;
  /** Logged when leadership starts, so that a placement replays from the log. */
  private readonly seed: number;
  private readonly rng: SeededRng;
  /** Placements per second, for the placement benchmark and `orch status`. */
  placed_total = 0;
  /** The service the next evaluation creates tasks for first ("": in name order from the start). */
  private next_service = "";
  /** The last evaluation left new tasks for the next one: it need not wait to gather more. */
  private backlog = false;
  /** Node views between evaluations: only nodes changed since the last one are rebuilt. */
  private readonly views: NodeViewCache;

  constructor(
    private readonly fsm: StateMachine,
    private readonly plans: PlanSink,
    private readonly node: Proposer,
    private readonly log: Logger,
    seed = Date.now() % 2 ** 31,
  ) {
    this.views = new NodeViewCache(fsm);
    this.seed = seed;
    this.rng = new SeededRng(seed);
    fsm.onChange((_touched, changed) => {
      if (changed) this.poke();
    });
  }

  /** Leadership established: evaluate on every change and every evaluate_every_ms until stop(). */
  start(epoch: LeaderEpoch): void {
    this.epoch = epoch;
    this.log.info("built-in services and jobs scheduling", { term: epoch.term, seed: this.seed });
    this.timer = setInterval(() => this.poke(), evaluate_every_ms);
    this.poke();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.epoch = undefined;
  }

  poke(): void {
    if (this.epoch === undefined) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      do {
        // Not inside the state machine's listener: the rest of the committed batch is applied, and
        // submissions arriving meanwhile are committed, before one evaluation covers them all.
        await new Promise<void>((resolve) => (this.backlog ? setImmediate(resolve) : setTimeout(resolve, evaluate_gather_ms)));
        if (this.epoch === undefined || this.epoch.signal.aborted) break;
        this.again = false;
        await this.evaluate();
      } while (this.again);
    } catch (err) {
      this.log.debug("plan not committed; retrying on the next evaluation", { error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.running = false;
    }
  }

  private async evaluate(): Promise<void> {
    const now_ms = Date.now();
    const works: { svc: ServiceRecord; work: ServiceWork }[] = [];
    for (const svc of this.fsm.services.all()) works.push({ svc, work: serviceWork(svc, this.fsm.tasks.ofService(svc.spec.name), now_ms) });

    const pending: PendingTask[] = [];
    const owner = new Map<string, ServiceRecord>();
    // Services whose new tasks wait for the next evaluation (evaluate_tasks_max): nothing about them changes now.
    const deferred = new Set<string>();
    const first = Math.max(0, works.findIndex((w) => w.svc.spec.name >= this.next_service));
    this.next_service = "";
    // Roles with a limit (quota): tasks past it are not made; the service says why it waits.
    const limited = new Set(works.map((w) => w.svc.spec.role).filter((r) => Object.keys(this.fsm.roles.get(r)?.limit ?? {}).length > 0));
    const role_held = heldBy(this.fsm, limited);
    const at_limit = new Map<string, { count: number; reason: string }>();
    for (const { svc, work } of [...works.slice(first), ...works.slice(0, first)]) {
      let create = Math.min(work.create, evaluate_tasks_max - pending.length);
      if (create < work.create) {
        if (this.next_service === "") this.next_service = svc.spec.name;
        if (create === 0) deferred.add(svc.spec.name);
      }
      const held = role_held.get(svc.spec.role);
      if (held !== undefined && create > 0) {
        const need = { cpus: svc.spec.cpus, memory_bytes: svc.spec.memory_bytes, disk_bytes: svc.spec.disk_bytes };
        let fits = 0;
        let why: string | undefined;
        while (fits < create && (why = overLimit(svc.spec.role, this.fsm.roles.get(svc.spec.role)!.limit, held, need)) === undefined) {
          charge(held, need);
          fits += 1;
        }
        if (why !== undefined) at_limit.set(svc.spec.name, { count: create - fits, reason: why });
        create = fits;
      }
      for (let i = 0; i < create; i++) {
        const task_id = `${svc.spec.name}.${svc.tasks_made + i + 1}`;
        pending.push(pendingTask(task_id, svc.spec));
        owner.set(task_id, svc);
      }
    }
    const needs = new Map(pending.map((t) => [t.task_id, t]));
    const placements = this.placeAll(pending, owner);
    // More waits: go on at once while tasks find room; when none did, the next change or tick retries.
    this.backlog = this.next_service !== "" && placements.placements.length > 0;
    if (this.backlog) this.again = true;
    const placed_by = new Map<string, number>();
    // Ids are consumed up to the highest placed one; unplaced ids above it are made again next time.
    const made_by = new Map<string, number>();
    for (const p of placements.placements) {
      const svc = owner.get(p.task_id)!;
      const seq = Number(p.task_id.slice(svc.spec.name.length + 1));
      made_by.set(svc.spec.name, Math.max(made_by.get(svc.spec.name) ?? svc.tasks_made, seq));
    }
    const unplaced_by = new Map<string, { count: number; reason: string }>();
    for (const p of placements.placements) placed_by.set(owner.get(p.task_id)!.spec.name, (placed_by.get(owner.get(p.task_id)!.spec.name) ?? 0) + 1);
    for (const u of placements.unplaced) {
      const name = owner.get(u.task_id)!.spec.name;
      const cur = unplaced_by.get(name);
      unplaced_by.set(name, { count: (cur?.count ?? 0) + 1, reason: cur?.reason ?? u.reason });
    }

    const services: PlanServiceUpdate[] = [];
    const stops: { task_id: string; message: string }[] = [];
    const forget: string[] = [];
    for (const { svc, work } of works) {
      append(stops, work.stops);
      append(forget, work.forget);
      if (deferred.has(svc.spec.name)) continue;
      const placed = placed_by.get(svc.spec.name) ?? 0;
      const unplaced = unplaced_by.get(svc.spec.name);
      const limit = at_limit.get(svc.spec.name);
      const pending_reason = unplaced !== undefined ? unplaced.reason : (limit?.reason ?? work.waiting_reason);
      const pending_count = (unplaced?.count ?? 0) + (limit?.count ?? 0) + (work.waiting_reason !== "" ? 1 : 0);
      const u: PlanServiceUpdate = {
        name: svc.spec.name,
        tasks_made: made_by.get(svc.spec.name) ?? svc.tasks_made,
        restarts: svc.restarts + Math.min(work.replacing, placed),
        pending_reason,
        pending_count,
        ...(work.state !== undefined ? { state: work.state } : {}),
      };
      if (placed > 0 || u.pending_reason !== svc.pending_reason || u.pending_count !== svc.pending_count || work.state !== undefined) services.push(u);
    }

    const tasks = placements.placements.map((p) => ({ task: newTask(owner.get(p.task_id)!, p), need: needs.get(p.task_id)! }));
    if (tasks.length === 0 && stops.length === 0 && services.length === 0 && forget.length === 0) return;
    const outcome = await this.plans.submit({ source: this.name, tasks, stops, services });
    this.placed_total += outcome.committed.length;
    // Placements the applier dropped (another writer took the room) are placed again at once.
    if (outcome.dropped.length > 0) this.again = true;
    if (forget.length > 0) await this.node.propose({ type: CommandType.tasks_forget, task_ids: forget });
    if (tasks.length > 0) this.log.debug("plan committed", { placed: outcome.committed.length, dropped: outcome.dropped.length, unplaced: placements.unplaced.length, stops: stops.length });
  }

  /** Places each strategy's tasks in turn; the second call sees the first call's placements. */
  private placeAll(pending: PendingTask[], owner: Map<string, ServiceRecord>): { placements: Placement[]; unplaced: { task_id: string; reason: string }[] } {
    if (pending.length === 0) return { placements: [], unplaced: [] };
    let view = this.views.current();
    // What roles hold does not change between the two calls (nothing is committed in between), and
    // with a single role DRF keeps the order whatever it holds: skip the pass over every task then.
    const roles = new Set(pending.map((t) => t.role)).size > 1 ? roleUsage(this.fsm) : new Map<string, RoleUsage>();
    const out: { placements: Placement[]; unplaced: { task_id: string; reason: string }[] } = { placements: [], unplaced: [] };
    const strategies = (["binpack", "spread"] as const).map((strategy) => ({ strategy, tasks: pending.filter((t) => owner.get(t.task_id)!.spec.strategy === strategy) }));
    for (const [i, { strategy, tasks }] of strategies.entries()) {
      if (tasks.length === 0) continue;
      const mine = orderByDrf(tasks, roles, clusterTotal(view));
      const r = place(view, mine, { strategy, rng: this.rng });
      append(out.placements, r.placements);
      append(out.unplaced, r.unplaced);
      if (strategies.slice(i + 1).some((s) => s.tasks.length > 0)) {
        const byId = new Map(mine.map((t) => [t.task_id, t]));
        view = withPlacements(view, r.placements.map((p) => ({ task: byId.get(p.task_id)!, node_id: p.node_id })));
      }
    }
    return out;
  }
}

/** push(...from) passes every element as an argument: past ~130,000 the stack overflows. */
function append<T>(into: T[], from: readonly T[]): void {
  for (const x of from) into.push(x);
}

function newTask(svc: ServiceRecord, p: Placement): NewTask {
  const s = svc.spec;
  const spec = {
    task_id: p.task_id,
    image: s.image,
    ...(s.command !== undefined ? { command: s.command } : {}),
    ...(s.args !== undefined ? { args: s.args } : {}),
    ...(s.env !== undefined ? { env: s.env } : {}),
    cpus: s.cpus,
    memory_bytes: s.memory_bytes,
    pids_limit: task_pids_limit,
    ...(s.ports.length > 0 ? { ports: s.ports, host_ip: s.host_ip } : {}),
    labels: { service: s.name },
  };
  return { task_id: p.task_id, service: s.name, version: svc.version, node_id: p.node_id, spec };
}

/** What each role's running tasks hold: DRF offers the next room to the role with the smallest dominant share. */
function roleUsage(fsm: StateMachine): Map<string, RoleUsage> {
  const held = new Map<string, { cpus: number; memory_bytes: number; disk_bytes: number }>();
  for (const svc of fsm.services.all()) {
    for (const t of fsm.tasks.ofService(svc.spec.name)) {
      if (!holdsResources(t)) continue;
      const h = held.get(svc.spec.role) ?? { cpus: 0, memory_bytes: 0, disk_bytes: 0 };
      h.cpus += t.spec.cpus;
      h.memory_bytes += t.spec.memory_bytes;
      h.disk_bytes += svc.spec.disk_bytes;
      held.set(svc.spec.role, h);
    }
  }
  // Weights from `orch roles set` (1 when a role was never configured).
  return new Map([...held].map(([role, allocated]) => [role, { weight: fsm.roles.get(role)?.weight ?? role_weight_default, allocated }]));
}

function clusterTotal(view: readonly NodeView[]): Resources {
  const t = { cpus: 0, memory_bytes: 0, disk_bytes: 0 };
  for (const n of view) {
    if (!n.ready) continue;
    t.cpus += n.total.cpus;
    t.memory_bytes += n.total.memory_bytes;
    t.disk_bytes += n.total.disk_bytes;
  }
  return t;
}
