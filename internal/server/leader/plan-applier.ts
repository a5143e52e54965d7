// The one plan applier: every writer of placements (the built-in services and jobs, external
// frameworks) submits plans here. Each plan is checked against the latest applied state plus the
// plans committed but not yet applied, entries that no longer fit are dropped and reported, and
// the rest is proposed through Raft. The state machine checks each placement once more on apply.
import { CommandType, type NewTask, type PlanServiceUpdate } from "../../fsm/commands.js";
import type { ApplyResult, StateMachine } from "../../fsm/state.js";
import type { Command } from "../../fsm/commands.js";
import type { Logger } from "../../log/logger.js";
import { NodeError } from "../../raftnode/errors.js";
import { checkPlan } from "../../scheduler/check-plan.js";
import type { PendingTask, PlanEntry, StaleEntry } from "../../scheduler/types.js";
import { NodeViewCache, withPlacements } from "../cluster/view.js";
import { notLeaderError, type LeaderEpoch, type LeaderLoop } from "./leadership.js";

/** Plans waiting to be checked; a writer past it gets a retryable 503. */
export const plan_queue_max = 256;
/** New tasks per plan_apply command: bounds one Raft entry to a few hundred KiB. */
export const plan_tasks_per_command_max = 1_000;
/** plan_apply commands proposed and not yet applied, across all plans. */
export const plan_commands_inflight_max = 4;

/** A placement: the task to commit, and what it needs (as placement saw it) for the check. */
export interface PlannedTask {
  task: NewTask;
  need: PendingTask;
}

export interface Plan {
  /** Who wrote it ("services", a framework id): named in logs and drop reports. */
  source: string;
  tasks: PlannedTask[];
  stops: { task_id: string; message: string }[];
  services: PlanServiceUpdate[];
}

export interface PlanOutcome {
  /** Task ids now in the task table. */
  committed: string[];
  /** Placements refused by the applier's check or the state machine's, with why. */
  dropped: { task_id: string; reason: string }[];
}

/** What the applier needs of the Raft node. */
export interface Proposer {
  propose(cmd: Command): Promise<ApplyResult>;
}

interface Queued {
  plan: Plan;
  resolve(o: PlanOutcome): void;
  reject(e: Error): void;
}

export class PlanApplier implements LeaderLoop {
  readonly name = "plan-applier";
  private epoch: LeaderEpoch | undefined;
  private readonly queue: Queued[] = [];
  private running = false;
  /** Placements proposed and not yet applied, by command: the check counts them as taken. */
  private readonly inflight = new Set<readonly PlanEntry[]>();
  private inflight_commands = 0;
  private readonly slot_waiters: (() => void)[] = [];
  private readonly views: NodeViewCache;
  /** Placements the applier's own check dropped (the state machine's drops are counted apart). */
  dropped_by_check = 0;
  dropped_on_apply = 0;

  constructor(
    fsm: StateMachine,
    private readonly node: Proposer,
    private readonly log: Logger,
  ) {
    this.views = new NodeViewCache(fsm);
  }

  start(epoch: LeaderEpoch): void {
    this.epoch = epoch;
  }

  stop(): void {
    this.epoch = undefined;
    for (const q of this.queue.splice(0)) q.reject(notLeaderError("the plan was not checked"));
    for (const w of this.slot_waiters.splice(0)) w();
  }

  /** Queues a plan; resolves once every accepted placement is applied here (or rejects, retryably). */
  submit(plan: Plan): Promise<PlanOutcome> {
    if (this.epoch === undefined) return Promise.reject(notLeaderError("plans are taken only by the established leader"));
    if (this.queue.length >= plan_queue_max) {
      return Promise.reject(new NodeError("overloaded", `${plan_queue_max} plans are waiting (plan_queue_max): retry with backoff`, 503));
    }
    return new Promise<PlanOutcome>((resolve, reject) => {
      this.queue.push({ plan, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let q = this.queue.shift(); q !== undefined; q = this.queue.shift()) {
        const epoch = this.epoch;
        if (epoch === undefined) {
          q.reject(notLeaderError("the plan was not checked"));
          continue;
        }
        // Checked in queue order; proposals of earlier plans may still be in flight (counted).
        const checked = this.check(q.plan);
        this.commit(q.plan, checked.accepted, checked.stale, epoch).then(q.resolve, q.reject);
        // The next plan is checked once this one's commands are proposed (their placements counted).
        await this.proposedAll;
      }
    } finally {
      this.running = false;
    }
  }

  private proposedAll: Promise<void> = Promise.resolve();

  private check(plan: Plan): { accepted: PlannedTask[]; stale: StaleEntry[] } {
    if (plan.tasks.length === 0) return { accepted: [], stale: [] };
    // Only the nodes the plan touches: a framework's ACCEPT names one node of thousands.
    let view = this.views.viewsOf(plan.tasks.map((t) => t.task.node_id));
    const touched = new Set(view.map((v) => v.node_id));
    for (const entries of this.inflight) {
      const here = entries.filter((e) => touched.has(e.node_id));
      if (here.length > 0) view = withPlacements(view, here);
    }
    const byId = new Map(plan.tasks.map((t) => [t.task.task_id, t]));
    const result = checkPlan(
      view,
      plan.tasks.map((t) => ({ task: t.need, node_id: t.task.node_id })),
    );
    this.dropped_by_check += result.stale.length;
    return { accepted: result.accepted.map((e) => byId.get(e.task.task_id)!), stale: result.stale };
  }

  private commit(plan: Plan, accepted: PlannedTask[], stale: readonly StaleEntry[], epoch: LeaderEpoch): Promise<PlanOutcome> {
    const chunks: PlannedTask[][] = [];
    for (let i = 0; i < accepted.length; i += plan_tasks_per_command_max) chunks.push(accepted.slice(i, i + plan_tasks_per_command_max));
    if (chunks.length === 0) chunks.push([]);
    const outcome: PlanOutcome = { committed: [], dropped: stale.map((s) => ({ task_id: s.task_id, reason: s.reason })) };
    const proposing = (async (): Promise<Promise<void>[]> => {
      const settled: Promise<void>[] = [];
      for (const [i, chunk] of chunks.entries()) {
        await this.slot(epoch);
        if (epoch.signal.aborted) {
          // What was proposed may still commit; the rest never will: the writer retries against the next leader.
          settled.push(Promise.reject(notLeaderError("the plan was not proposed in full")));
          break;
        }
        const entries: PlanEntry[] = chunk.map((t) => ({ task: t.need, node_id: t.task.node_id }));
        this.inflight.add(entries);
        this.inflight_commands += 1;
        const cmd: Command = { type: CommandType.plan_apply, tasks: chunk.map((t) => t.task), stops: i === 0 ? plan.stops : [], services: i === 0 ? plan.services : [] };
        settled.push(
          this.node
            .propose(cmd)
            .then((r) => {
              if (!r.ok || !("placed" in r)) throw new Error(`plan_apply answered ${JSON.stringify(r)}`);
              const dropped = new Set((r.dropped ?? []).map((d) => d.task_id));
              for (const d of r.dropped ?? []) outcome.dropped.push(d);
              this.dropped_on_apply += dropped.size;
              for (const t of chunk) if (!dropped.has(t.task.task_id)) outcome.committed.push(t.task.task_id);
            })
            .finally(() => {
              this.inflight.delete(entries);
              this.inflight_commands -= 1;
              this.slot_waiters.shift()?.();
            }),
        );
      }
      return settled;
    })();
    this.proposedAll = proposing.then(() => undefined);
    return proposing.then(async (settled) => {
      await Promise.all(settled);
      if (outcome.dropped.length > 0) this.log.debug("plan entries dropped", { source: plan.source, dropped: outcome.dropped.length, first: outcome.dropped[0]?.reason });
      return outcome;
    });
  }

  /** Waits for a free proposal slot (plan_commands_inflight_max), or for leadership to end. */
  private slot(epoch: LeaderEpoch): Promise<void> {
    if (this.inflight_commands < plan_commands_inflight_max || epoch.signal.aborted) return Promise.resolve();
    return new Promise((r) => this.slot_waiters.push(r));
  }
}
