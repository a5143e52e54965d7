// FitTree: first-fit answers equal a plain scan, before and after nodes are charged.
import { describe, expect, it } from "vitest";
import { FitTree } from "./fit-tree.js";
import { GiB, intnOf, seeded } from "./gen.test-util.js";
import { NodeTable } from "./node-table.js";
import type { NodeView } from "./types.js";

describe("FitTree.firstFit", () => {
  it("matches a linear scan over random nodes, ranges, demands and charges (60 seeds)", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rng = seeded(seed);
      const n = 1 + intnOf(rng, 70);
      const views: NodeView[] = Array.from({ length: n }, (_, i) => ({
        node_id: `n${i}`, name: `n${i}`, ready: true,
        total: { cpus: 8, memory_bytes: 16 * GiB, disk_bytes: 10 * GiB },
        used: { cpus: intnOf(rng, 9), memory_bytes: intnOf(rng, 17) * GiB, disk_bytes: intnOf(rng, 11) * GiB },
        attributes: {}, ports_used: [], groups: {},
      }));
      const table = new NodeTable(views);
      const order = Int32Array.from(Array.from({ length: n }, (_, i) => i).filter(() => intnOf(rng, 4) !== 0).sort(() => 0));
      const tree = new FitTree(order, table);
      const banned = new Set(Array.from({ length: 3 }, () => intnOf(rng, n)));
      const accept = (node: number): boolean => !banned.has(node);
      for (let q = 0; q < 200; q++) {
        const need = { cpu_millis: intnOf(rng, 5) * 1000, memory_bytes: intnOf(rng, 9) * GiB, disk_bytes: intnOf(rng, 4) * GiB };
        const from = intnOf(rng, order.length + 1);
        const to = from + intnOf(rng, order.length - from + 1);
        let expected = -1;
        for (let p = from; p < to; p++) {
          const node = order[p]!;
          if (table.fits(node, need) && accept(node)) {
            expected = p;
            break;
          }
        }
        const got = tree.firstFit(from, to, need.cpu_millis, need.memory_bytes, need.disk_bytes, accept);
        expect(got, `seed ${seed} query ${q}: need ${JSON.stringify(need)} in [${from}, ${to})`).toBe(expected);
        if (got >= 0 && intnOf(rng, 2) === 0) {
          const node = order[got]!;
          table.take(node, need, [], "g");
          tree.update(node);
        }
      }
    }
  });
});
