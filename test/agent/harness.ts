// Starts agents against a FakeServer in temporary data folders, and cleans both up.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Agent, type AgentOptions } from "../../internal/agent/agent.js";
import { WallClockMock } from "../../internal/agent/mock-runtime.js";
import { streamLogger } from "../../internal/log/logger.js";
import type { TaskSpec } from "../../internal/driver/types.js";

export const mib = 1024 * 1024;
export const test_image = "orch-test/busybox:latest";

/** Fast pacing so reconnects and retries happen within a test. */
export const fast_limits = { backoff_ms_min: 20, backoff_ms_max: 200, assignments_silence_ms: 1_000, request_timeout_ms: 2_000, watch_retry_ms: 100 };

export const quiet = streamLogger(process.env["ORCH_TEST_LOG"] === "1" ? "debug" : "error");

export class AgentHarness {
  readonly mock = new WallClockMock();
  private readonly dirs: string[] = [];
  private readonly agents = new Set<Agent>();

  async dataDir(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "orch-agent-test-"));
    this.dirs.push(dir);
    return dir;
  }

  /** An agent on the shared mock engine (a restart with the same data_dir sees the same containers). */
  async start(join: string[], data_dir: string, extra: Partial<AgentOptions> = {}): Promise<Agent> {
    const agent = await Agent.start({
      join,
      data_dir,
      bind: "127.0.0.1",
      http_port: 0,
      driver: ({ node_id, stop_intents }) => this.mock.driver(node_id, stop_intents),
      driver_kind: "mock",
      logger: quiet,
      limits: fast_limits,
      ...extra,
    });
    this.agents.add(agent);
    return agent;
  }

  async stop(agent: Agent): Promise<void> {
    this.agents.delete(agent);
    await agent.stop();
  }

  async cleanup(): Promise<void> {
    for (const agent of this.agents) await agent.stop();
    this.agents.clear();
    this.mock.close();
    for (const dir of this.dirs) await rm(dir, { recursive: true, force: true });
  }
}

/** A mock task: runs until stopped, or exits with `exit_code` after `run_ms`. */
export function mockSpec(task_id: string, program: { run_ms?: number; exit_code?: number; output?: { stream: "stdout" | "stderr"; text: string }[] } = {}): TaskSpec {
  return { task_id, image: test_image, command: ["mock", JSON.stringify(program)], cpus: 0.1, memory_bytes: 32 * mib };
}
