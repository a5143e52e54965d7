// Guarantees and limits as people write them: amounts in the units of orch run, none to clear, errors naming the flag.
import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import { formatRoleResources, parseRoleResources } from "./resources.js";

describe("parseRoleResources", () => {
  it("reads cpus, mem and disk in orch run's units, 0 included, and none as clear", () => {
    expect(parseRoleResources("--quota", "cpus=8,mem=16g")).toEqual({ cpus: 8, memory_bytes: 16 * 1024 ** 3 });
    expect(parseRoleResources("--quota", " cpus=250m , disk=100g ,memory=512m")).toEqual({ cpus: 0.25, disk_bytes: 100 * 1024 ** 3, memory_bytes: 512 * 1024 ** 2 });
    expect(parseRoleResources("--quota", "cpus=0")).toEqual({ cpus: 0 });
    expect(parseRoleResources("--guarantee", "none")).toBeNull();
    expect(formatRoleResources(parseRoleResources("--quota", "cpus=8,mem=16g,disk=1.5g")!)).toBe("cpus=8,mem=16g,disk=1.5g");
    expect(formatRoleResources({})).toBe("-");
  });

  it.each([
    ["", /--quota is empty/],
    ["gpus=1", /--quota: "gpus=1" names no resource; use cpus, mem or disk/],
    ["cpus", /--quota: cpus has no amount/],
    ["cpus=8,cpus=4", /--quota: cpus is given twice/],
    ["mem=lots", /--quota mem= "lots" is not an amount of memory/],
    ["cpus=-1", /--quota cpus= "-1" is not a CPU amount/],
  ])("refuses %j naming the flag", (raw, message) => {
    expect(() => parseRoleResources("--quota", raw)).toThrow(UsageError);
    expect(() => parseRoleResources("--quota", raw)).toThrow(message);
  });
});
