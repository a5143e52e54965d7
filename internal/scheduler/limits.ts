// Every bound of the scheduler, named with units last: inputs over a bound get a clear error.

/** Longest constraint string accepted; also bounds the work of compiling and running a regex. */
export const constraint_chars_max = 256;
/** Constraints one task may carry. */
export const constraints_per_task_max = 16;
/** Static host ports one task may ask for. */
export const host_ports_per_task_max = 64;
/** Nodes in one view given to place() or checkPlan(). */
export const nodes_max = 100_000;
/** Tasks in one place() call, and entries in one plan given to checkPlan(). */
export const tasks_per_call_max = 1_000_000;
/** Upper bound on PlaceOptions.candidates_scored. */
export const candidates_scored_max = 64;
/** Bounds of the default candidates_scored, log2(nodes) clamped to this range. */
export const candidates_scored_default_min = 2;
export const candidates_scored_default_max = 16;
/**
 * Distinct constraint sets given their own node index in one place() call. Each index costs
 * memory proportional to the nodes it holds; later sets share the index of all nodes and
 * check their constraints node by node, which is slower but still exact.
 */
export const filter_indexes_max = 64;
/**
 * Full explanations (one pass over every node) per place() call. Tasks of an already-explained
 * shape reuse its reason; beyond this bound a shorter reason without per-node counts is given.
 */
export const unplaced_explained_max = 1024;
/** Causes listed in one reason; the rest are summed as "+N more". */
export const reason_causes_max = 6;
/** Longest id, name, group, role or attribute string the scheduler accepts. */
export const name_chars_max = 256;

/** Allocator: frameworks registered at once. */
export const frameworks_max = 1024;
/** Allocator: a role's weight lies in (0, weight_max]. */
export const weight_max = 1000;
/** Allocator: a node is offered only when at least this much of cpus or memory is free (as Mesos). */
export const offer_cpus_min = 0.01;
export const offer_memory_bytes_min = 32 * 1024 * 1024;
/** Allocator: tasks it tracks (the cluster's running tasks). */
export const allocator_tasks_max = 10_000_000;
