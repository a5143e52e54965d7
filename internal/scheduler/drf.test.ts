// orderByDrf(): roles take turns by weighted dominant share; with place(), shares come out fair.
import { describe, expect, it } from "vitest";
import { orderByDrf, type RoleUsage } from "./drf.js";
import { GiB, seeded } from "./gen.test-util.js";
import { place } from "./place.js";
import type { NodeView, PendingTask, Resources } from "./types.js";

function tasks(role: string, n: number, resources: Resources): PendingTask[] {
  return Array.from({ length: n }, (_, i) => ({ task_id: `${role}-${i}`, group: role, role, resources, host_ports: [], constraints: [] }));
}

function cluster(nodes: number, per: Resources): NodeView[] {
  return Array.from({ length: nodes }, (_, i) => ({
    node_id: `n${i}`, name: `n${i}`, ready: true, total: per, used: { cpus: 0, memory_bytes: 0, disk_bytes: 0 }, attributes: {}, ports_used: [], groups: {},
  }));
}

/** Dominant share per role of what place() managed to place. */
function placedShares(view: NodeView[], order: PendingTask[], total: Resources): Map<string, number> {
  const r = place(view, order, { rng: seeded(1) });
  const byId = new Map(order.map((t) => [t.task_id, t]));
  const used = new Map<string, { cpus: number; memory_bytes: number }>();
  for (const p of r.placements) {
    const t = byId.get(p.task_id)!;
    const u = used.get(t.role) ?? { cpus: 0, memory_bytes: 0 };
    used.set(t.role, { cpus: u.cpus + t.resources.cpus, memory_bytes: u.memory_bytes + t.resources.memory_bytes });
  }
  return new Map([...used].map(([role, u]) => [role, Math.max(u.cpus / total.cpus, u.memory_bytes / total.memory_bytes)]));
}

const a_shape = { cpus: 1, memory_bytes: 4 * GiB, disk_bytes: 0 };
const b_shape = { cpus: 3, memory_bytes: 1 * GiB, disk_bytes: 0 };

describe("orderByDrf", () => {
  it("follows the DRF paper's example: 9 cpus, 18 GiB; A (1 cpu, 4 GiB) gets 3 tasks, B (3 cpus, 1 GiB) gets 2", () => {
    const total = { cpus: 9, memory_bytes: 18 * GiB, disk_bytes: 0 };
    const order = orderByDrf([...tasks("a", 5, a_shape), ...tasks("b", 5, b_shape)], new Map(), total);
    // Each turn to the lower dominant share: shares after each turn a 2/9, b 1/3, a 4/9, b 2/3, a 2/3 ...
    expect(order.slice(0, 5).map((t) => t.task_id)).toEqual(["a-0", "b-0", "a-1", "b-1", "a-2"]);
    const r = place(cluster(1, total), order, { rng: seeded(1) });
    expect(r.placements.map((p) => p.task_id).sort()).toEqual(["a-0", "a-1", "a-2", "b-0", "b-1"]);
  });

  it("keeps each role's own order and every task exactly once", () => {
    const pending = [...tasks("a", 7, a_shape), ...tasks("b", 4, b_shape), ...tasks("c", 3, a_shape)];
    const order = orderByDrf(pending, new Map(), { cpus: 100, memory_bytes: 100 * GiB, disk_bytes: 0 });
    expect(order).toHaveLength(pending.length);
    expect(new Set(order)).toEqual(new Set(pending));
    for (const role of ["a", "b", "c"]) expect(order.filter((t) => t.role === role)).toEqual(pending.filter((t) => t.role === role));
  });

  it("counts what a role already holds: a role at 50% waits until the other catches up", () => {
    const total = { cpus: 100, memory_bytes: 100 * GiB, disk_bytes: 0 };
    const roles = new Map<string, RoleUsage>([["a", { weight: 1, allocated: { cpus: 50, memory_bytes: 0, disk_bytes: 0 } }]]);
    const order = orderByDrf([...tasks("a", 10, b_shape), ...tasks("b", 30, b_shape)], roles, total);
    // b needs 17 tasks of 3 cpus (51%) to pass a's 50%.
    expect(order.slice(0, 17).every((t) => t.role === "b")).toBe(true);
    expect(order[17]?.role).toBe("a");
  });

  it("equal weights, different shapes: placed dominant shares end near-equal (20 cluster sizes)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const per = { cpus: 8 + (seed % 4) * 4, memory_bytes: (16 + (seed % 3) * 16) * GiB, disk_bytes: 0 };
      const nodes = 10 + seed * 3;
      const total = { cpus: per.cpus * nodes, memory_bytes: per.memory_bytes * nodes, disk_bytes: 0 };
      const pending = [...tasks("a", 2000, a_shape), ...tasks("b", 2000, b_shape)];
      const shares = placedShares(cluster(nodes, per), orderByDrf(pending, new Map(), total), total);
      const a = shares.get("a") ?? 0;
      const b = shares.get("b") ?? 0;
      expect(Math.abs(a - b), `seed ${seed}: shares a=${a.toFixed(3)} b=${b.toFixed(3)}`).toBeLessThan(0.05);
      expect(Math.min(a, b), `seed ${seed}: cluster should be well used`).toBeGreaterThan(0.3);
    }
  });

  it("weight 2 gets about twice the share of weight 1", () => {
    const per = { cpus: 16, memory_bytes: 64 * GiB, disk_bytes: 0 };
    const total = { cpus: 16 * 30, memory_bytes: 64 * GiB * 30, disk_bytes: 0 };
    const roles = new Map<string, RoleUsage>([
      ["heavy", { weight: 2, allocated: { cpus: 0, memory_bytes: 0, disk_bytes: 0 } }],
      ["light", { weight: 1, allocated: { cpus: 0, memory_bytes: 0, disk_bytes: 0 } }],
    ]);
    const shape = { cpus: 1, memory_bytes: GiB, disk_bytes: 0 };
    const shares = placedShares(cluster(30, per), orderByDrf([...tasks("light", 1000, shape), ...tasks("heavy", 1000, shape)], roles, total), total);
    const ratio = (shares.get("heavy") ?? 0) / (shares.get("light") ?? 1);
    expect(ratio).toBeGreaterThan(1.9);
    expect(ratio).toBeLessThan(2.1);
  });

  it("control: first-come order, without DRF, lets the first role take nearly everything", () => {
    const per = { cpus: 16, memory_bytes: 64 * GiB, disk_bytes: 0 };
    const total = { cpus: 16 * 30, memory_bytes: 64 * GiB * 30, disk_bytes: 0 };
    const shape = { cpus: 1, memory_bytes: GiB, disk_bytes: 0 };
    const shares = placedShares(cluster(30, per), [...tasks("first", 1000, shape), ...tasks("second", 1000, shape)], total);
    expect((shares.get("first") ?? 0) - (shares.get("second") ?? 0)).toBeGreaterThan(0.9);
  });
});
