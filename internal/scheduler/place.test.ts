// place(): generated clusters never over-commit and keep every rule; reasons summarise across nodes.
import { describe, expect, it } from "vitest";
import { parseConstraint } from "./constraint.js";
import { genCluster, genTasks, GiB, MiB, seeded, violations, withSeed } from "./gen.test-util.js";
import { filter_indexes_max } from "./limits.js";
import { place } from "./place.js";
import type { NodeView, PendingTask, Strategy } from "./types.js";

const strategies: Strategy[] = ["binpack", "spread"];

function node(id: string, over: Partial<NodeView> = {}): NodeView {
  return {
    node_id: id,
    name: id,
    ready: true,
    total: { cpus: 4, memory_bytes: 8 * GiB, disk_bytes: 100 * GiB },
    used: { cpus: 0, memory_bytes: 0, disk_bytes: 0 },
    attributes: { os: "linux", arch: "amd64", hostname: id },
    ports_used: [],
    groups: {},
    ...over,
  };
}

function task(id: string, over: Partial<PendingTask> = {}): PendingTask {
  return { task_id: id, group: "web", role: "default", resources: { cpus: 1, memory_bytes: 256 * MiB, disk_bytes: 0 }, host_ports: [], constraints: [], ...over };
}

describe("place: properties over generated clusters", () => {
  for (const strategy of strategies) {
    it(`${strategy}: never over-commits, keeps constraints, ports and unique, and misses no fit (120 seeds)`, () => {
      for (let seed = 1; seed <= 120; seed++) {
        const rng = seeded(seed);
        const view = genCluster(rng, { nodes: 1 + (seed % 40) });
        const pending = genTasks(rng, { tasks: 20 + (seed % 7) * 40, groups: 4 + (seed % 9) });
        const result = withSeed(seed, () => place(view, pending, { strategy, rng: seeded(seed * 7919), candidates_scored: 1 + (seed % 5) }));
        expect(violations(view, pending, result), `seed ${seed} (${strategy})`).toEqual([]);
      }
    });
  }

  it("stays exact past filter_indexes_max distinct constraint sets (shared index, per-node checks)", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const rng = seeded(seed);
      const view = genCluster(rng, { nodes: 60 }).map((v, i) => ({ ...v, attributes: { ...v.attributes, slot: `s${i % 90}` } }));
      const pending = Array.from({ length: 300 }, (_, i) => task(`t${i}`, {
        group: `g${i % 7}`,
        resources: { cpus: 0.5, memory_bytes: 512 * MiB, disk_bytes: 0 },
        constraints: [parseConstraint(`slot!=s${i % (filter_indexes_max + 20)}`), ...(i % 7 === 0 ? [parseConstraint("unique")] : [])],
      }));
      for (const strategy of strategies) {
        const result = withSeed(seed, () => place(view, pending, { strategy, rng: seeded(seed) }));
        expect(violations(view, pending, result), `seed ${seed} (${strategy})`).toEqual([]);
      }
    }
  });

  it("bin-pack uses fewer nodes than spread on the same work (30 seeds)", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rng = seeded(seed);
      const view = genCluster(rng, { nodes: 50, empty: true });
      const pending = genTasks(rng, { tasks: 60, plain: true });
      const used = (strategy: Strategy): number => {
        const r = place(view, pending, { strategy, rng: seeded(seed) });
        expect(r.unplaced, `seed ${seed}`).toEqual([]);
        return new Set(r.placements.map((p) => p.node_id)).size;
      };
      const binpack = used("binpack");
      const spread = used("spread");
      expect(binpack, `seed ${seed}: binpack used ${binpack} nodes, spread ${spread}`).toBeLessThan(spread);
    }
  });

  it("replays exactly from the same seed", () => {
    const view = genCluster(seeded(3), { nodes: 30 });
    const pending = genTasks(seeded(4), { tasks: 200 });
    for (const strategy of strategies) {
      expect(place(view, pending, { strategy, rng: seeded(9) })).toEqual(place(view, pending, { strategy, rng: seeded(9) }));
    }
  });
});

describe("place: behaviour a user sees", () => {
  it("counts its own earlier placements: 4 cpus take four 1-cpu tasks, not five", () => {
    const r = place([node("a")], [1, 2, 3, 4, 5].map((i) => task(`t${i}`)), { rng: seeded(1) });
    expect(r.placements.map((p) => p.task_id)).toEqual(["t1", "t2", "t3", "t4"]);
    expect(r.unplaced).toEqual([{ task_id: "t5", reason: "no node has 1 cpu free: 1 node exhausted on cpus; add nodes or ask for less" }]);
  });

  it("summarises across nodes, the dominant cause first", () => {
    const full = { cpus: 3, memory_bytes: 0, disk_bytes: 0 };
    const view = [
      node("a", { used: full }),
      node("b", { used: full }),
      node("c", { used: full }),
      node("w", { attributes: { os: "windows" } }),
      node("d", { ready: false }),
    ];
    const r = place(view, [task("t", { resources: { cpus: 2, memory_bytes: 0, disk_bytes: 0 }, constraints: [parseConstraint("os==linux")] })], { rng: seeded(1) });
    expect(r.unplaced[0]?.reason).toBe("no node has 2 cpus free: 3 nodes exhausted on cpus, 1 filtered by constraint os==linux, 1 down; add nodes or ask for less");
  });

  it("names the dimension a node lacks most", () => {
    const view = [node("a", { used: { cpus: 0, memory_bytes: 8 * GiB - 100 * MiB, disk_bytes: 0 } })];
    const r = place(view, [task("t", { resources: { cpus: 1, memory_bytes: 1536 * MiB, disk_bytes: 0 } })], { rng: seeded(1) });
    expect(r.unplaced[0]?.reason).toBe("no node has 1.5 GiB memory free: 1 node exhausted on memory; add nodes or ask for less");
  });

  it("keeps static ports free: two tasks on port 80 need two nodes", () => {
    const r = place([node("a"), node("b", { ports_used: [80] })], [task("t1", { host_ports: [80] }), task("t2", { host_ports: [80] })], { rng: seeded(1) });
    expect(r.placements).toEqual([{ task_id: "t1", node_id: "a" }]);
    expect(r.unplaced[0]?.reason).toBe("no node has port 80 free: 2 nodes port 80 in use; free the port or let the task use a dynamic port");
  });

  it("unique puts at most one task of the group per node", () => {
    const unique = [parseConstraint("unique")];
    const r = place([node("a"), node("b", { groups: { web: 1 } }), node("c")], [1, 2, 3].map((i) => task(`t${i}`, { constraints: unique })), { rng: seeded(1) });
    expect(new Set(r.placements.map((p) => p.node_id))).toEqual(new Set(["a", "c"]));
    expect(r.unplaced[0]?.reason).toMatch(/^every eligible node already runs a task of group web \(unique\): 3 nodes already running group web/);
  });

  it("spread puts a group's tasks on distinct nodes while it can", () => {
    const view = Array.from({ length: 20 }, (_, i) => node(`n${i}`));
    const r = place(view, Array.from({ length: 10 }, (_, i) => task(`t${i}`)), { strategy: "spread", rng: seeded(5) });
    expect(new Set(r.placements.map((p) => p.node_id)).size).toBe(10);
  });

  it("bin-pack fills the fuller node first", () => {
    const view = [node("empty"), node("half", { used: { cpus: 2, memory_bytes: 4 * GiB, disk_bytes: 0 } })];
    const r = place(view, [task("t")], { rng: seeded(1) });
    expect(r.placements).toEqual([{ task_id: "t", node_id: "half" }]);
  });

  it("answers a bad task with a reason instead of failing the whole call", () => {
    const r = place([node("a")], [task("bad", { resources: { cpus: -1, memory_bytes: 0, disk_bytes: 0 } }), task("ok"), task("ok")], { rng: seeded(1) });
    expect(r.placements).toEqual([{ task_id: "ok", node_id: "a" }]);
    expect(r.unplaced.map((u) => u.task_id)).toEqual(["bad", "ok"]);
    expect(r.unplaced[0]?.reason).toMatch(/cpus must be a finite number >= 0/);
  });

  it("says so when no node has joined", () => {
    expect(place([], [task("t")], { rng: seeded(1) }).unplaced[0]?.reason).toMatch(/no nodes have registered/);
  });

  it("refuses a view with a node twice", () => {
    expect(() => place([node("a"), node("a")], [], { rng: seeded(1) })).toThrow(/node_id "a" appears twice/);
  });
});
