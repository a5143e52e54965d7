// The allocator's public records: frameworks, tracked tasks, offers and per-role shares.
import type { NodeView, Resources, Rng } from "./types.js";

export interface FrameworkInfo {
  readonly framework_id: string;
  /** Frameworks of one role share its weight and its DRF share. */
  readonly role: string;
  /** In (0, weight_max]; weight 2 is entitled to twice the share of weight 1. */
  readonly weight: number;
}

/** A task holding resources on a node, as the task table records it. */
export interface AllocatedTask {
  readonly task_id: string;
  readonly node_id: string;
  readonly role: string;
  /** Absent for tasks whose framework is gone; they still count against their role. */
  readonly framework_id?: string;
  readonly group: string;
  readonly resources: Resources;
  readonly host_ports: readonly number[];
}

/**
 * Resources on some nodes held for one framework until it accepts, declines, or the allocator
 * rescinds them. Each node view's free part (total − used) is exactly what is offered, so
 * place(offer.nodes, tasks) plans within the offer.
 */
export interface Offer {
  readonly offer_id: string;
  readonly framework_id: string;
  readonly role: string;
  readonly nodes: readonly NodeView[];
}

/** An offer taken back; the caller tells the framework. */
export interface Rescinded {
  readonly offer_id: string;
  readonly framework_id: string;
}

export interface RoleShare {
  readonly role: string;
  readonly weight: number;
  /** Held by the role's tasks. */
  readonly allocated: Resources;
  /** Held in outstanding offers to the role's frameworks. */
  readonly offered: Resources;
  /** Of allocated alone: the largest fraction of any one cluster resource. */
  readonly dominant_share: number;
  /** (allocated + offered) dominant share / weight: the number DRF orders roles by. */
  readonly weighted_share: number;
}

export interface AllocatorOptions {
  /** Shuffles the node order of each offer round, so the same nodes are not always offered first. */
  readonly rng: Rng;
  /** Prefix of offer ids, e.g. the leader's term, so ids stay unique across leaders. Default "o". */
  readonly offer_id_prefix?: string;
  /** One offer per node (Mesos's offers are per agent) instead of one per framework per round. */
  readonly offer_per_node?: boolean;
}
