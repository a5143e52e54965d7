// The scheduling core's public surface: placement, plan checking, constraints, DRF and the allocator.
// Pure: no I/O, no clock, no Math.random; it imports nothing from the server, Raft, storage or Node.
export type {
  Constraint,
  NodeView,
  PendingTask,
  Placement,
  PlaceOptions,
  PlaceResult,
  PlanCheck,
  PlanEntry,
  Resources,
  Rng,
  StaleEntry,
  Strategy,
  Unplaced,
} from "./types.js";
export type { AllocatedTask, AllocatorOptions, FrameworkInfo, Offer, Rescinded, RoleShare } from "./allocator-types.js";
export type { RoleUsage } from "./drf.js";
export { place } from "./place.js";
export { checkPlan } from "./check-plan.js";
export { ConstraintError, constraint_forms, parseConstraint, parseConstraints } from "./constraint.js";
export { orderByDrf } from "./drf.js";
export { Allocator } from "./allocator.js";
export { SeededRng } from "./rng.js";
export * from "./limits.js";
