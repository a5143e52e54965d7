// The set of simulated servers: creation, lookup, and the views the simulator needs.
import { MemoryStorage } from "../../raft/index.js";
import type { SimDisk } from "./sim_disk.js";
import { SimNode } from "./sim_node.js";

/** Node ids ever created in one run, including fresh nodes added by membership changes. */
export const cluster_nodes_max = 64;

/** Makes a server's disk holding `initial`; the disk's hooks may need the node, hence the callback. */
export type DiskMaker = (id: number, initial: MemoryStorage) => SimDisk;

export class Cluster {
  private readonly nodes = new Map<number, SimNode>();
  private nextId: number;

  constructor(
    nodeCount: number,
    private readonly makeDisk: DiskMaker,
  ) {
    const ids = Array.from({ length: nodeCount }, (_, i) => i + 1);
    for (const id of ids) this.nodes.set(id, new SimNode(id, makeDisk(id, MemoryStorage.bootstrap(ids))));
    this.nextId = nodeCount + 1;
  }

  /** The id addFresh() will use next. */
  nextFreshId(): number {
    return this.nextId;
  }

  /** A node that joins later: an empty disk, filled by a snapshot from the leader. */
  addFresh(): SimNode {
    if (this.nodes.size >= cluster_nodes_max) throw new Error(`sim: more than cluster_nodes_max=${cluster_nodes_max}`);
    const node = new SimNode(this.nextId, this.makeDisk(this.nextId, new MemoryStorage()));
    this.nodes.set(node.id, node);
    this.nextId += 1;
    return node;
  }

  get(id: number): SimNode | undefined {
    return this.nodes.get(id);
  }

  /** Every node ever created, retired ones too. */
  all(): SimNode[] {
    return [...this.nodes.values()];
  }

  /** Every node not retired, in id order. */
  active(): SimNode[] {
    return [...this.nodes.values()].filter((node) => !node.retired);
  }

  up(): SimNode[] {
    return this.active().filter((node) => node.up);
  }

  activeIds(): number[] {
    return this.active().map((node) => node.id);
  }

  /** The up node that believes it leads the highest term, if any. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    let bestTerm = -1;
    for (const node of this.up()) {
      if (node.live.raft.leader() !== node.id) continue;
      const term = node.live.raft.status().hardState.term;
      if (term > bestTerm) {
        best = node;
        bestTerm = term;
      }
    }
    return best;
  }
}
