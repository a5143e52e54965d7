// What a subscribing framework is told (in an ERROR event) when its FrameworkInfo breaks Mesos's rules.
import { describe, expect, it } from "vitest";
import { frameworkProblem, frameworkRoles } from "./framework-validate.js";
import type { FrameworkInfo } from "./types-framework.js";

const multi = (roles: string[]): FrameworkInfo => ({ user: "u", name: "n", roles, capabilities: [{ type: "MULTI_ROLE" }] });

describe("frameworkRoles", () => {
  it("reads roles for MULTI_ROLE frameworks and the single role (default *) for the others", () => {
    expect(frameworkRoles(multi(["a", "b"]))).toEqual(["a", "b"]);
    expect(frameworkRoles({ user: "u", name: "n" })).toEqual(["*"]);
    expect(frameworkRoles({ user: "u", name: "n", role: "web" })).toEqual(["web"]);
  });
});

describe("frameworkProblem", () => {
  it("accepts the usual shapes", () => {
    expect(frameworkProblem({ user: "u", name: "n", failover_timeout: 604800 })).toBeNull();
    expect(frameworkProblem(multi(["eng/web", "ops"]), ["ops"])).toBeNull();
  });

  it("says which role field is wrong for the framework's capabilities", () => {
    expect(frameworkProblem({ ...multi([]), role: "x" })).toBe("'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable");
    expect(frameworkProblem({ user: "u", name: "n", roles: ["x"] })).toBe("'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable");
    expect(frameworkProblem(multi(["a", "a"]))).toBe("'FrameworkInfo.roles' contains duplicate items: { a }");
  });

  it("refuses role names Mesos refuses", () => {
    expect(frameworkProblem(multi(["/a"]))).toBe("'FrameworkInfo.roles' contains invalid role: Role '/a' cannot start with a slash");
    expect(frameworkProblem(multi(["a/../b"]))).toBe("'FrameworkInfo.roles' contains invalid role: Role 'a/../b' cannot include '..' as a component");
    expect(frameworkProblem({ user: "u", name: "n", role: "-x" })).toBe("'FrameworkInfo.role' is not a valid role: Role component '-x' is invalid because it starts with a dash");
    expect(frameworkProblem(multi(["a b"]))).toMatch(/contains backspace or whitespace$/);
  });

  it("refuses a bad framework id, an impossible failover timeout, and suppressed roles it does not hold", () => {
    expect(frameworkProblem({ user: "u", name: "n", id: { value: "a/b" } })).toBe("'a/b' contains invalid characters");
    expect(frameworkProblem({ user: "u", name: "n", failover_timeout: 1e12 })).toBe("The framework failover_timeout (1000000000000) is invalid");
    expect(frameworkProblem(multi(["a"]), ["b"])).toBe("Suppressed roles { b } are not contained in the set of roles");
  });
});
