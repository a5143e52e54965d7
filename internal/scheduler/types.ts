// The scheduler's vocabulary: what placement, plan checking and the DRF allocator read and return.

/** An amount of each resource. cpus may be fractional (0.5) and is counted in thousandths. */
export interface Resources {
  readonly cpus: number;
  readonly memory_bytes: number;
  readonly disk_bytes: number;
}

/**
 * One node as placement sees it: a snapshot the caller builds from the replicated tables.
 * Invariant the caller keeps: `used` and `groups` count the same tasks (those assigned here).
 */
export interface NodeView {
  readonly node_id: string;
  readonly name: string;
  /** Only ready nodes take new tasks (registered, heartbeating, not draining). */
  readonly ready: boolean;
  readonly total: Resources;
  /** Held by tasks assigned here; may exceed total after a node shrinks (then nothing fits). */
  readonly used: Resources;
  /** The agent's built-ins (hostname, os, arch) merged with the user's `--attr k=v`. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Host ports held on this node, by tasks or reserved by the agent. */
  readonly ports_used: ReadonlySet<number> | readonly number[];
  /** Tasks per group already on this node (read by `unique` and by spread). */
  readonly groups: Readonly<Record<string, number>>;
}

/** A parsed constraint; `text` is its normalised source form, used in keys and in reasons. */
export type Constraint =
  | { readonly kind: "eq"; readonly attr: string; readonly value: string; readonly text: string }
  | { readonly kind: "ne"; readonly attr: string; readonly value: string; readonly text: string }
  /** `pattern` is anchored: it must match the attribute's whole value. */
  | { readonly kind: "match"; readonly attr: string; readonly pattern: RegExp; readonly text: string }
  /** At most one task of the group per node. */
  | { readonly kind: "unique"; readonly text: "unique" };

/** A task waiting for a node. */
export interface PendingTask {
  readonly task_id: string;
  /** The service or job the task belongs to: unique and spread count tasks per group. */
  readonly group: string;
  /** The DRF role whose share this task counts against. */
  readonly role: string;
  readonly resources: Resources;
  /** Static host ports the task binds; each must be free on the node. */
  readonly host_ports: readonly number[];
  readonly constraints: readonly Constraint[];
}

export interface Placement {
  readonly task_id: string;
  readonly node_id: string;
}

export interface Unplaced {
  readonly task_id: string;
  /** Why no node took it, summarised across nodes with counts per cause. */
  readonly reason: string;
}

export interface PlaceResult {
  readonly placements: Placement[];
  readonly unplaced: Unplaced[];
}

/** binpack fills the fullest node that fits; spread picks the least loaded and spreads each group. */
export type Strategy = "binpack" | "spread";

/** A seeded source of randomness (raft's SeededRand fits); the scheduler never uses Math.random. */
export interface Rng {
  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number;
}

export interface PlaceOptions {
  /** Default "binpack". */
  readonly strategy?: Strategy;
  /** Breaks ties in node order, so a seed replays a placement exactly. */
  readonly rng: Rng;
  /** Feasible nodes scored per task; default log2(nodes) clamped to [2, 16]; at most candidates_scored_max. */
  readonly candidates_scored?: number;
}

/** One task assigned to one node, as the plan applier receives it. */
export interface PlanEntry {
  readonly task: PendingTask;
  readonly node_id: string;
}

export interface StaleEntry {
  readonly task_id: string;
  readonly node_id: string;
  /** Why the placement no longer holds; the framework places the task again. */
  readonly reason: string;
}

export interface PlanCheck {
  readonly accepted: PlanEntry[];
  readonly stale: StaleEntry[];
}
