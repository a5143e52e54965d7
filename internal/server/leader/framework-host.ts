// The leader's host for external frameworks (two-level scheduling): one DRF allocator shared with
// the built-in services and jobs by role, offers per node, ACCEPT through the one plan applier,
// status updates resent until acknowledged, failover timeouts enforced. State that must survive a
// leader failover (frameworks, suppressed roles, filters, unacknowledged updates) lives in Raft;
// what lives here (streams, outstanding offers, retry timers) is rebuilt at each establishment.
import { randomUUID } from "node:crypto";
import { CommandType, type NewTask } from "../../fsm/commands.js";
import type { FrameworkUpdate } from "../../fsm/framework-handlers.js";
import type { FrameworkRecord } from "../../fsm/frameworks.js";
import { heldBy } from "../../fsm/role-limits.js";
import { role_weight_default } from "../../fsm/roles.js";
import type { ApplyResult, StateMachine } from "../../fsm/state.js";
import { isTerminalState, type TaskRecord } from "../../fsm/tasks.js";
import type { Logger } from "../../log/logger.js";
import { Allocator } from "../../scheduler/allocator.js";
import type { AllocatedTask, Rescinded } from "../../scheduler/allocator-types.js";
import { SeededRng } from "../../scheduler/rng.js";
import type { NodeView, PendingTask } from "../../scheduler/types.js";
import { NodeViewCache, holdsResources } from "../cluster/view.js";
import type { PlanSink } from "../cluster/orchestrator.js";
import { freeRanges, offered_ports_default, OfferPool, offersProblem } from "./offer-fit.js";
import { HostError, type FrameworkConnection, type HostEvent, type HostOffer, type HostStatus, type LaunchRequest, type SubscribeRequest } from "./framework-types.js";
import type { LeaderEpoch, LeaderLoop } from "./leadership.js";
import type { Proposer } from "./plan-applier.js";

export interface FrameworkHostOptions {
  /** HEARTBEAT events this often (Mesos: 15 s). */
  heartbeat_interval_ms: number;
  /** Offer rounds this often (Mesos's allocation interval: 1 s). */
  allocation_interval_ms: number;
  /** Outstanding offers are rescinded after this; 0: never (Mesos's default). */
  offer_timeout_ms: number;
  /** First resend of an unacknowledged update, doubling up to the max (Mesos: 10 s to 10 min). */
  update_retry_ms_min: number;
  update_retry_ms_max: number;
}

export const framework_host_defaults: FrameworkHostOptions = {
  heartbeat_interval_ms: 15_000,
  allocation_interval_ms: 1_000,
  offer_timeout_ms: 0,
  update_retry_ms_min: 10_000,
  update_retry_ms_max: 600_000,
};

/** Mesos's default refuse_seconds of a DECLINE or ACCEPT without filters. */
export const refuse_seconds_default = 5;
/** A refuse_seconds beyond this is taken as this (a year, as Mesos caps it). */
export const refuse_seconds_max = 365 * 24 * 3600;
/** Tasks one ACCEPT may launch. */
export const launches_per_accept_max = 1_000;

interface Subscription {
  conn: FrameworkConnection;
  heartbeat: NodeJS.Timeout;
}

interface Retry {
  framework_id: string;
  next_ms: number;
  backoff_ms: number;
}

export class FrameworkHost implements LeaderLoop {
  readonly name = "frameworks";
  private epoch: LeaderEpoch | undefined;
  private allocator: Allocator | undefined;
  private readonly subs = new Map<string, Subscription>();
  private readonly offers = new Map<string, { offer: HostOffer; made_ms: number }>();
  private readonly retries = new Map<string, Retry>();
  /** Internal task ids handed out per framework (ids never repeat). */
  private readonly task_seq = new Map<string, number>();
  /** Tasks the allocator counts, by node (synced from the task table). */
  private readonly counted = new Map<string, Set<string>>();
  private readonly touched = new Set<string>();
  private views: NodeViewCache;
  private last_views = new Map<string, NodeView>();
  private timer: NodeJS.Timeout | undefined;
  private removing = new Set<string>();
  /** Each framework's own task ids among its active tasks (kept per ACCEPT, not re-read from the table). */
  private readonly active_ids = new Map<string, Set<string>>();
  /** Frameworks kept from offers because their role is at its limit (see limitHeadroom). */
  private readonly limit_suppressed = new Set<string>();

  constructor(
    private readonly fsm: StateMachine,
    private readonly node: Proposer & { linearizableRead(): Promise<void> },
    private readonly plans: PlanSink,
    private readonly log: Logger,
    private readonly opts: FrameworkHostOptions = framework_host_defaults,
    private readonly seed = Date.now() % 2 ** 31,
  ) {
    this.views = new NodeViewCache(fsm);
    fsm.onChange((touched) => {
      for (const id of touched) this.touched.add(id);
    });
    fsm.onFrameworkUpdate((u) => this.onUpdate(u));
  }

  // ---- leadership

  start(epoch: LeaderEpoch): void {
    this.epoch = epoch;
    const a = new Allocator({ rng: new SeededRng(this.seed), offer_id_prefix: `${randomUUID()}-O`, offer_per_node: true });
    this.allocator = a;
    this.limit_suppressed.clear();
    this.active_ids.clear();
    this.views = new NodeViewCache(this.fsm);
    const views = this.views.current();
    this.last_views = new Map(views.map((v) => [v.node_id, v]));
    this.counted.clear();
    const tasks: AllocatedTask[] = [];
    for (const t of this.fsm.tasks.all()) {
      if (!holdsResources(t)) continue;
      tasks.push(this.allocated(t));
      this.count(t);
    }
    a.rebuild(views, tasks);
    this.touched.clear();
    const now = Date.now();
    for (const f of this.fsm.frameworks.all()) {
      this.task_seq.set(f.framework_id, f.tasks_made);
      // Streams lived on the previous leader: every framework must subscribe here again.
      // Unless it subscribed here meanwhile (then subscribed_at_ms differs and this changes nothing).
      if (f.connected) void this.propose({ type: CommandType.framework_disconnect, framework_id: f.framework_id, subscribed_at_ms: f.subscribed_at_ms }, "disconnect after failover");
      for (const t of this.fsm.tasks.ofService(f.framework_id)) {
        if ((t.framework?.pending.length ?? 0) > 0) this.retries.set(t.task_id, { framework_id: f.framework_id, next_ms: now, backoff_ms: this.opts.update_retry_ms_min });
      }
    }
    this.timer = setInterval(() => this.tick(), this.opts.allocation_interval_ms);
    this.log.info("frameworks hosted", { term: epoch.term, seed: this.seed, frameworks: this.fsm.frameworks.size });
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.epoch = undefined;
    this.allocator = undefined;
    this.offers.clear();
    this.retries.clear();
    // Streams belong to the leader: frameworks follow the redirect to the next one.
    for (const [, s] of this.subs) {
      clearInterval(s.heartbeat);
      s.conn.close({ type: "ERROR", message: "this server is no longer the leading master; subscribe again (the new leader answers on any server's /api/v1/scheduler)" });
    }
    this.subs.clear();
  }

  /** Connected frameworks here, for status pages. */
  connected(framework_id: string): boolean {
    return this.subs.has(framework_id);
  }

  // ---- calls

  async subscribe(req: SubscribeRequest, conn: FrameworkConnection): Promise<string> {
    this.requireEpoch();
    const framework_id = req.framework_id ?? `${randomUUID()}-0000`;
    if (this.fsm.frameworks.wasRemoved(framework_id) !== undefined) throw new HostError(403, "Framework has been removed");
    const r = await this.node.propose({
      type: CommandType.framework_put,
      framework_id,
      info: req.info,
      connect: true,
      ...(req.suppressed_roles !== undefined ? { suppressed_roles: req.suppressed_roles } : {}),
    });
    if (!r.ok) throw new HostError(refusal(r) === "Framework has been removed" ? 403 : 400, refusal(r));
    const a = this.requireEpoch();
    const old = this.subs.get(framework_id);
    if (old !== undefined) {
      clearInterval(old.heartbeat);
      old.conn.close({ type: "ERROR", message: "Framework failed over" });
    }
    const f = this.fsm.frameworks.get(framework_id)!;
    this.task_seq.set(framework_id, Math.max(this.task_seq.get(framework_id) ?? 0, f.tasks_made));
    this.register(a, f);
    const heartbeat = setInterval(() => conn.send({ type: "HEARTBEAT" }), this.opts.heartbeat_interval_ms);
    this.subs.set(framework_id, { conn, heartbeat });
    conn.send({ type: "SUBSCRIBED", framework_id, heartbeat_interval_seconds: this.opts.heartbeat_interval_ms / 1000 });
    conn.send({ type: "HEARTBEAT" });
    // Updates it has not acknowledged, in order per task.
    for (const t of this.fsm.tasks.ofService(framework_id)) this.resend(t, Date.now());
    this.log.info("framework subscribed", { framework_id, name: f.info.name, roles: f.info.roles.join(",") });
    this.allocate();
    return framework_id;
  }

  /** The framework's stream ended (client gone, or closed by us). */
  disconnected(framework_id: string, conn: FrameworkConnection): void {
    const s = this.subs.get(framework_id);
    if (s === undefined || s.conn !== conn) return;
    clearInterval(s.heartbeat);
    this.subs.delete(framework_id);
    if (this.allocator !== undefined) this.sendRescinds(this.allocator.removeFramework(framework_id));
    this.dropOffersOf(framework_id);
    void this.propose({ type: CommandType.framework_disconnect, framework_id }, "disconnect");
    this.log.info("framework disconnected", { framework_id });
  }

  async teardown(framework_id: string): Promise<void> {
    this.requireSubscribed(framework_id);
    await this.remove(framework_id, "the framework asked (TEARDOWN)");
  }

  /** An operator's teardown (orch frameworks teardown): connected or not. */
  async operatorTeardown(framework_id: string): Promise<void> {
    this.requireEpoch();
    if (this.fsm.frameworks.get(framework_id) === undefined) {
      throw new HostError(404, this.fsm.frameworks.wasRemoved(framework_id) !== undefined ? "Framework has been removed" : "Framework cannot be found");
    }
    await this.remove(framework_id, "an operator tore it down");
  }

  async update(framework_id: string, req: SubscribeRequest): Promise<void> {
    const a = this.requireSubscribed(framework_id);
    const r = await this.node.propose({ type: CommandType.framework_put, framework_id, info: req.info, connect: false, ...(req.suppressed_roles !== undefined ? { suppressed_roles: req.suppressed_roles } : {}) });
    if (!r.ok) throw new HostError(400, refusal(r));
    this.sendRescinds(a.removeFramework(framework_id));
    this.dropOffersOf(framework_id);
    this.register(a, this.fsm.frameworks.get(framework_id)!);
  }

  async accept(framework_id: string, offer_ids: readonly string[], launches: readonly LaunchRequest[], refuse_seconds = refuse_seconds_default): Promise<void> {
    const a = this.requireSubscribed(framework_id);
    const f = this.fsm.frameworks.get(framework_id)!;
    const sub = this.subs.get(framework_id)!;
    if (launches.length > launches_per_accept_max) throw new HostError(400, `an ACCEPT launches at most ${launches_per_accept_max} tasks (launches_per_accept_max)`);
    const problem = offersProblem(framework_id, offer_ids, (id) => this.offers.get(id)?.offer);
    const now = Date.now();
    const partition_aware = f.info.capabilities.includes("PARTITION_AWARE");
    const fail = (task_id: string, state: HostStatus["state"], reason: HostStatus["reason"], message: string): void =>
      sub.conn.send({ type: "UPDATE", status: { task_id, framework_id, state, reason, message, source: "SOURCE_MASTER", at_ms: now } });
    if (problem !== undefined) {
      // Every named offer that is still good goes back to the pool, as Mesos recovers them.
      for (const id of offer_ids) if (this.offers.get(id)?.offer.framework_id === framework_id) this.release(a, id);
      for (const l of launches) fail(l.task_id, partition_aware ? "DROPPED" : "LOST", "REASON_INVALID_OFFERS", `Task launched with invalid offers: ${problem}`);
      return;
    }
    const used = offer_ids.map((id) => this.offers.get(id)!.offer);
    const node_id = used[0]!.node_id;
    for (const id of offer_ids) this.release(a, id);
    const pool = new OfferPool(used);
    const active = this.activeIds(framework_id);
    const tasks: { task: NewTask; need: PendingTask }[] = [];
    for (const l of launches) {
      if ("error" in l) {
        fail(l.task_id, "ERROR", "REASON_TASK_INVALID", l.error);
        continue;
      }
      const host_ports = (l.spec.ports ?? []).map((p) => p.host_port).filter((p) => p !== 0);
      let why: string | undefined;
      if (l.node_id !== node_id) why = `Task uses invalid agent ${l.node_id} while agent ${node_id} is expected`;
      else if (active.has(l.task_id)) why = `task ${l.task_id} is already running (task ids must be unique among a framework's active tasks)`;
      else why = pool.take(l.resources, host_ports);
      if (why !== undefined) {
        fail(l.task_id, "ERROR", "REASON_TASK_INVALID", why);
        continue;
      }
      active.add(l.task_id);
      const seq = (this.task_seq.get(framework_id) ?? 0) + 1;
      this.task_seq.set(framework_id, seq);
      const task_id = `${framework_id}.${seq}`;
      const role = f.info.roles[0] ?? "*";
      const spec = { ...l.spec, task_id, labels: { ...l.spec.labels, framework: framework_id } };
      tasks.push({
        task: { task_id, service: framework_id, version: 0, node_id, spec, framework: { framework_id, task_id: l.task_id, name: l.name, role, labels: l.labels }, ...(l.grace_ms !== undefined ? { grace_ms: l.grace_ms } : {}) },
        need: { task_id, group: framework_id, role, resources: { cpus: l.resources.cpus, memory_bytes: l.resources.memory_bytes, disk_bytes: l.resources.disk_bytes }, host_ports, constraints: [] },
      });
    }
    // Held by the allocator at once, so the next round cannot offer the same room to another framework.
    for (const t of tasks) this.sendRescinds(a.taskAdded(this.allocatedOf(t.task, t.need)));
    this.filter(framework_id, [node_id], refuse_seconds, now);
    if (tasks.length === 0) return;
    const outcome = await this.plans.submit({ source: `framework ${framework_id}`, tasks, stops: [], services: [] }).catch((err: unknown) => {
      for (const t of tasks) {
        this.allocator?.taskRemoved(t.task.task_id);
        active.delete(t.task.framework!.task_id);
      }
      throw err;
    });
    const by_id = new Map(tasks.map((t) => [t.task.task_id, t]));
    for (const d of outcome.dropped) {
      const t = by_id.get(d.task_id);
      if (t === undefined) continue;
      this.allocator?.taskRemoved(d.task_id);
      active.delete(t.task.framework!.task_id);
      fail(t.task.framework!.task_id, partition_aware ? "DROPPED" : "LOST", "REASON_INVALID_OFFERS", `the offered resources were taken meanwhile: ${d.reason}; launch it on a new offer`);
    }
  }

  decline(framework_id: string, offer_ids: readonly string[], refuse_seconds = refuse_seconds_default): void {
    const a = this.requireSubscribed(framework_id);
    const nodes: string[] = [];
    for (const id of offer_ids) {
      const o = this.offers.get(id);
      if (o === undefined || o.offer.framework_id !== framework_id) continue;
      nodes.push(o.offer.node_id);
      this.release(a, id);
    }
    this.filter(framework_id, nodes, refuse_seconds, Date.now());
  }

  async revive(framework_id: string, roles: readonly string[]): Promise<void> {
    const a = this.requireSubscribed(framework_id);
    await this.proposeOk({ type: CommandType.framework_suppress, framework_id, roles: [...roles], suppress: false });
    a.revive(framework_id);
    this.allocate();
  }

  async suppress(framework_id: string, roles: readonly string[]): Promise<void> {
    const a = this.requireSubscribed(framework_id);
    await this.proposeOk({ type: CommandType.framework_suppress, framework_id, roles: [...roles], suppress: true });
    const f = this.fsm.frameworks.get(framework_id)!;
    if (f.info.roles.every((r) => f.suppressed_roles.includes(r))) {
      a.suppress(framework_id);
      // Outstanding offers stay valid (Mesos keeps them); only new rounds skip it.
    }
  }

  async kill(framework_id: string, task_id: string, grace_ms?: number): Promise<void> {
    this.requireSubscribed(framework_id);
    const t = this.frameworkTask(framework_id, task_id);
    if (t === undefined) {
      const f = this.fsm.frameworks.get(framework_id)!;
      this.subs.get(framework_id)?.conn.send({
        type: "UPDATE",
        status: { task_id, framework_id, state: f.info.capabilities.includes("PARTITION_AWARE") ? "UNKNOWN" : "LOST", reason: "REASON_RECONCILIATION", message: `task ${task_id} is unknown to the master`, source: "SOURCE_MASTER", at_ms: Date.now() },
      });
      return;
    }
    await this.proposeOk({ type: CommandType.task_kill, task_id: t.task_id, message: "killed by its framework", ...(grace_ms !== undefined ? { grace_ms } : {}) });
  }

  async acknowledge(framework_id: string, task_id: string, uuid: string): Promise<void> {
    this.requireSubscribed(framework_id);
    const t = this.frameworkTask(framework_id, task_id, true);
    if (t === undefined) throw new HostError(400, `no task ${task_id} of this framework has an update to acknowledge`);
    await this.proposeOk({ type: CommandType.framework_ack, framework_id, task_id: t.task_id, uuid });
    if ((t.framework?.pending.length ?? 0) === 0) this.retries.delete(t.task_id);
    else this.resend(t, Date.now());
  }

  /** Answers from linearizable state: every task asked for, or all of the framework's when none is named. */
  async reconcile(framework_id: string, asked: readonly { task_id: string }[]): Promise<void> {
    this.requireSubscribed(framework_id);
    await this.node.linearizableRead();
    const sub = this.subs.get(framework_id);
    const f = this.fsm.frameworks.get(framework_id);
    if (sub === undefined || f === undefined) return;
    const now = Date.now();
    const answer = (t: TaskRecord): HostStatus => ({
      task_id: t.framework!.task_id,
      framework_id,
      state: t.state,
      reason: t.reason,
      message: t.message,
      source: "SOURCE_MASTER",
      node_id: t.node_id,
      at_ms: t.updated_at_ms,
      ...(t.container_id !== undefined ? { container_id: t.container_id } : {}),
      reconciliation: true,
    });
    if (asked.length === 0) {
      for (const t of this.fsm.tasks.ofService(framework_id)) if (t.framework !== undefined && !isTerminalState(t.state)) sub.conn.send({ type: "UPDATE", status: answer(t) });
      return;
    }
    for (const q of asked) {
      const t = this.frameworkTask(framework_id, q.task_id, true);
      sub.conn.send({
        type: "UPDATE",
        status: t !== undefined ? answer(t) : { task_id: q.task_id, framework_id, state: f.info.capabilities.includes("PARTITION_AWARE") ? "UNKNOWN" : "LOST", reason: "REASON_RECONCILIATION", message: "Reconciliation: Task is unknown", source: "SOURCE_MASTER", at_ms: now, reconciliation: true },
      });
    }
  }

  // ---- the loop

  private tick(): void {
    const a = this.allocator;
    if (a === undefined || this.epoch === undefined) return;
    const now = Date.now();
    this.expire(a, now);
    // With nobody subscribed there is nothing to offer or resend: the allocator catches up with
    // the tables when a framework subscribes (allocate syncs first). A cluster without external
    // frameworks pays nothing each second (the sync reads every changed node's view).
    if (this.subs.size === 0) return;
    this.allocate();
    for (const [task_id, r] of this.retries) {
      if (r.next_ms > now) continue;
      const t = this.fsm.tasks.get(task_id);
      if (t === undefined || (t.framework?.pending.length ?? 0) === 0) {
        this.retries.delete(task_id);
        continue;
      }
      if (!this.subs.has(r.framework_id)) continue;
      this.resend(t, now, r);
    }
  }

  /** Brings the allocator up to the task and node tables for the nodes changed since the last tick. */
  private sync(a: Allocator): void {
    if (this.touched.size === 0 && this.fsm.nodes.all().length === this.last_views.size) return;
    const touched = new Set(this.touched);
    this.touched.clear();
    const views = this.views.current();
    const seen = new Set<string>();
    for (const v of views) {
      seen.add(v.node_id);
      const before = this.last_views.get(v.node_id);
      if (before === v && !touched.has(v.node_id)) continue;
      this.last_views.set(v.node_id, v);
      if (before?.ready === true && !v.ready) for (const id of this.subs.keys()) this.subs.get(id)?.conn.send({ type: "FAILURE", node_id: v.node_id });
      this.sendRescinds(a.upsertNode(v));
      const now_tasks = new Set<string>();
      for (const t of this.fsm.tasks.onNode(v.node_id)) {
        if (!holdsResources(t)) continue;
        now_tasks.add(t.task_id);
        this.sendRescinds(a.taskAdded(this.allocated(t)));
      }
      for (const id of this.counted.get(v.node_id) ?? []) if (!now_tasks.has(id)) a.taskRemoved(id);
      this.counted.set(v.node_id, now_tasks);
    }
    for (const id of [...this.last_views.keys()]) {
      if (seen.has(id)) continue;
      this.last_views.delete(id);
      this.sendRescinds(a.removeNode(id));
      for (const t of this.counted.get(id) ?? []) a.taskRemoved(t);
      this.counted.delete(id);
    }
  }

  /** Filters that ran out, offers past offer_timeout_ms, frameworks past their failover_timeout. */
  private expire(a: Allocator, now: number): void {
    for (const f of this.fsm.frameworks.all()) {
      for (const x of f.filters) if (x.until_ms <= now) a.undecline(f.framework_id, x.node_id);
      if (!f.connected && f.disconnected_at_ms > 0 && now - f.disconnected_at_ms >= f.info.failover_timeout_s * 1000 && !this.removing.has(f.framework_id)) {
        void this.remove(f.framework_id, `its failover_timeout (${f.info.failover_timeout_s} s) passed without it subscribing again`).catch(() => undefined);
      }
    }
    if (this.opts.offer_timeout_ms > 0) {
      for (const [id, o] of this.offers) if (now - o.made_ms >= this.opts.offer_timeout_ms) this.sendRescinds([a.rescind(id)].filter((r): r is Rescinded => r !== undefined));
    }
  }

  /** One offer round for the connected frameworks. */
  private allocate(): void {
    const a = this.allocator;
    if (a === undefined || this.subs.size === 0) return;
    this.sync(a);
    const headroom = this.limitHeadroom(a);
    const by = new Map<string, HostOffer[]>();
    const now = Date.now();
    for (const o of a.makeOffers()) {
      const v = o.nodes[0];
      if (v === undefined) continue;
      const rec = this.fsm.nodes.get(v.node_id);
      const ports = freeRanges(offered_ports_default, v.ports_used);
      const offer: HostOffer = {
        offer_id: o.offer_id,
        framework_id: o.framework_id,
        role: o.role,
        node_id: v.node_id,
        hostname: v.attributes["hostname"] ?? v.name,
        agent_addr: rec?.http_addr ?? "",
        attributes: v.attributes,
        resources: { cpus: Math.round((v.total.cpus - v.used.cpus) * 1000) / 1000, memory_bytes: v.total.memory_bytes - v.used.memory_bytes, disk_bytes: v.total.disk_bytes - v.used.disk_bytes, ports },
      };
      // A role under a limit is offered no more than its headroom (what its offers already show counts).
      const room = headroom.get(o.role);
      if (room !== undefined) {
        const r = offer.resources;
        r.cpus = Math.max(0, Math.min(r.cpus, Math.floor(room.cpus * 1000) / 1000));
        r.memory_bytes = Math.max(0, Math.min(r.memory_bytes, room.memory_bytes));
        r.disk_bytes = Math.max(0, Math.min(r.disk_bytes, room.disk_bytes));
        room.cpus -= r.cpus;
        room.memory_bytes -= r.memory_bytes;
        room.disk_bytes -= r.disk_bytes;
        if (r.cpus < 0.01 && r.memory_bytes < 32 * 1024 * 1024) {
          a.rescind(o.offer_id);
          continue;
        }
      }
      this.offers.set(o.offer_id, { offer, made_ms: now });
      const list = by.get(o.framework_id) ?? [];
      list.push(offer);
      by.set(o.framework_id, list);
    }
    for (const [framework_id, offers] of by) this.subs.get(framework_id)?.conn.send({ type: "OFFERS", offers });
  }

  /**
   * For each role with a limit (quota) that a subscribed framework has: what it may still be
   * offered (limit − what its tasks hold − what its outstanding offers show). A framework whose
   * role has no headroom left takes no offers until it has (Mesos's allocator does the same).
   */
  private limitHeadroom(a: Allocator): Map<string, { cpus: number; memory_bytes: number; disk_bytes: number }> {
    const room = new Map<string, { cpus: number; memory_bytes: number; disk_bytes: number }>();
    const limited = new Set<string>();
    for (const id of this.subs.keys()) {
      const role = this.fsm.frameworks.get(id)?.info.roles[0] ?? "*";
      if (Object.keys(this.fsm.roles.get(role)?.limit ?? {}).length > 0) limited.add(role);
    }
    if (limited.size === 0 && this.limit_suppressed.size === 0) return room;
    const held = heldBy(this.fsm, limited);
    for (const role of limited) {
      const limit = this.fsm.roles.get(role)!.limit;
      const h = held.get(role)!;
      room.set(role, {
        cpus: limit.cpus === undefined ? Infinity : limit.cpus - h.cpus / 1000,
        memory_bytes: limit.memory_bytes === undefined ? Infinity : limit.memory_bytes - h.memory_bytes,
        disk_bytes: limit.disk_bytes === undefined ? Infinity : limit.disk_bytes - h.disk_bytes,
      });
    }
    for (const { offer } of this.offers.values()) {
      const r = room.get(offer.role);
      if (r === undefined) continue;
      r.cpus -= offer.resources.cpus;
      r.memory_bytes -= offer.resources.memory_bytes;
      r.disk_bytes -= offer.resources.disk_bytes;
    }
    for (const id of this.subs.keys()) {
      const f = this.fsm.frameworks.get(id);
      const r = room.get(f?.info.roles[0] ?? "*");
      const full = r !== undefined && (r.cpus < 0.01 || r.memory_bytes < 32 * 1024 * 1024 || r.disk_bytes < 0);
      if (full) {
        a.suppress(id);
        this.limit_suppressed.add(id);
      } else if (!full && this.limit_suppressed.has(id)) {
        this.limit_suppressed.delete(id);
        // Unless it suppressed every role itself.
        if (f === undefined || !f.info.roles.every((x) => f.suppressed_roles.includes(x))) a.unsuppress(id);
      }
    }
    return room;
  }

  // ---- helpers

  private requireEpoch(): Allocator {
    if (this.epoch === undefined || this.allocator === undefined) throw new HostError(503, "this server is not the established leader yet; retry in a moment");
    return this.allocator;
  }

  private requireSubscribed(framework_id: string): Allocator {
    const a = this.requireEpoch();
    if (this.fsm.frameworks.get(framework_id) === undefined) {
      throw new HostError(this.fsm.frameworks.wasRemoved(framework_id) !== undefined ? 403 : 400, this.fsm.frameworks.wasRemoved(framework_id) !== undefined ? "Framework has been removed" : "Framework cannot be found");
    }
    if (!this.subs.has(framework_id)) throw new HostError(403, "Framework is not subscribed");
    return a;
  }

  private register(a: Allocator, f: FrameworkRecord): void {
    this.sendRescinds(a.removeFramework(f.framework_id));
    const role = f.info.roles[0] ?? "*";
    // The allocator keeps one weight per role while frameworks of it are registered: a weight
    // changed by `orch roles set` applies once they all re-register (or at the next leader).
    const held = a.shares().find((r) => r.role === role && this.subs.size > 0 && [...this.subs.keys()].some((id) => id !== f.framework_id && this.fsm.frameworks.get(id)?.info.roles[0] === role));
    a.addFramework({ framework_id: f.framework_id, role, weight: held?.weight ?? this.fsm.roles.get(role)?.weight ?? role_weight_default });
    if (f.info.roles.length > 0 && f.info.roles.every((r) => f.suppressed_roles.includes(r))) a.suppress(f.framework_id);
    const now = Date.now();
    for (const x of f.filters) if (x.until_ms > now) a.declineNode(f.framework_id, x.node_id);
  }

  /** The framework's active task ids, built from the task table the first time it is asked for. */
  private activeIds(framework_id: string): Set<string> {
    let ids = this.active_ids.get(framework_id);
    if (ids === undefined) {
      ids = new Set<string>();
      for (const t of this.fsm.tasks.ofService(framework_id)) if (t.framework !== undefined && !isTerminalState(t.state)) ids.add(t.framework.task_id);
      this.active_ids.set(framework_id, ids);
    }
    return ids;
  }

  private async remove(framework_id: string, reason: string): Promise<void> {
    this.removing.add(framework_id);
    try {
      await this.proposeOk({ type: CommandType.framework_remove, framework_id, reason });
      const s = this.subs.get(framework_id);
      if (s !== undefined) {
        clearInterval(s.heartbeat);
        this.subs.delete(framework_id);
        s.conn.close({ type: "ERROR", message: "Framework has been removed" });
      }
      if (this.allocator !== undefined) this.sendRescinds(this.allocator.removeFramework(framework_id));
      this.dropOffersOf(framework_id);
      this.active_ids.delete(framework_id);
      this.log.info("framework removed", { framework_id, reason });
    } finally {
      this.removing.delete(framework_id);
    }
  }

  /** Nodes not offered to the framework for refuse_seconds (0: offered again at the next round). */
  private filter(framework_id: string, node_ids: readonly string[], refuse_seconds: number, now: number): void {
    if (node_ids.length === 0 || this.allocator === undefined) return;
    const s = Math.min(Math.max(0, refuse_seconds), refuse_seconds_max);
    if (s === 0) {
      for (const n of node_ids) this.allocator.undecline(framework_id, n);
      return;
    }
    for (const n of node_ids) this.allocator.declineNode(framework_id, n);
    void this.propose({ type: CommandType.framework_decline, framework_id, filters: node_ids.map((node_id) => ({ node_id, until_ms: now + s * 1000 })) }, "decline filter");
  }

  /** An offer leaves: its resources go back to the pool (as declined for the filter step to decide). */
  private release(a: Allocator, offer_id: string): void {
    this.offers.delete(offer_id);
    a.decline(offer_id);
  }

  private dropOffersOf(framework_id: string): void {
    for (const [id, o] of this.offers) if (o.offer.framework_id === framework_id) this.offers.delete(id);
  }

  private sendRescinds(list: readonly Rescinded[]): void {
    for (const r of list) {
      if (!this.offers.delete(r.offer_id)) continue;
      this.subs.get(r.framework_id)?.conn.send({ type: "RESCIND", offer_id: r.offer_id });
    }
  }

  private onUpdate(u: FrameworkUpdate): void {
    if (this.epoch === undefined) return;
    if (isTerminalState(u.task.state) && u.task.framework !== undefined) this.active_ids.get(u.framework_id)?.delete(u.task.framework.task_id);
    const sub = this.subs.get(u.framework_id);
    if (u.update.uuid !== undefined && !this.retries.has(u.task.task_id)) {
      this.retries.set(u.task.task_id, { framework_id: u.framework_id, next_ms: Date.now() + this.opts.update_retry_ms_min, backoff_ms: this.opts.update_retry_ms_min });
    }
    if (sub === undefined) return;
    // In order per task: with older updates still unacknowledged, the new one waits its turn.
    const pending = u.task.framework?.pending ?? [];
    if (u.update.uuid !== undefined && pending[0]?.uuid !== u.update.uuid) return;
    sub.conn.send({ type: "UPDATE", status: this.statusOf(u.task, u.update) });
  }

  /** Sends the oldest unacknowledged update of the task (the next goes after its ACKNOWLEDGE). */
  private resend(t: TaskRecord, now: number, r?: Retry): void {
    const fw = t.framework;
    const first = fw?.pending[0];
    if (fw === undefined || first === undefined) return;
    const sub = this.subs.get(fw.framework_id);
    const backoff = r === undefined ? this.opts.update_retry_ms_min : Math.min(r.backoff_ms * 2, this.opts.update_retry_ms_max);
    this.retries.set(t.task_id, { framework_id: fw.framework_id, next_ms: now + backoff, backoff_ms: backoff });
    sub?.conn.send({ type: "UPDATE", status: this.statusOf(t, { ...first, source: "SOURCE_AGENT" }) });
  }

  private statusOf(t: TaskRecord, u: FrameworkUpdate["update"] | (TaskRecord["history"][number] & { uuid: string; source: "SOURCE_AGENT" })): HostStatus {
    return {
      task_id: t.framework!.task_id,
      framework_id: t.framework!.framework_id,
      state: u.state,
      reason: u.reason,
      message: u.message,
      source: u.source,
      node_id: t.node_id,
      at_ms: u.at_ms,
      ...(u.uuid !== undefined ? { uuid: u.uuid } : {}),
      ...(t.container_id !== undefined ? { container_id: t.container_id } : {}),
    };
  }

  /** The framework's task by its own id; with `any`, ended ones too (latest first). */
  private frameworkTask(framework_id: string, task_id: string, any = false): TaskRecord | undefined {
    const matches = this.fsm.tasks.ofService(framework_id).filter((t) => t.framework?.task_id === task_id && (any || !isTerminalState(t.state)));
    return matches[matches.length - 1];
  }

  private allocated(t: TaskRecord): AllocatedTask {
    const role = t.framework?.role ?? this.fsm.services.get(t.service)?.spec.role ?? "*";
    return {
      task_id: t.task_id,
      node_id: t.node_id,
      role,
      ...(t.framework !== undefined ? { framework_id: t.framework.framework_id } : {}),
      group: t.service,
      resources: { cpus: t.spec.cpus, memory_bytes: t.spec.memory_bytes, disk_bytes: this.fsm.services.get(t.service)?.spec.disk_bytes ?? 0 },
      host_ports: (t.spec.ports ?? []).map((p) => p.host_port).filter((p) => p !== 0),
    };
  }

  private allocatedOf(task: NewTask, need: PendingTask): AllocatedTask {
    return { task_id: task.task_id, node_id: task.node_id, role: need.role, framework_id: task.framework!.framework_id, group: need.group, resources: need.resources, host_ports: need.host_ports };
  }

  private count(t: TaskRecord): void {
    const set = this.counted.get(t.node_id) ?? new Set<string>();
    set.add(t.task_id);
    this.counted.set(t.node_id, set);
  }

  private async proposeOk(cmd: Parameters<Proposer["propose"]>[0]): Promise<void> {
    const r = await this.node.propose(cmd);
    if (!r.ok) throw new HostError(r.code === "unknown" ? 400 : 409, refusal(r));
  }

  private async propose(cmd: Parameters<Proposer["propose"]>[0], what: string): Promise<void> {
    try {
      await this.proposeOk(cmd);
    } catch (err) {
      this.log.debug(`${what} not committed`, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}

/** The message of a refused command. */
function refusal(r: ApplyResult & { ok: false }): string {
  return "message" in r ? r.message : r.code;
}

export type { HostEvent };
