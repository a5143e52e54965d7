// Mesos's checks on a subscribing framework's FrameworkInfo (validation.cpp, framework::validate); an error ends in an ERROR event.
import { capabilitiesOf } from "./status-filter.js";
import { idProblem } from "./ids.js";
import type { FrameworkInfo } from "./types-framework.js";

/** Duration::create's range: int64 nanoseconds. */
const duration_seconds_max = 9_223_372_036;

/** The roles the framework subscribes with: `roles` for MULTI_ROLE frameworks, else the single `role` ("*" unset). */
export function frameworkRoles(info: FrameworkInfo): string[] {
  return capabilitiesOf(info).has("MULTI_ROLE") ? [...(info.roles ?? [])] : [info.role ?? "*"];
}

/** roles::validate: a role path of components without ".", "..", "*", a leading "-", or whitespace. */
export function roleProblem(role: string): string | null {
  if (role === "*") return null;
  if (role.startsWith("/")) return `Role '${role}' cannot start with a slash`;
  if (role.endsWith("/")) return `Role '${role}' cannot end with a slash`;
  if (role.includes("//")) return `Role '${role}' cannot contain two adjacent slashes`;
  const components = role.split("/").filter((c) => c !== "");
  if (components.length === 0) return "Role names cannot be the empty string";
  for (const c of components) {
    if (c === "." || c === ".." || c === "*") return `Role '${role}' cannot include '${c}' as a component`;
    if (c.startsWith("-")) return `Role component '${c}' is invalid because it starts with a dash`;
    if (/[\x08\s]/.test(c)) return `Role component '${c}' is invalid because it contains backspace or whitespace`;
  }
  return null;
}

/** null, or Mesos's sentence for the first problem. `suppressed_roles` from Subscribe or UpdateFramework. */
export function frameworkProblem(info: FrameworkInfo, suppressed_roles: readonly string[] = []): string | null {
  const multi_role = capabilitiesOf(info).has("MULTI_ROLE");
  if (multi_role && info.role !== undefined) return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
  if (!multi_role && (info.roles ?? []).length > 0) return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
  const roles = frameworkRoles(info);
  const duplicates = roles.filter((r, i) => roles.indexOf(r) !== i);
  if (duplicates.length > 0) return `'FrameworkInfo.roles' contains duplicate items: { ${[...new Set(duplicates)].join(", ")} }`;
  for (const role of roles) {
    const problem = roleProblem(role);
    if (problem !== null) return multi_role ? `'FrameworkInfo.roles' contains invalid role: ${problem}` : `'FrameworkInfo.role' is not a valid role: ${problem}`;
  }
  if (info.id !== undefined && info.id.value !== "") {
    const problem = idProblem(info.id.value);
    if (problem !== null) return problem;
  }
  const timeout = info.failover_timeout ?? 0;
  if (!Number.isFinite(timeout) || Math.abs(timeout) > duration_seconds_max) return `The framework failover_timeout (${timeout}) is invalid`;
  const unknown = suppressed_roles.filter((r) => !roles.includes(r));
  if (unknown.length > 0) return `Suppressed roles { ${unknown.join(", ")} } are not contained in the set of roles`;
  return null;
}
