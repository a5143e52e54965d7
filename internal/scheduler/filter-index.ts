// One fit index per distinct set of attribute constraints: the ready nodes that pass them, ordered
// for the strategy (binpack: fullest first; spread: seeded shuffle), built once per place() call.
import { attributesSatisfy } from "./constraint.js";
import { FitTree } from "./fit-tree.js";
import { filter_indexes_max } from "./limits.js";
import type { NodeTable } from "./node-table.js";
import { zeroAmount } from "./resources.js";
import type { CompiledTask } from "./task-check.js";
import type { Rng, Strategy } from "./types.js";

export interface Filter {
  readonly tree: FitTree;
  /** Set for tasks past filter_indexes_max: they share the index of all ready nodes and check constraints per node. */
  readonly check_attributes: boolean;
  /** spread: where the next search begins, so successive tasks visit the nodes round-robin. */
  cursor: number;
}

export class FilterIndex {
  private readonly filters = new Map<string, Filter>();
  private readonly trees: FitTree[] = [];
  /** Per node, a random number that breaks ties in node order (the only use of the rng). */
  private readonly tie: Uint32Array;

  constructor(private readonly table: NodeTable, private readonly strategy: Strategy, rng: Rng) {
    this.tie = new Uint32Array(table.count);
    for (let i = 0; i < table.count; i++) this.tie[i] = rng.nextUint32();
  }

  get(task: CompiledTask): Filter {
    const found = this.filters.get(task.filter_key);
    if (found !== undefined) return found;
    let filter: Filter;
    if (this.trees.length < filter_indexes_max || task.filter_key === "") {
      const tree = this.build(task);
      this.trees.push(tree);
      filter = { tree, check_attributes: false, cursor: 0 };
    } else {
      const all = this.filters.get("") ?? this.get({ ...task, attr_constraints: [], filter_key: "" });
      filter = { tree: all.tree, check_attributes: true, cursor: 0 };
    }
    this.filters.set(task.filter_key, filter);
    return filter;
  }

  /** After the table charged node i, every index that holds it re-reads its free amounts. */
  update(node: number): void {
    for (const tree of this.trees) tree.update(node);
  }

  private build(task: CompiledTask): FitTree {
    const t = this.table;
    const passing: number[] = [];
    for (let i = 0; i < t.count; i++) {
      const v = t.view(i);
      if (v.ready && task.attr_constraints.every((c) => attributesSatisfy(c, v.attributes))) passing.push(i);
    }
    const tie = this.tie;
    if (this.strategy === "binpack") {
      // Fullest first, so first-fit from the front is close to best-fit.
      const zero = zeroAmount();
      const load = new Float64Array(t.count);
      for (const i of passing) load[i] = t.loadAfter(i, zero);
      passing.sort((a, b) => load[b]! - load[a]! || tie[a]! - tie[b]! || a - b);
    } else {
      passing.sort((a, b) => tie[a]! - tie[b]! || a - b);
    }
    return new FitTree(Int32Array.from(passing), t);
  }
}
