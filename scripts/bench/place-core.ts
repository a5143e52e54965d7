// Timing of the pure place() over generated clusters, as JSON lines.
// Usage: npx tsx scripts/bench/place-core.ts [nodes] [tasks]
import { parseConstraint } from "../../internal/scheduler/constraint.js";
import { place } from "../../internal/scheduler/place.js";
import { intn, SeededRng } from "../../internal/scheduler/rng.js";
import type { NodeView, PendingTask, Rng, Strategy } from "../../internal/scheduler/types.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const nodes_count = Number(process.argv[2] ?? 10_000);
const tasks_count = Number(process.argv[3] ?? 100_000);

function nodes(rng: Rng, n: number, cpus: number): NodeView[] {
  return Array.from({ length: n }, (_, i) => ({
    node_id: `n${i}`,
    name: `host-${i}`,
    ready: intn(rng, 100) !== 0,
    total: { cpus, memory_bytes: cpus * 4 * GiB, disk_bytes: 500 * GiB },
    used: { cpus: 0, memory_bytes: 0, disk_bytes: 0 },
    attributes: { hostname: `host-${i}`, os: intn(rng, 10) === 0 ? "windows" : "linux", arch: intn(rng, 4) === 0 ? "arm64" : "amd64", rack: `r${intn(rng, 20)}` },
    ports_used: [],
    groups: {},
  }));
}

const constraint_sets = [[], [], [], ["os==linux"], ["arch==arm64"], ["rack=~r1[0-9]"], ["os!=windows", "unique"]].map((s) => s.map(parseConstraint));

/** exact_shapes: tasks pick from a few sizes (as services do); otherwise every task differs. */
function tasks(rng: Rng, n: number, exact_shapes: boolean): PendingTask[] {
  return Array.from({ length: n }, (_, i) => {
    const group = `g${intn(rng, 2000)}`;
    const cpus = exact_shapes ? [0.25, 0.5, 1, 2, 4][intn(rng, 5)]! : (1 + intn(rng, 4000)) / 1000;
    const memory_bytes = exact_shapes ? [256 * MiB, 512 * MiB, GiB, 4 * GiB][intn(rng, 4)]! : (64 + intn(rng, 8000)) * MiB;
    const unique_group = Number(group.slice(1)) % 7 === 6;
    return {
      task_id: `t${i}`,
      group,
      role: `role${intn(rng, 3)}`,
      resources: { cpus, memory_bytes, disk_bytes: GiB },
      host_ports: intn(rng, 50) === 0 ? [8000 + intn(rng, 20)] : [],
      constraints: constraint_sets[unique_group ? 6 : intn(rng, 6)]!,
    };
  });
}

for (const [label, cpus, exact] of [["roomy", 32, true], ["roomy-random-shapes", 32, false], ["overfull", 8, true], ["overfull-random-shapes", 8, false]] as const) {
  for (const strategy of ["binpack", "spread"] as Strategy[]) {
    const rng = new SeededRng(7);
    const view = nodes(rng, nodes_count, cpus);
    const pending = tasks(rng, tasks_count, exact);
    const t0 = performance.now();
    const r = place(view, pending, { strategy, rng: new SeededRng(1) });
    const ms = performance.now() - t0;
    const nodes_used = new Set(r.placements.map((p) => p.node_id)).size;
    console.log(JSON.stringify({ bench: "place", cluster: label, strategy, nodes: nodes_count, tasks: tasks_count, ms: Math.round(ms), placed: r.placements.length, unplaced: r.unplaced.length, nodes_used }));
  }
}
