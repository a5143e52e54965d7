// Allocator: offers in DRF order, nothing offered twice, offers held until used, and a rebuild
// that reaches the same state as the incremental path.
import { describe, expect, it } from "vitest";
import { Allocator } from "./allocator.js";
import type { AllocatedTask, Offer } from "./allocator-types.js";
import { GiB, intnOf, seeded, withSeed } from "./gen.test-util.js";
import { place } from "./place.js";
import type { NodeView, PendingTask, Resources } from "./types.js";

function node(id: string, total: Resources, over: Partial<NodeView> = {}): NodeView {
  return { node_id: id, name: id, ready: true, total, used: { cpus: 0, memory_bytes: 0, disk_bytes: 0 }, attributes: {}, ports_used: [], groups: {}, ...over };
}

const small = { cpus: 1, memory_bytes: 1 * GiB, disk_bytes: 0 };

function pendingFor(role: string, from: number, n: number, resources: Resources): PendingTask[] {
  return Array.from({ length: n }, (_, i) => ({ task_id: `${role}-${from + i}`, group: role, role, resources, host_ports: [], constraints: [] }));
}

/** Offered amount per node across outstanding offers, in millicpus and bytes. */
function offeredPerNode(offers: Offer[]): Map<string, { cpu: number; mem: number }> {
  const out = new Map<string, { cpu: number; mem: number }>();
  for (const o of offers) {
    for (const v of o.nodes) {
      const got = out.get(v.node_id) ?? { cpu: 0, mem: 0 };
      out.set(v.node_id, { cpu: got.cpu + Math.round((v.total.cpus - v.used.cpus) * 1000), mem: got.mem + v.total.memory_bytes - v.used.memory_bytes });
    }
  }
  return out;
}

function cluster(alloc: Allocator, n: number, total: Resources): void {
  for (let i = 0; i < n; i++) alloc.upsertNode(node(`n${i}`, total));
}

describe("Allocator offers", () => {
  it("goes node by node to the role with the lowest share, counting what it already holds", () => {
    const alloc = new Allocator({ rng: seeded(1) });
    cluster(alloc, 110, small);
    alloc.addFramework({ framework_id: "fa", role: "a", weight: 1 });
    alloc.addFramework({ framework_id: "fb", role: "b", weight: 1 });
    for (let i = 0; i < 10; i++) alloc.taskAdded({ task_id: `held-${i}`, node_id: `n${i}`, role: "a", framework_id: "fa", group: "a", resources: small, host_ports: [] });
    const offers = alloc.makeOffers();
    const count = (fw: string): number => offers.find((o) => o.framework_id === fw)?.nodes.length ?? 0;
    // 100 free nodes: b first catches up with a's 10, then they alternate: 45 + 55.
    expect([count("fa"), count("fb")]).toEqual([45, 55]);
    const shares = alloc.shares();
    expect(Math.abs(shares[0]!.weighted_share - shares[1]!.weighted_share)).toBeLessThan(0.01);
  });

  it("gives weight 2 twice the share of weight 1", () => {
    const alloc = new Allocator({ rng: seeded(2) });
    cluster(alloc, 90, small);
    alloc.addFramework({ framework_id: "heavy", role: "h", weight: 2 });
    alloc.addFramework({ framework_id: "light", role: "l", weight: 1 });
    const offers = alloc.makeOffers();
    expect(offers.find((o) => o.framework_id === "heavy")?.nodes).toHaveLength(60);
    expect(offers.find((o) => o.framework_id === "light")?.nodes).toHaveLength(30);
  });

  it("never offers a resource twice; declined or unused resources come back", () => {
    const alloc = new Allocator({ rng: seeded(3) });
    cluster(alloc, 4, { cpus: 4, memory_bytes: 8 * GiB, disk_bytes: 0 });
    alloc.addFramework({ framework_id: "f", role: "r", weight: 1 });
    const [offer] = alloc.makeOffers();
    expect(offer?.nodes).toHaveLength(4);
    expect(alloc.makeOffers()).toEqual([]);
    const tasks = pendingFor("r", 0, 3, { cpus: 2, memory_bytes: GiB, disk_bytes: 0 });
    const plan = place(offer!.nodes, tasks, { rng: seeded(1) });
    const byId = new Map(tasks.map((t) => [t.task_id, t]));
    const r = alloc.accept(offer!.offer_id, plan.placements.map((p) => ({ task: byId.get(p.task_id)!, node_id: p.node_id })));
    expect(r.stale).toEqual([]);
    expect(r.accepted).toHaveLength(3);
    // The offer is used up. Nodes the plan used changed, so they are offered again; nodes it
    // left untouched wait until they change or the framework revives.
    const used_nodes = new Set(r.accepted.map((e) => e.node_id));
    const again = alloc.makeOffers();
    expect(new Set(again[0]?.nodes.map((v) => v.node_id))).toEqual(used_nodes);
    alloc.decline(again[0]!.offer_id);
    expect(alloc.makeOffers()).toEqual([]);
    alloc.revive("f");
    const revived = alloc.makeOffers();
    const free = [...offeredPerNode(revived).values()].reduce((s, x) => s + x.cpu, 0);
    expect(free).toBe(16_000 - 6_000);
  });

  it("re-checks an accept against the offer: over-asking is stale, and a gone offer makes all stale", () => {
    const alloc = new Allocator({ rng: seeded(4) });
    cluster(alloc, 1, { cpus: 2, memory_bytes: 4 * GiB, disk_bytes: 0 });
    alloc.addFramework({ framework_id: "f", role: "r", weight: 1 });
    const [offer] = alloc.makeOffers();
    const tasks = pendingFor("r", 0, 3, small);
    const r = alloc.accept(offer!.offer_id, tasks.map((task) => ({ task, node_id: "n0" })));
    expect(r.accepted).toHaveLength(2);
    expect(r.stale[0]?.reason).toMatch(/has 0 cpus free, needs 1 cpu/);
    const gone = alloc.accept(offer!.offer_id, [{ task: pendingFor("r", 9, 1, small)[0]!, node_id: "n0" }]);
    expect(gone.stale[0]?.reason).toMatch(/no longer valid .* wait for the next offer/);
  });

  it("rescinds offers on a node that goes down or gets over-committed by a task it did not offer", () => {
    const alloc = new Allocator({ rng: seeded(5) });
    cluster(alloc, 2, { cpus: 4, memory_bytes: 8 * GiB, disk_bytes: 0 });
    alloc.addFramework({ framework_id: "f", role: "r", weight: 1 });
    const [offer] = alloc.makeOffers();
    expect(alloc.upsertNode(node("n0", { cpus: 4, memory_bytes: 8 * GiB, disk_bytes: 0 }, { ready: false }))).toEqual([{ offer_id: offer!.offer_id, framework_id: "f" }]);
    const [second] = alloc.makeOffers();
    expect(second?.nodes.map((v) => v.node_id)).toEqual(["n1"]);
    const rescinded = alloc.taskAdded({ task_id: "x", node_id: "n1", role: "other", group: "x", resources: small, host_ports: [] });
    expect(rescinded).toEqual([{ offer_id: second!.offer_id, framework_id: "f" }]);
  });

  it("refuses a second weight for one role, naming the weight to use", () => {
    const alloc = new Allocator({ rng: seeded(6) });
    alloc.addFramework({ framework_id: "f1", role: "r", weight: 2 });
    expect(() => alloc.addFramework({ framework_id: "f2", role: "r", weight: 3 })).toThrow(/role r has weight 2 .* register with weight 2/);
    expect(() => alloc.addFramework({ framework_id: "f3", role: "q", weight: 0 })).toThrow(/weight must be a number in \(0, 1000\]/);
  });
});

describe("Allocator under churn (property, 12 seeds)", () => {
  /**
   * Framework a fills the cluster alone; b arrives; tasks finish at random and freed resources
   * are offered to the lowest share. Frameworks take whatever fits. Shares converge to the weights.
   */
  function churn(seed: number, weight_b: number, shape_a: Resources, shape_b: Resources): { a: number; b: number; alloc: Allocator; nodes: NodeView[]; tasks: Map<string, AllocatedTask> } {
    const rng = seeded(seed);
    const alloc = new Allocator({ rng: seeded(seed + 1000) });
    const nodes = Array.from({ length: 40 }, (_, i) => node(`n${i}`, { cpus: 4, memory_bytes: 8 * GiB, disk_bytes: 0 }));
    for (const v of nodes) alloc.upsertNode(v);
    const running = new Map<string, AllocatedTask>();
    let next = 0;
    const offerRound = (): void => {
      for (const offer of alloc.makeOffers()) {
        const fw = offer.framework_id;
        const want = pendingFor(fw, next, 8 * offer.nodes.length, fw === "a" ? shape_a : shape_b);
        next += want.length;
        const plan = place(offer.nodes, want, { rng });
        const byId = new Map(want.map((t) => [t.task_id, t]));
        const r = alloc.accept(offer.offer_id, plan.placements.map((p) => ({ task: byId.get(p.task_id)!, node_id: p.node_id })));
        // Plain checks in the loop: expect() per step costs more than the simulation.
        if (r.stale.length > 0) throw new Error(`seed ${seed}: stale entries on a fresh offer: ${r.stale[0]?.reason}`);
        for (const e of r.accepted) running.set(e.task.task_id, { task_id: e.task.task_id, node_id: e.node_id, role: fw, framework_id: fw, group: fw, resources: e.task.resources, host_ports: [] });
      }
    };
    alloc.addFramework({ framework_id: "a", role: "a", weight: 1 });
    offerRound();
    alloc.addFramework({ framework_id: "b", role: "b", weight: weight_b });
    for (let step = 0; step < 300; step++) {
      const ids = [...running.keys()];
      for (let k = 0; k < 3 && ids.length > 0; k++) {
        const id = ids.splice(intnOf(rng, ids.length), 1)[0]!;
        alloc.taskRemoved(id);
        running.delete(id);
      }
      offerRound();
      // No node ever holds more than it has.
      const used = new Map<string, number>();
      for (const t of running.values()) used.set(t.node_id, (used.get(t.node_id) ?? 0) + t.resources.cpus);
      for (const [n, cpus] of used) if (cpus > 4) throw new Error(`seed ${seed}: node ${n} holds ${cpus} of 4 cpus at step ${step}`);
    }
    const share = (role: string): number => alloc.shares().find((s) => s.role === role)?.dominant_share ?? 0;
    return { a: share("a"), b: share("b"), alloc, nodes, tasks: running };
  }

  it("equal weights, different shapes: dominant shares converge to near-equal", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const { a, b } = withSeed(seed, () => churn(seed, 1, { cpus: 1, memory_bytes: 2 * GiB, disk_bytes: 0 }, { cpus: 2, memory_bytes: 1 * GiB, disk_bytes: 0 }));
      expect(Math.abs(a - b), `seed ${seed}: a=${a.toFixed(3)} b=${b.toFixed(3)}`).toBeLessThan(0.08);
    }
  });

  it("weight 2 converges to about twice the share", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const { a, b } = withSeed(seed, () => churn(seed, 2, small, small));
      expect(b / a, `seed ${seed}: a=${a.toFixed(3)} b=${b.toFixed(3)}`).toBeGreaterThan(1.7);
      expect(b / a, `seed ${seed}: a=${a.toFixed(3)} b=${b.toFixed(3)}`).toBeLessThan(2.3);
    }
  });

  it("a rebuild from nodes and tasks reaches the same shares as the incremental path", () => {
    const { alloc, nodes, tasks } = churn(7, 1, small, { cpus: 2, memory_bytes: GiB, disk_bytes: 0 });
    const fresh = new Allocator({ rng: seeded(1) });
    fresh.addFramework({ framework_id: "a", role: "a", weight: 1 });
    fresh.addFramework({ framework_id: "b", role: "b", weight: 1 });
    fresh.rebuild(nodes, [...tasks.values()]);
    // The incremental allocator holds no offers after a round (all accepted or returned).
    expect(fresh.shares()).toEqual(alloc.shares());
    expect(fresh.clusterTotal()).toEqual({ cpus: 160, memory_bytes: 320 * GiB, disk_bytes: 0 });
  });
});

describe("Allocator under random operations (property, 40 seeds)", () => {
  it("keeps used + offered within every node, and reports every offer it takes back", () => {
    for (let seed = 1; seed <= 40; seed++) {
      withSeed(seed, () => {
        const rng = seeded(seed);
        const alloc = new Allocator({ rng: seeded(seed), offer_id_prefix: `s${seed}-` });
        const total = { cpus: 4, memory_bytes: 4 * GiB, disk_bytes: 0 };
        const nodes = Array.from({ length: 6 }, (_, i) => node(`n${i}`, total));
        for (const v of nodes) alloc.upsertNode(v);
        for (const f of ["f1", "f2", "f3"]) alloc.addFramework({ framework_id: f, role: `r${f}`, weight: 1 + intnOf(rng, 3) });
        const outstanding = new Map<string, Offer>();
        const tasks = new Map<string, AllocatedTask>();
        let next = 0;
        const forget = (gone: { offer_id: string }[]): void => gone.forEach((g) => outstanding.delete(g.offer_id));
        for (let step = 0; step < 150; step++) {
          const op = intnOf(rng, 7);
          if (op <= 1) for (const o of alloc.makeOffers()) outstanding.set(o.offer_id, o);
          else if (op === 2 && outstanding.size > 0) {
            const o = [...outstanding.values()][intnOf(rng, outstanding.size)]!;
            outstanding.delete(o.offer_id);
            const want = pendingFor(o.role, next, 1 + intnOf(rng, 6), { cpus: 0.5 + intnOf(rng, 3), memory_bytes: (1 + intnOf(rng, 2)) * GiB, disk_bytes: 0 });
            next += want.length;
            const plan = place(o.nodes, want, { rng });
            const byId = new Map(want.map((t) => [t.task_id, t]));
            const r = alloc.accept(o.offer_id, plan.placements.map((p) => ({ task: byId.get(p.task_id)!, node_id: p.node_id })));
            if (r.stale.length > 0) throw new Error(`accept of a live offer found stale entries: ${r.stale[0]?.reason}`);
            for (const e of r.accepted) tasks.set(e.task.task_id, { task_id: e.task.task_id, node_id: e.node_id, role: o.role, group: e.task.group, resources: e.task.resources, host_ports: [] });
          } else if (op === 3 && outstanding.size > 0) {
            const id = [...outstanding.keys()][intnOf(rng, outstanding.size)]!;
            outstanding.delete(id);
            if (intnOf(rng, 2) === 0) alloc.decline(id);
            else alloc.rescind(id);
          } else if (op === 4 && tasks.size > 0) {
            const id = [...tasks.keys()][intnOf(rng, tasks.size)]!;
            tasks.delete(id);
            alloc.taskRemoved(id);
          } else if (op === 5) {
            // Work the allocator did not offer (another leader's plan, say) lands on a node.
            const t: AllocatedTask = { task_id: `ext-${next++}`, node_id: `n${intnOf(rng, 6)}`, role: "ext", group: "ext", resources: { cpus: 1, memory_bytes: GiB, disk_bytes: 0 }, host_ports: [] };
            tasks.set(t.task_id, t);
            forget(alloc.taskAdded(t));
          } else if (op === 6) {
            const v = nodes[intnOf(rng, nodes.length)]!;
            forget(alloc.upsertNode({ ...v, ready: intnOf(rng, 3) !== 0 }));
          }
          // Invariant: on every node, tasks + outstanding offers fit, or (over-committed by
          // outside work) the node has no offers at all.
          const offered = offeredPerNode([...outstanding.values()]);
          for (const v of nodes) {
            const on = [...tasks.values()].filter((t) => t.node_id === v.node_id);
            const cpu = on.reduce((s, t) => s + Math.round(t.resources.cpus * 1000), 0);
            const mem = on.reduce((s, t) => s + t.resources.memory_bytes, 0);
            const o = offered.get(v.node_id) ?? { cpu: 0, mem: 0 };
            const fits = cpu + o.cpu <= 4000 && mem + o.mem <= 4 * GiB;
            const none = o.cpu === 0 && o.mem === 0;
            if (!fits && !none) throw new Error(`step ${step} (op ${op}): node ${v.node_id} holds ${cpu} mcpu, ${mem / GiB} GiB in tasks and ${o.cpu} mcpu, ${o.mem / GiB} GiB in offers of 4000 mcpu, 4 GiB`);
          }
        }
      });
    }
  });
});
