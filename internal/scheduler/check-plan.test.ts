// checkPlan(): stale placements are named and refused; an accepted set never over-commits.
import { describe, expect, it } from "vitest";
import { checkPlan } from "./check-plan.js";
import { parseConstraint } from "./constraint.js";
import { blocker, charge, genCluster, genTasks, GiB, intnOf, MiB, modelOf, seeded, violations, withSeed } from "./gen.test-util.js";
import { place } from "./place.js";
import type { NodeView, PendingTask, PlanEntry } from "./types.js";

function node(id: string, over: Partial<NodeView> = {}): NodeView {
  return {
    node_id: id,
    name: `host-${id}`,
    ready: true,
    total: { cpus: 4, memory_bytes: 8 * GiB, disk_bytes: 100 * GiB },
    used: { cpus: 0, memory_bytes: 0, disk_bytes: 0 },
    attributes: { os: "linux" },
    ports_used: [],
    groups: {},
    ...over,
  };
}

function task(id: string, over: Partial<PendingTask> = {}): PendingTask {
  return { task_id: id, group: "web", role: "default", resources: { cpus: 1, memory_bytes: 256 * MiB, disk_bytes: 0 }, host_ports: [], constraints: [], ...over };
}

const on = (t: PendingTask, node_id: string): PlanEntry => ({ task: t, node_id });

describe("checkPlan: each kind of staleness", () => {
  const cases: [string, NodeView[], PlanEntry, RegExp][] = [
    ["node gone", [node("a")], on(task("t"), "b"), /^node b is no longer in the cluster/],
    ["node down", [node("a", { ready: false })], on(task("t"), "a"), /^node host-a \(a\) is down/],
    ["resources taken", [node("a", { used: { cpus: 3.5, memory_bytes: 0, disk_bytes: 0 } })], on(task("t"), "a"), /^node host-a \(a\) has 0.5 cpus free, needs 1 cpu/],
    ["port taken", [node("a", { ports_used: new Set([80]) })], on(task("t", { host_ports: [80] }), "a"), /^port 80 is already in use on node host-a/],
    ["attribute changed", [node("a", { attributes: { os: "windows" } })], on(task("t", { constraints: [parseConstraint("os==linux")] }), "a"), /no longer satisfies os==linux/],
    ["unique group already there", [node("a", { groups: { web: 1 } })], on(task("t", { constraints: [parseConstraint("unique")] }), "a"), /already runs a task of group web \(unique\)/],
  ];
  for (const [name, view, entry, reason] of cases) {
    it(name, () => {
      const r = checkPlan(view, [entry]);
      expect(r.accepted).toEqual([]);
      expect(r.stale).toHaveLength(1);
      expect(r.stale[0]?.reason).toMatch(reason);
    });
  }

  it("counts the plan's own earlier entries: the fifth 1-cpu task on a 4-cpu node is stale", () => {
    const plan = [1, 2, 3, 4, 5].map((i) => on(task(`t${i}`), "a"));
    const r = checkPlan([node("a")], plan);
    expect(r.accepted.map((e) => e.task.task_id)).toEqual(["t1", "t2", "t3", "t4"]);
    expect(r.stale.map((s) => s.task_id)).toEqual(["t5"]);
  });

  it("refuses a second placement of the same task and two tasks on one static port", () => {
    const r = checkPlan([node("a")], [on(task("t1", { host_ports: [80] }), "a"), on(task("t1"), "a"), on(task("t2", { host_ports: [80] }), "a")]);
    expect(r.accepted.map((e) => e.task.task_id)).toEqual(["t1"]);
    expect(r.stale.map((s) => s.reason)).toEqual([
      "task t1 appears more than once in the plan; only its first placement was checked",
      "port 80 is already in use on node host-a (a); place the task again",
    ]);
  });
});

describe("checkPlan: plans made on an older view (property, 80 seeds)", () => {
  it("accepts a fresh plan whole, and on a changed view accepts only what still holds", () => {
    for (let seed = 1; seed <= 80; seed++) {
      withSeed(seed, () => {
        const rng = seeded(seed);
        const before = genCluster(rng, { nodes: 5 + (seed % 20) });
        const pending = genTasks(rng, { tasks: 40 + (seed % 5) * 30 });
        const planned = place(before, pending, { rng: seeded(seed) });
        const tasks = new Map(pending.map((t) => [t.task_id, t]));
        const plan = planned.placements.map((p) => on(tasks.get(p.task_id)!, p.node_id));
        // Against the view it was made on, the plan holds entirely.
        expect(checkPlan(before, plan).stale, `seed ${seed}: fresh plan`).toEqual([]);
        // Meanwhile other work landed, nodes went down, ports were taken, one node left.
        const after = before
          .filter(() => intnOf(rng, 15) !== 0)
          .map((v) => ({
            ...v,
            ready: v.ready && intnOf(rng, 8) !== 0,
            used: { cpus: v.used.cpus + intnOf(rng, 3), memory_bytes: v.used.memory_bytes + intnOf(rng, 3) * GiB, disk_bytes: v.used.disk_bytes },
            ports_used: [...v.ports_used, ...(intnOf(rng, 4) === 0 ? [80, 8080, 9000] : [])],
          }));
        const r = checkPlan(after, plan);
        expect(r.accepted.length + r.stale.length, `seed ${seed}`).toBe(plan.length);
        const accepted = { placements: r.accepted.map((e) => ({ task_id: e.task.task_id, node_id: e.node_id })), unplaced: [] };
        const legal = violations(after, r.accepted.map((e) => e.task), accepted);
        expect(legal, `seed ${seed}: accepted entries must hold on the new view`).toEqual([]);
        // And nothing that still holds is refused: replay the plan in order on the model.
        const model = modelOf(after);
        const ok = new Set(r.accepted.map((e) => e.task.task_id));
        for (const e of plan) {
          const m = model.get(e.node_id);
          const why = m === undefined ? "node gone" : blocker(m, e.task);
          expect(ok.has(e.task.task_id), `seed ${seed}: ${e.task.task_id} on ${e.node_id} (model: ${why ?? "fits"})`).toBe(why === undefined);
          if (why === undefined && m !== undefined) charge(m, e.task);
        }
      });
    }
  });
});
