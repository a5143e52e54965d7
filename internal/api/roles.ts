// The roles API shared by the routes, the client and the CLI: GET /v1/roles, PUT /v1/roles/:role.
import type { RoleResources } from "../fsm/roles.js";

export type { RoleResources } from "../fsm/roles.js";

/** A role as GET /v1/roles lists it. */
export interface RoleView {
  role: string;
  /** > 0; weight 2 is entitled to twice the share of weight 1. */
  weight: number;
  /** Resources promised to the role; a resource left out is not guaranteed. */
  guarantee: RoleResources;
  /** Resources the role's tasks may hold at most; a resource left out is not limited. */
  limit: RoleResources;
  /** False for a role only services, tasks or frameworks use: weight 1, no guarantee, no limit. */
  configured: boolean;
  /** What the role's active tasks hold. */
  used: { cpus: number; memory_bytes: number; disk_bytes: number };
  tasks_active: number;
  /** Running services and jobs that name the role. */
  services: number;
  /** Registered external frameworks that subscribed with the role. */
  frameworks: string[];
  version?: number;
  updated_at_ms?: number;
}

/** The body of PUT /v1/roles/:role: a field left out keeps its value; null clears a guarantee or limit. */
export interface RoleChange {
  weight?: number;
  guarantee?: RoleResources | null;
  limit?: RoleResources | null;
}
