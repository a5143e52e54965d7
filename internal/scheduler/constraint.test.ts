// parseConstraint(): the accepted forms, anchored regexes, and errors that name the bad string.
import { describe, expect, it } from "vitest";
import { attributesSatisfy, ConstraintError, parseConstraint, parseConstraints } from "./constraint.js";
import { constraint_chars_max, constraints_per_task_max } from "./limits.js";

const linux = { os: "linux", arch: "amd64", hostname: "web-1" };

describe("parseConstraint", () => {
  it("reads the four forms, ignoring whitespace around the operator", () => {
    expect(parseConstraint(" os == linux ")).toEqual({ kind: "eq", attr: "os", value: "linux", text: "os==linux" });
    expect(parseConstraint("arch!=arm64")).toEqual({ kind: "ne", attr: "arch", value: "arm64", text: "arch!=arm64" });
    expect(parseConstraint("hostname=~web-[0-9]+").kind).toBe("match");
    expect(parseConstraint("unique")).toEqual({ kind: "unique", text: "unique" });
  });

  it("anchors =~: the regex must match the whole value", () => {
    const c = parseConstraint("os=~linux|darwin");
    expect(attributesSatisfy(c, linux)).toBe(true);
    expect(attributesSatisfy(c, { os: "linux-gnu" })).toBe(false);
    expect(attributesSatisfy(parseConstraint("hostname=~web"), linux)).toBe(false);
  });

  it("treats a missing attribute as different (!=) and never equal or matching", () => {
    expect(attributesSatisfy(parseConstraint("rack!=r1"), linux)).toBe(true);
    expect(attributesSatisfy(parseConstraint("rack==r1"), linux)).toBe(false);
    expect(attributesSatisfy(parseConstraint("rack=~.*"), linux)).toBe(false);
    // Own attributes only: Object.prototype has a "constructor".
    expect(attributesSatisfy(parseConstraint("constructor=~.*"), linux)).toBe(false);
  });

  it("keeps the first operator, so values may contain = and !", () => {
    expect(parseConstraint("label==a=b!=c")).toMatchObject({ kind: "eq", attr: "label", value: "a=b!=c" });
  });

  const bad: [string, RegExp][] = [
    ["", /is empty/],
    ["os", /no operator/],
    ["os=linux", /no operator/],
    ["==linux", /attribute name before the operator is missing/],
    ["os==", /value after the operator is missing/],
    ["o s==linux", /attribute "o s" must be letters/],
    ["9os==linux", /must be letters/],
    ["uniq", /no operator/],
    ["os=~(linux", /regex "\(linux" does not compile/],
    ["os=~a)|(b", /does not compile/],
    ["os=~(a+)+", /repeats a repeated group/],
    ["os=~(?:x*)*", /repeats a repeated group/],
    ["x".repeat(constraint_chars_max + 1), new RegExp(`the limit is ${constraint_chars_max}`)],
  ];
  for (const [input, why] of bad) {
    it(`refuses ${JSON.stringify(input.slice(0, 20))}, naming it and the accepted forms`, () => {
      let err: unknown;
      try {
        parseConstraint(input);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConstraintError);
      const message = (err as Error).message;
      expect(message).toMatch(why);
      expect(message).toContain(JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input));
      expect(message).toContain("Accepted forms: attr==value, attr!=value, attr=~regex (must match the whole value), unique");
    });
  }

  it("accepts harmless groups: (ab)+, (?:a|b)+, x{2,3}", () => {
    for (const s of ["h=~(ab)+", "h=~(?:a|b)+", "h=~x{2,3}", "h=~[(+)]+"]) expect(() => parseConstraint(s), s).not.toThrow();
  });

  it("bounds how many constraints one task carries", () => {
    expect(parseConstraints(["os==linux", "unique"])).toHaveLength(2);
    expect(() => parseConstraints(Array.from({ length: constraints_per_task_max + 1 }, () => "unique"))).toThrow(/at most 16 constraints/);
  });
});
