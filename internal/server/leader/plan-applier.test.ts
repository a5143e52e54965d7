// The plan applier against a real state machine whose commits land later (as through Raft): two
// writers planning from the same state never over-commit a node; bounds and leadership loss.
import { describe, expect, it } from "vitest";
import { CommandType, type Command, type NewTask } from "../../fsm/commands.js";
import { testServiceSpec } from "../../fsm/fixtures.test-util.js";
import { StateMachine, type ApplyResult } from "../../fsm/state.js";
import type { Logger } from "../../log/logger.js";
import { NodeError } from "../../raftnode/errors.js";
import type { PendingTask } from "../../scheduler/types.js";
import { pendingTask } from "../cluster/view.js";
import { PlanApplier, plan_queue_max, type Plan } from "./plan-applier.js";

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** A state machine with one 2-CPU node and a service; proposals apply after `delay_ms`, in order. */
function setup(delay_ms: number): { fsm: StateMachine; propose: (cmd: Command) => Promise<ApplyResult>; applied: Command[] } {
  const fsm = new StateMachine();
  let index = 0;
  const applied: Command[] = [];
  const apply = (cmd: Command): ApplyResult => {
    applied.push(cmd);
    return fsm.apply(++index, { rid: `r${index}`, at_ms: 1_000, cmd });
  };
  apply({ type: CommandType.node_register, node_id: "n1", name: "n1", http_addr: "127.0.0.1:1", resources: { cpus: 2, memory_bytes: 1 << 30, disk_bytes: 0 }, attributes: {}, driver: "mock", version: "t" });
  apply({ type: CommandType.service_put, spec: testServiceSpec({ name: "web", cpus: 1.5, memory_bytes: 64 << 20 }) });
  let chain = Promise.resolve();
  const propose = (cmd: Command): Promise<ApplyResult> => {
    const done = chain.then(() => new Promise<ApplyResult>((r) => setTimeout(() => r(apply(cmd)), delay_ms)));
    chain = done.then(() => undefined);
    return done;
  };
  return { fsm, propose, applied };
}

function planFor(fsm: StateMachine, source: string, task_id: string): Plan {
  const svc = fsm.services.get("web")!;
  const need: PendingTask = pendingTask(task_id, svc.spec);
  const task: NewTask = { task_id, service: "web", version: svc.version, node_id: "n1", spec: { task_id, image: "busybox", cpus: svc.spec.cpus, memory_bytes: svc.spec.memory_bytes } };
  return { source, tasks: [{ task, need }], stops: [], services: [] };
}

const epoch = (): { term: number; signal: AbortSignal; abort: AbortController } => {
  const abort = new AbortController();
  return { term: 1, signal: abort.signal, abort };
};

describe("PlanApplier", () => {
  it("checks each plan against the latest state plus the plans still in flight: the second writer's placement is dropped", async () => {
    const { fsm, propose } = setup(20);
    const applier = new PlanApplier(fsm, { propose }, quiet);
    applier.start(epoch());
    // Both writers planned from the same state, where 2 CPUs were free; each wants 1.5.
    const [a, b] = await Promise.all([applier.submit(planFor(fsm, "writer-a", "web.a")), applier.submit(planFor(fsm, "writer-b", "web.b"))]);
    expect(a).toEqual({ committed: ["web.a"], dropped: [] });
    expect(b.committed).toEqual([]);
    expect(b.dropped).toHaveLength(1);
    expect(b.dropped[0]!.reason).toMatch(/cpus free/);
    expect(applier.dropped_by_check).toBe(1);
    expect(fsm.tasks.onNode("n1").reduce((sum, t) => sum + t.spec.cpus, 0)).toBe(1.5);
  });

  it("reports what the state machine dropped when a writer outside the applier took the room first", async () => {
    const { fsm, propose } = setup(20);
    const applier = new PlanApplier(fsm, { propose }, quiet);
    applier.start(epoch());
    // A plan proposed straight to Raft (an old leader's, say) lands before the applier's.
    const direct = planFor(fsm, "direct", "web.x").tasks[0]!.task;
    const raced = propose({ type: CommandType.plan_apply, tasks: [direct], stops: [], services: [] });
    const outcome = await applier.submit(planFor(fsm, "writer-a", "web.a"));
    expect(await raced).toEqual({ ok: true, placed: 1, dropped: [] });
    expect(outcome.committed).toEqual([]);
    expect(outcome.dropped).toEqual([{ task_id: "web.a", reason: "node n1 has 0.5 CPUs free, the task needs 1.5" }]);
    expect(applier.dropped_on_apply).toBe(1);
    expect(fsm.tasks.onNode("n1").map((t) => t.task_id)).toEqual(["web.x"]);
  });

  it(`refuses plans past plan_queue_max (${plan_queue_max}) and fails queued ones with a retryable error when leadership ends`, async () => {
    const { fsm, propose, applied } = setup(5);
    const applier = new PlanApplier(fsm, { propose }, quiet);
    const e = epoch();
    applier.start(e);
    const queued = Array.from({ length: plan_queue_max + 2 }, (_, i) => applier.submit(planFor(fsm, "w", `web.${i}`)).then(
      () => "ok",
      (err: unknown) => (err instanceof NodeError ? err.code : String(err)),
    ));
    const before = applied.length;
    // The first plan is being proposed, the queue holds plan_queue_max more, and the last is refused.
    e.abort.abort();
    applier.stop();
    const codes = await Promise.all(queued);
    expect(codes.filter((c) => c === "overloaded").length).toBeGreaterThanOrEqual(1);
    expect(codes.filter((c) => c === "no_leader").length).toBeGreaterThan(plan_queue_max - 5);
    expect(codes.every((c) => c === "ok" || c === "overloaded" || c === "no_leader")).toBe(true);
    // Nothing queued after the stop reached the log.
    expect(applied.length - before).toBeLessThanOrEqual(1);
    await expect(applier.submit(planFor(fsm, "w", "web.late"))).rejects.toMatchObject({ code: "no_leader", status: 503 });
  });
});
