// Test support for the docker driver: unique node ids per run, cleanup by label, the busybox image.
import { randomUUID } from "node:crypto";
import Dockerode from "dockerode";
import type { ContractHarness, ContractProgram } from "../../internal/driver/contract.js";
import { DockerDriver, type DockerDriverOptions } from "../../internal/driver/docker.js";
import { containerName, label_node_id } from "../../internal/driver/spec.js";
import type { Driver, TaskSpec } from "../../internal/driver/types.js";

export const test_image = "orch-test/busybox:latest";
/** A loopback registry nobody listens on: the pull fails at once and nothing leaves the machine. */
export const missing_image = "127.0.0.1:9/orch-missing/nothing:latest";
/** Bounds a pull in tests; the loopback refusal comes back in milliseconds. */
export const test_pull_timeout_ms = 5_000;

export class DockerTestNodes {
  readonly docker = new Dockerode();
  private readonly run = randomUUID().slice(0, 8);
  private readonly node_ids = new Set<string>();
  private next = 0;

  driver(options: Partial<DockerDriverOptions> = {}): DockerDriver {
    const node_id = `t-${this.run}-${this.next++}`;
    this.node_ids.add(node_id);
    return this.on(node_id, options);
  }

  /** Another driver instance for a node this run already made: an agent restart. */
  on(node_id: string, options: Partial<DockerDriverOptions> = {}): DockerDriver {
    return new DockerDriver({ docker: this.docker, pull_timeout_ms: test_pull_timeout_ms, ...options, node_id });
  }

  /** Removes every container any node of this run made, whatever state the tests left them in. */
  async cleanup(): Promise<void> {
    // One label filter (key only) then a set check: the engine ANDs repeated label filters.
    const containers = await this.docker.listContainers({ all: true, filters: { label: [label_node_id] } });
    const ids = containers
      .filter((container) => this.node_ids.has(container.Labels[label_node_id] ?? ""))
      .map((container) => container.Id);
    await Promise.all(ids.map((id) => this.docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
  }
}

export function shellProgram(program: ContractProgram): Pick<TaskSpec, "image" | "command" | "args"> {
  switch (program.kind) {
    case "sleep":
      return { image: test_image, command: ["sleep", "3600"] };
    case "exit": {
      // The suite's lines are plain words, so single quotes are enough.
      const lines = [
        ...(program.stdout ?? []).map((text) => `echo '${text}'`),
        ...(program.stderr ?? []).map((text) => `echo '${text}' >&2`),
      ];
      return { image: test_image, command: ["sh", "-c", [...lines, `exit ${program.code}`].join("; ")] };
    }
    case "missing_executable":
      return { image: test_image, command: ["/nonexistent-program"] };
  }
}

export function dockerHarness(): ContractHarness {
  const nodes = new DockerTestNodes();
  return {
    driver: (options) => nodes.driver(options),
    restart: (previous: Driver, options) => nodes.on(previous.node_id, options),
    otherNode: () => nodes.driver(),
    program: shellProgram,
    missing_image,
    removeBehindBack: async (driver, task_id) => {
      await nodes.docker.getContainer(containerName(driver.node_id, task_id)).remove({ force: true });
    },
    advance: async () => undefined,
    cleanup: () => nodes.cleanup(),
  };
}
