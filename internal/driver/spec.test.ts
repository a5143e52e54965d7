// Tests spec checking, names and byte formatting: each problem names the field and the fix.
import { describe, expect, test } from "vitest";
import { assertTaskId, containerName, formatBytes, specProblems } from "./spec.js";
import type { TaskSpec } from "./types.js";

const good: TaskSpec = { task_id: "web-1", image: "busybox", cpus: 0.5, memory_bytes: 64 * 1024 * 1024 };

describe("specProblems", () => {
  test("a sound spec has none", () => {
    expect(specProblems(good)).toEqual([]);
  });

  test("names each bad field with what would be accepted", () => {
    const problems = specProblems({
      ...good,
      image: "has space",
      cpus: Number.NaN,
      memory_bytes: 10,
      pids_limit: 0,
      command: [],
      env: { "A=B": "x" },
      labels: { "orch.task_id": "spoof" },
      ports: [
        { container_port: 80, host_port: 8080, protocol: "tcp" },
        { container_port: 81, host_port: 8080, protocol: "tcp" },
        { container_port: 0, host_port: 70000, protocol: "tcp" },
      ],
    });
    expect(problems.join("\n")).toMatchInlineSnapshot(`
      "image "has space" is not an image reference
      cpus is NaN; give at least 0.01
      memory_bytes is 10; give a whole number of at least 6291456 (6 MiB)
      pids_limit is 0; give a whole number of at least 1
      command is empty; leave it out to use the image's entrypoint
      env name "A=B" is not valid: it must be non-empty without "=" or NUL
      host_ip is undefined; ports need the host address to bind, e.g. "127.0.0.1"
      port 81/tcp: the same port is published twice; list each once
      port 0/tcp: container_port must be 1–65535
      port 0/tcp: host_port must be 0–65535 (0 lets the engine choose)
      label orch.task_id uses the reserved prefix "orch."; rename it"
    `);
  });
});

describe("names", () => {
  test("task ids that could escape a container name are refused", () => {
    expect(() => assertTaskId("a/b")).toThrow(/task id "a\/b" is not valid/);
    expect(() => assertTaskId("-lead")).toThrow(/starting with a letter or digit/);
    expect(() => assertTaskId("ok_1.2-3")).not.toThrow();
  });

  test("container names put the node first so nodes never share one", () => {
    expect(containerName("node-1", "task_1")).toBe("orch_node-1_task_1");
  });

  test("formatBytes picks the largest exact unit", () => {
    expect(formatBytes(64 * 1024 * 1024)).toBe("64 MiB");
    expect(formatBytes(1536 * 1024)).toBe("1536 KiB");
    expect(formatBytes(2 * 1024 ** 3)).toBe("2 GiB");
    expect(formatBytes(1000)).toBe("1000 bytes");
  });
});
