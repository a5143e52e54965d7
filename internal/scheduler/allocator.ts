// The DRF allocator: per-node total/used/offered resources, and offers in Dominant Resource
// Fairness order. Pure and synchronous (no clock, no I/O); the Raft leader owns one instance.
//
//   const a = new Allocator({ rng: new SeededRng(seed), offer_id_prefix: `t${term}-` });
//   a.rebuild(nodes, tasks)                 a new leader: nodes and tasks from the replicated tables
//   a.addFramework({ framework_id, role, weight }); a.removeFramework(id) → Rescinded[]
//   a.suppress(id); a.revive(id)            a framework with nothing to launch takes no offers
//   a.upsertNode(view); a.removeNode(id)    → Rescinded[]   (node joined, changed, went down, left)
//   a.taskAdded(task) → Rescinded[]; a.taskRemoved(id)   follow the task table (idempotent);
//                                           also undo an accept whose plan failed to commit
//   a.makeOffers() → Offer[]                each free node goes to the framework whose role has
//                                           the lowest weighted dominant share (offers count)
//   a.accept(offer_id, plan) → PlanCheck    entries re-checked against the offer; accepted ones
//                                           become tasks; whatever the plan left returns to the pool
//   a.decline(offer_id); a.rescind(offer_id) → Rescinded | undefined
//                                           a declined node (or one an accept left unused) is not
//                                           offered to that framework again until the node's free
//                                           resources change or the framework calls revive()
//   a.shares() → RoleShare[]; a.roleUsage() (for orderByDrf); a.clusterTotal()
//
// Invariants: a resource is in at most one outstanding offer, and used + offered <= total on
// every node; when a task or a node change breaks the second, that node's offers are rescinded.
// NodeView.used and .groups are not read: the task list is the truth (no double counting).
import type { AllocatedTask, AllocatorOptions, FrameworkInfo, Offer, Rescinded, RoleShare } from "./allocator-types.js";
import { checkPlan } from "./check-plan.js";
import { dominantShare, type RoleUsage } from "./drf.js";
import { bump, checkName, freeOf, offerable, offerView, shuffle, sum, type NodeRecord } from "./allocator-node.js";
import { allocator_tasks_max, frameworks_max, weight_max } from "./limits.js";
import { addInto, fitsIn, resourcesProblem, subInto, toAmount, toResources, zeroAmount, type Amount } from "./resources.js";
import type { NodeView, PlanCheck, PlanEntry, Resources, Rng, StaleEntry } from "./types.js";

interface RoleRecord {
  weight: number;
  allocated: Amount;
  offered: Amount;
  frameworks: Set<string>;
}

interface FrameworkRecord {
  info: FrameworkInfo;
  suppressed: boolean;
  allocated: Amount;
  offered: Amount;
}

interface OfferRecord {
  offer: Offer;
  amounts: Map<string, Amount>;
}

interface TaskRecord {
  task: AllocatedTask;
  need: Amount;
}

export class Allocator {
  private readonly rng: Rng;
  private readonly prefix: string;
  private readonly per_node: boolean;
  private next_offer = 0;
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly roles = new Map<string, RoleRecord>();
  private readonly frameworks = new Map<string, FrameworkRecord>();
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly tasks_by_node = new Map<string, Set<string>>();
  private readonly offers = new Map<string, OfferRecord>();

  constructor(options: AllocatorOptions) {
    this.rng = options.rng;
    this.prefix = options.offer_id_prefix ?? "o";
    this.per_node = options.offer_per_node ?? false;
  }

  /** Replaces nodes and tasks wholesale, as a new leader must; frameworks stay registered. */
  rebuild(nodes: readonly NodeView[], tasks: readonly AllocatedTask[]): Rescinded[] {
    const rescinded = [...this.offers.keys()].map((id) => this.drop(id)!);
    this.nodes.clear();
    this.tasks.clear();
    this.tasks_by_node.clear();
    for (const [name, role] of this.roles) {
      if (role.frameworks.size === 0) this.roles.delete(name);
      role.allocated = zeroAmount();
    }
    for (const f of this.frameworks.values()) f.allocated = zeroAmount();
    for (const n of nodes) this.upsertNode(n);
    for (const t of tasks) this.taskAdded(t);
    return rescinded;
  }

  addFramework(info: FrameworkInfo): void {
    checkName(info.framework_id, "framework_id");
    checkName(info.role, "role");
    if (typeof info.weight !== "number" || !(info.weight > 0) || info.weight > weight_max) {
      throw new RangeError(`allocator: framework ${info.framework_id}: weight must be a number in (0, ${weight_max}] (got ${info.weight})`);
    }
    const known = this.frameworks.get(info.framework_id);
    if (known !== undefined) {
      if (known.info.role !== info.role || known.info.weight !== info.weight) {
        throw new Error(`allocator: framework ${info.framework_id} is registered with role ${known.info.role} and weight ${known.info.weight}; remove it before registering it differently`);
      }
      return;
    }
    if (this.frameworks.size >= frameworks_max) throw new RangeError(`allocator: ${frameworks_max} frameworks are registered (frameworks_max); remove one first`);
    const role = this.role(info.role);
    if (role.frameworks.size > 0 && role.weight !== info.weight) {
      throw new Error(`allocator: role ${info.role} has weight ${role.weight} (frameworks of one role share one weight); register with weight ${role.weight}`);
    }
    role.weight = info.weight;
    role.frameworks.add(info.framework_id);
    // A framework registering again after a leader change finds its running tasks.
    const allocated = zeroAmount();
    for (const t of this.tasks.values()) if (t.task.framework_id === info.framework_id) addInto(allocated, t.need);
    this.frameworks.set(info.framework_id, { info, suppressed: false, allocated, offered: zeroAmount() });
  }

  /** Its offers are rescinded; its tasks keep counting against its role until removed. */
  removeFramework(framework_id: string): Rescinded[] {
    const f = this.frameworks.get(framework_id);
    if (f === undefined) return [];
    const rescinded = this.offersWhere((o) => o.offer.framework_id === framework_id);
    this.roles.get(f.info.role)?.frameworks.delete(framework_id);
    this.frameworks.delete(framework_id);
    return rescinded;
  }

  suppress(framework_id: string): void {
    this.framework(framework_id).suppressed = true;
  }

  /** Takes offers again, keeping what it declined (a revive without clearing the declines). */
  unsuppress(framework_id: string): void {
    this.framework(framework_id).suppressed = false;
  }

  /** Takes offers again, including nodes it declined: call it when new work arrives. */
  revive(framework_id: string): void {
    this.framework(framework_id).suppressed = false;
    for (const n of this.nodes.values()) n.declined_by.delete(framework_id);
  }

  upsertNode(view: NodeView): Rescinded[] {
    checkName(view.node_id, "node_id");
    const problem = resourcesProblem(view.total, `node ${view.node_id} total`);
    if (problem !== undefined) throw new Error(`allocator: ${problem}`);
    let n = this.nodes.get(view.node_id);
    if (n === undefined) {
      n = { view, total: toAmount(view.total), used: zeroAmount(), offered: zeroAmount(), task_ports: new Map(), groups: new Map(), offers: new Set(), declined_by: new Set() };
      this.nodes.set(view.node_id, n);
      for (const id of this.tasks_by_node.get(view.node_id) ?? []) this.charge(n, this.tasks.get(id)!, +1);
    } else {
      n.view = view;
      n.total = toAmount(view.total);
      n.declined_by.clear();
    }
    return this.recheckNode(n);
  }

  /** Its offers are rescinded; tasks on it keep counting until the task table removes them. */
  removeNode(node_id: string): Rescinded[] {
    const n = this.nodes.get(node_id);
    if (n === undefined) return [];
    const rescinded = this.offersWhere((o) => n.offers.has(o.offer.offer_id));
    this.nodes.delete(node_id);
    return rescinded;
  }

  /** Records a task (idempotent by task_id). Over-committing a node rescinds the offers on it. */
  taskAdded(task: AllocatedTask): Rescinded[] {
    const known = this.tasks.get(task.task_id);
    if (known !== undefined) {
      if (known.task.node_id !== task.node_id) {
        throw new Error(`allocator: task ${task.task_id} is on node ${known.task.node_id}, not ${task.node_id}; remove it before moving it`);
      }
      return [];
    }
    for (const k of ["task_id", "node_id", "role", "group"] as const) checkName(task[k], k);
    const problem = resourcesProblem(task.resources, `task ${task.task_id} resources`);
    if (problem !== undefined) throw new Error(`allocator: ${problem}`);
    if (this.tasks.size >= allocator_tasks_max) throw new RangeError(`allocator: ${allocator_tasks_max} tasks tracked (allocator_tasks_max)`);
    const record = { task, need: toAmount(task.resources) };
    this.tasks.set(task.task_id, record);
    let on_node = this.tasks_by_node.get(task.node_id);
    if (on_node === undefined) this.tasks_by_node.set(task.node_id, (on_node = new Set()));
    on_node.add(task.task_id);
    addInto(this.role(task.role).allocated, record.need);
    const f = task.framework_id === undefined ? undefined : this.frameworks.get(task.framework_id);
    if (f !== undefined) addInto(f.allocated, record.need);
    const n = this.nodes.get(task.node_id);
    if (n === undefined) return [];
    this.charge(n, record, +1);
    return this.recheckNode(n);
  }

  taskRemoved(task_id: string): void {
    const record = this.tasks.get(task_id);
    if (record === undefined) return;
    const { task, need } = record;
    this.tasks.delete(task_id);
    this.tasks_by_node.get(task.node_id)?.delete(task_id);
    const role = this.roles.get(task.role);
    if (role !== undefined) subInto(role.allocated, need);
    const f = task.framework_id === undefined ? undefined : this.frameworks.get(task.framework_id);
    if (f !== undefined) subInto(f.allocated, need);
    const n = this.nodes.get(task.node_id);
    if (n !== undefined) this.charge(n, record, -1);
  }

  /**
   * One round: every ready node with something free (at least offer_cpus_min cpus or
   * offer_memory_bytes_min memory) goes, in seeded random order, to the unsuppressed framework
   * whose role has the lowest weighted dominant share, counting what this round already offered,
   * among those that have not declined the node since it last changed. At most one offer per
   * framework per round.
   */
  makeOffers(): Offer[] {
    const eligible = [...this.frameworks.values()].filter((f) => !f.suppressed);
    if (eligible.length === 0) return [];
    const total = this.totalAmount();
    const free_nodes = [...this.nodes.values()].filter((n) => n.view.ready && offerable(n)).sort((a, b) => (a.view.node_id < b.view.node_id ? -1 : 1));
    shuffle(free_nodes, this.rng);
    const built = new Map<string, OfferRecord>();
    for (const n of free_nodes) {
      const f = this.lowest(eligible, total, n.declined_by);
      if (f === undefined) continue;
      const amount = freeOf(n);
      const key = this.per_node ? n.view.node_id : f.info.framework_id;
      let rec = built.get(key);
      if (rec === undefined) {
        const offer_id = `${this.prefix}${++this.next_offer}`;
        rec = { offer: { offer_id, framework_id: f.info.framework_id, role: f.info.role, nodes: [] }, amounts: new Map() };
        built.set(key, rec);
        this.offers.set(offer_id, rec);
      }
      rec.amounts.set(n.view.node_id, amount);
      (rec.offer.nodes as NodeView[]).push(offerView(n, amount));
      n.offers.add(rec.offer.offer_id);
      addInto(n.offered, amount);
      addInto(f.offered, amount);
      addInto(this.roles.get(f.info.role)!.offered, amount);
    }
    return [...built.values()].map((r) => r.offer);
  }

  /**
   * Launches part of an offer: each entry is checked against the offered resources (checkPlan);
   * accepted entries become tasks of the framework; the rest of the offer returns to the pool.
   * An offer that is gone (declined, rescinded, used) makes every entry stale.
   */
  accept(offer_id: string, plan: readonly PlanEntry[]): PlanCheck {
    const rec = this.offers.get(offer_id);
    if (rec === undefined) {
      const reason = `offer ${offer_id} is no longer valid (declined, rescinded or already used); wait for the next offer`;
      return { accepted: [], stale: plan.map((e) => ({ task_id: e.task.task_id, node_id: e.node_id, reason })) };
    }
    // Views rebuilt from the live nodes, limited to the offered amounts: tasks added since the
    // offer was made may hold ports or groups that the offer's own views do not show.
    const views: NodeView[] = [];
    for (const [node_id, amount] of rec.amounts) {
      const n = this.nodes.get(node_id);
      if (n !== undefined) views.push(offerView(n, amount));
    }
    this.drop(offer_id);
    const { framework_id, role } = rec.offer;
    const stale: StaleEntry[] = [];
    const candidates: PlanEntry[] = [];
    for (const e of plan) {
      let reason: string | undefined;
      if (!rec.amounts.has(e.node_id)) reason = `node ${e.node_id} is not in offer ${offer_id}; place only on offered nodes`;
      else if (e.task.role !== role) reason = `task role ${e.task.role} differs from framework ${framework_id}'s role ${role}`;
      else if (this.tasks.has(e.task.task_id)) reason = `task ${e.task.task_id} already holds resources; use a new task_id`;
      if (reason === undefined) candidates.push(e);
      else stale.push({ task_id: e.task.task_id, node_id: e.node_id, reason });
    }
    const checked = checkPlan(views, candidates);
    const used_nodes = new Set(checked.accepted.map((e) => e.node_id));
    for (const node_id of rec.amounts.keys()) if (!used_nodes.has(node_id)) this.nodes.get(node_id)?.declined_by.add(framework_id);
    for (const e of checked.accepted) {
      const t = e.task;
      this.taskAdded({ task_id: t.task_id, node_id: e.node_id, role, framework_id, group: t.group, resources: t.resources, host_ports: t.host_ports });
    }
    return { accepted: checked.accepted, stale: [...stale, ...checked.stale] };
  }

  /** A decline filter ran out: the node may be offered to the framework again. */
  undecline(framework_id: string, node_id: string): void {
    this.nodes.get(node_id)?.declined_by.delete(framework_id);
  }

  /** Marks a node declined by a framework (a filter restored from the replicated tables). */
  declineNode(framework_id: string, node_id: string): void {
    this.nodes.get(node_id)?.declined_by.add(framework_id);
  }

  /** Outstanding offers, oldest first. */
  outstanding(): Offer[] {
    return [...this.offers.values()].map((r) => r.offer);
  }

  /** Returns the offer; its nodes are not offered to this framework again until they change or it revives. */
  decline(offer_id: string): Rescinded | undefined {
    const rec = this.offers.get(offer_id);
    if (rec === undefined) return undefined;
    for (const node_id of rec.amounts.keys()) this.nodes.get(node_id)?.declined_by.add(rec.offer.framework_id);
    return this.drop(offer_id);
  }

  rescind(offer_id: string): Rescinded | undefined {
    return this.drop(offer_id);
  }

  /** Sum of the totals of every known node (ready or not), the denominator of every share. */
  clusterTotal(): Resources {
    return toResources(this.totalAmount());
  }

  shares(): RoleShare[] {
    const total = this.totalAmount();
    return [...this.roles.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([role, r]) => ({
        role,
        weight: r.weight,
        allocated: toResources(r.allocated),
        offered: toResources(r.offered),
        dominant_share: dominantShare(r.allocated, total),
        weighted_share: roleShare(r, total),
      }));
  }

  /** Per role, its weight and what its tasks hold: the input orderByDrf() takes. */
  roleUsage(): Map<string, RoleUsage> {
    return new Map([...this.roles].map(([role, r]) => [role, { weight: r.weight, allocated: toResources(r.allocated) }]));
  }

  private framework(framework_id: string): FrameworkRecord {
    const f = this.frameworks.get(framework_id);
    if (f === undefined) throw new Error(`allocator: framework ${framework_id} is not registered; call addFramework first`);
    return f;
  }

  private role(name: string): RoleRecord {
    let r = this.roles.get(name);
    if (r === undefined) this.roles.set(name, (r = { weight: 1, allocated: zeroAmount(), offered: zeroAmount(), frameworks: new Set() }));
    return r;
  }

  /** The framework to offer to next: lowest role share, then lowest own share, then id. */
  private lowest(eligible: FrameworkRecord[], total: Amount, declined: ReadonlySet<string>): FrameworkRecord | undefined {
    let best: FrameworkRecord | undefined;
    let best_role = Infinity;
    let best_own = Infinity;
    for (const f of eligible) {
      if (declined.has(f.info.framework_id)) continue;
      const r = this.roles.get(f.info.role)!;
      const role_share = roleShare(r, total);
      const own = dominantShare(sum(f.allocated, f.offered), total);
      const better = best === undefined || role_share < best_role ||
        (role_share === best_role && (own < best_own || (own === best_own && f.info.framework_id < best.info.framework_id)));
      if (better) {
        best = f;
        best_role = role_share;
        best_own = own;
      }
    }
    return best;
  }

  private totalAmount(): Amount {
    const total = zeroAmount();
    for (const n of this.nodes.values()) addInto(total, n.total);
    return total;
  }

  private charge(n: NodeRecord, rec: TaskRecord, sign: 1 | -1): void {
    n.declined_by.clear();
    if (sign > 0) addInto(n.used, rec.need);
    else subInto(n.used, rec.need);
    for (const p of rec.task.host_ports) bump(n.task_ports, p, sign);
    bump(n.groups, rec.task.group, sign);
  }

  /** Rescinds the node's offers if it is down or its offers no longer fit beside its tasks. */
  private recheckNode(n: NodeRecord): Rescinded[] {
    if (n.offers.size === 0) return [];
    if (n.view.ready && fitsIn(sum(n.used, n.offered), n.total)) return [];
    return this.offersWhere((o) => n.offers.has(o.offer.offer_id));
  }

  private offersWhere(match: (o: OfferRecord) => boolean): Rescinded[] {
    const ids = [...this.offers.values()].filter(match).map((o) => o.offer.offer_id);
    return ids.map((id) => this.drop(id)!);
  }

  /** Ends an offer and returns its resources to the pool. */
  private drop(offer_id: string): Rescinded | undefined {
    const rec = this.offers.get(offer_id);
    if (rec === undefined) return undefined;
    this.offers.delete(offer_id);
    const { framework_id, role } = rec.offer;
    const f = this.frameworks.get(framework_id);
    const r = this.roles.get(role);
    for (const [node_id, amount] of rec.amounts) {
      const n = this.nodes.get(node_id);
      if (n !== undefined) {
        subInto(n.offered, amount);
        n.offers.delete(offer_id);
      }
      if (f !== undefined) subInto(f.offered, amount);
      if (r !== undefined) subInto(r.offered, amount);
    }
    return { offer_id, framework_id };
  }
}

function roleShare(r: RoleRecord, total: Amount): number {
  return dominantShare(sum(r.allocated, r.offered), total) / r.weight;
}
