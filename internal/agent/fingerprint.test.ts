// Fingerprint: overrides, the host reserve, and the clamp that keeps a small machine useful.
import os from "node:os";
import { describe, expect, test } from "vitest";
import { fingerprint, reserve_cpus_default, reserve_memory_bytes_default } from "./fingerprint.js";

const mib = 1024 * 1024;

describe("fingerprint", () => {
  test("detected totals minus the default reserve, plus built-in attributes", async () => {
    const facts = await fingerprint({ data_dir: os.tmpdir() });
    expect(facts.resources.cpus).toBeCloseTo(os.availableParallelism() - reserve_cpus_default, 2);
    expect(facts.resources.memory_bytes).toBe(os.totalmem() - reserve_memory_bytes_default);
    expect(facts.resources.disk_bytes).toBeGreaterThan(0);
    expect(facts.attributes).toMatchObject({ hostname: os.hostname(), os: os.platform(), arch: os.arch() });
  });

  test("overrides and user attributes win", async () => {
    const facts = await fingerprint({ data_dir: os.tmpdir(), cpus: 8, memory_bytes: 4096 * mib, reserve_cpus: 1, reserve_memory_bytes: 512 * mib, attributes: { os: "custom", rack: "r1" } });
    expect(facts.resources).toMatchObject({ cpus: 7, memory_bytes: 3584 * mib });
    expect(facts.attributes).toMatchObject({ os: "custom", rack: "r1" });
  });

  test("the reserve never takes more than half of a small machine", async () => {
    const facts = await fingerprint({ data_dir: os.tmpdir(), cpus: 0.1, memory_bytes: 256 * mib });
    expect(facts.resources.cpus).toBeCloseTo(0.05, 2);
    expect(facts.resources.memory_bytes).toBe(128 * mib);
  });
});
