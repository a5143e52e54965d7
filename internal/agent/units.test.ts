// Resource amounts from flags: accepted spellings and clear refusals.
import { describe, expect, test } from "vitest";
import { UsageError } from "../cli/errors.js";
import { parseAttributes } from "./fingerprint.js";
import { parseBytes, parseCpus } from "./units.js";

describe("parseBytes", () => {
  test.each([
    ["512m", 512 * 1024 ** 2],
    ["1g", 1024 ** 3],
    ["1.5g", 1.5 * 1024 ** 3],
    ["1073741824", 1073741824],
    ["64MiB", 64 * 1024 ** 2],
    ["2G", 2 * 1024 ** 3],
  ])("%s", (raw, bytes) => expect(parseBytes("--mem", raw)).toBe(bytes));

  test.each(["", "abc", "1x", "-1g", "1.g", "g"])("refuses %j naming the flag and the accepted forms", (raw) => {
    expect(() => parseBytes("--mem", raw)).toThrow(UsageError);
    expect(() => parseBytes("--mem", raw)).toThrow(/--mem .* 512m, 1g, 1.5g/);
  });
});

describe("parseCpus", () => {
  test("decimals", () => {
    expect(parseCpus("--cpus", "2")).toBe(2);
    expect(parseCpus("--cpus", "0.5")).toBe(0.5);
  });
  test.each(["two", "-1", "1e3", ""])("refuses %j", (raw) => expect(() => parseCpus("--cpus", raw)).toThrow(/--cpus .*not a number of CPUs/));
});

describe("parseAttributes", () => {
  test("key=value pairs, the last one of a key wins", () => {
    expect(parseAttributes("--attr", ["rack=r1", "zone=a", "rack=r2"])).toEqual({ rack: "r2", zone: "a" });
  });
  test.each(["rack", "=x", "bad key=x"])("refuses %j", (raw) => expect(() => parseAttributes("--attr", [raw])).toThrow(/--attr .*key=value/));
});
