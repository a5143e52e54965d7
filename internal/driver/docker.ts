// The Docker driver: runs each task as one labelled container with enforced CPU, memory and pids limits.
import Dockerode from "dockerode";
import { createOptions } from "./docker-create.js";
import { engineMessage, isConflict, isNotFound, isNotRunning } from "./docker-errors.js";
import { changedTaskIds } from "./docker-events.js";
import { containerLogLines } from "./docker-logs.js";
import { ensureImage } from "./docker-pull.js";
import { statusFromInspect } from "./docker-status.js";
import { DriverError, DriverTimeoutError, TaskActiveError, UnknownTaskError } from "./errors.js";
import { FailureMemory } from "./failure-memory.js";
import {
  assertNodeId,
  assertTaskId,
  containerName,
  label_managed,
  label_node_id,
  label_task_id,
  specProblems,
} from "./spec.js";
import { imageUnavailableStatus, invalidSpecStatus, isTerminal, lostStatus, startFailedStatus } from "./states.js";
import { MemoryStopIntents, type StopIntents } from "./stop-intents.js";
import { TaskLocks } from "./task-locks.js";
import type {
  Driver,
  LogLine,
  LogOptions,
  RemoveOptions,
  StopOptions,
  TaskSpec,
  TaskStatus,
  TerminalStatus,
  WaitOptions,
  WatchOptions,
} from "./types.js";

export interface DockerDriverOptions {
  node_id: string;
  /** Defaults to the local engine socket. */
  docker?: Dockerode;
  /** Bound on an image pull before the task is FAILED with image_unavailable. */
  pull_timeout_ms?: number;
  /** After SIGKILL, how long the engine gets to report the exit before stop() gives up. */
  kill_confirm_timeout_ms?: number;
  /** Shared with the agent's store so a restarted driver still reports its stops as KILLED. */
  stop_intents?: StopIntents;
  /** Run docker-init as PID 1 (default true). */
  init?: boolean;
  log_file_bytes_max?: number;
  log_files_max?: number;
}

/** How often wait() looks again at a task that is not running yet (STAGING or STARTING). */
const not_started_poll_ms = 50;
/** Parallel inspects in list(); enough to hide latency without flooding the engine. */
const list_inspect_parallel_max = 8;
/** How long a fresh exit 137 is re-inspected for a late OOM flag (polls × interval); a loaded machine can deliver it late, so the window is 2 s. */
const oom_flag_polls_max = 40;
const oom_flag_poll_ms = 50;
const exit_sigkill = 137;
/** How long the loser of a create race waits for the winner's container to become visible. */
const name_conflict_polls_max = 100;
const name_conflict_poll_ms = 20;

export class DockerDriver implements Driver {
  readonly node_id: string;
  private readonly docker: Dockerode;
  private readonly locks = new TaskLocks();
  private readonly failures = new FailureMemory();
  private readonly starting = new Set<string>();
  private readonly stop_requested: StopIntents;
  /** Tasks whose container this instance has seen; one that vanishes is LOST rather than unknown. */
  private readonly seen = new Set<string>();
  private readonly pull_timeout_ms: number;
  private readonly kill_confirm_timeout_ms: number;
  private readonly settings: { init: boolean; log_file_bytes_max: number; log_files_max: number };

  constructor(options: DockerDriverOptions) {
    assertNodeId(options.node_id);
    this.node_id = options.node_id;
    this.docker = options.docker ?? new Dockerode();
    this.stop_requested = options.stop_intents ?? new MemoryStopIntents();
    this.pull_timeout_ms = options.pull_timeout_ms ?? 5 * 60_000;
    this.kill_confirm_timeout_ms = options.kill_confirm_timeout_ms ?? 10_000;
    this.settings = {
      init: options.init ?? true,
      log_file_bytes_max: options.log_file_bytes_max ?? 16 * 1024 * 1024,
      log_files_max: options.log_files_max ?? 2,
    };
  }

  async start(spec: TaskSpec): Promise<TaskStatus> {
    assertTaskId(spec.task_id);
    return this.locks.run(spec.task_id, async () => {
      const existing = await this.inspectContainer(spec.task_id);
      if (existing !== undefined) {
        const status = this.toStatus(spec.task_id, existing);
        if (status.state !== "STAGING") return status;
        // Created by an agent that died before starting it: finish the job instead of making another.
        return this.startContainer(spec.task_id);
      }
      const remembered = this.failures.get(spec.task_id);
      if (remembered !== undefined) return remembered;
      return this.createAndStart(spec);
    });
  }

  private async createAndStart(spec: TaskSpec): Promise<TaskStatus> {
    const who = this.who(spec.task_id);
    const problems = specProblems(spec);
    if (problems.length > 0) return this.failures.remember(invalidSpecStatus(who, problems));
    this.starting.add(spec.task_id);
    try {
      const image = await ensureImage(this.docker, spec.image, this.pull_timeout_ms);
      if (!image.ok) return this.failures.remember(imageUnavailableStatus(who, spec.image, image.cause));
      try {
        await this.docker.createContainer({ ...createOptions(spec, { node_id: this.node_id, ...this.settings }) });
      } catch (error) {
        if (!isConflict(error)) return this.failures.remember(startFailedStatus(who, engineMessage(error)));
        // Another driver instance on this engine won the race for the name: use its container.
        await this.awaitNamedContainer(spec.task_id);
      }
      this.seen.add(spec.task_id);
      return await this.startContainer(spec.task_id);
    } finally {
      this.starting.delete(spec.task_id);
    }
  }

  /** The engine reserves a name before the container can be inspected; the loser of a race waits for it. */
  private async awaitNamedContainer(task_id: string): Promise<void> {
    for (let attempt = 0; attempt < name_conflict_polls_max; attempt += 1) {
      if ((await this.inspectContainer(task_id)) !== undefined) return;
      await new Promise((resolve) => setTimeout(resolve, name_conflict_poll_ms));
    }
    throw new DriverError(
      "engine",
      `task ${task_id}: the engine says container ${containerName(this.node_id, task_id)} exists but does not show it ` +
        `after ${name_conflict_polls_max * name_conflict_poll_ms} ms; check the engine (docker ps -a)`,
    );
  }

  private async startContainer(task_id: string): Promise<TaskStatus> {
    let failure: unknown;
    try {
      await this.container(task_id).start();
    } catch (error) {
      // 304: already started by someone else; the engine records real start failures in State.Error.
      if (!isNotRunning(error)) failure = error;
    }
    const status = await this.inspectKnown(task_id);
    if (failure !== undefined && !isTerminal(status) && status.state !== "RUNNING") throw failure;
    return status;
  }

  async stop(task_id: string, options: StopOptions): Promise<TerminalStatus> {
    assertTaskId(task_id);
    return this.locks.run(task_id, async () => {
      const before = await this.inspectKnown(task_id);
      if (isTerminal(before)) return before;
      await this.stop_requested.add(task_id);
      if (before.state === "STAGING") return this.terminalNow(task_id);
      await this.signal(task_id, "SIGTERM");
      if (!(await this.exitedWithin(task_id, options.grace_ms))) {
        await this.signal(task_id, "SIGKILL");
        if (!(await this.exitedWithin(task_id, this.kill_confirm_timeout_ms))) {
          throw new DriverTimeoutError(task_id, "exit after SIGKILL", this.kill_confirm_timeout_ms);
        }
      }
      return this.terminalNow(task_id);
    });
  }

  private async signal(task_id: string, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
    try {
      await this.container(task_id).kill({ signal });
    } catch (error) {
      if (!isNotRunning(error)) throw error;
    }
  }

  private async exitedWithin(task_id: string, timeout_ms: number): Promise<boolean> {
    const signal = AbortSignal.timeout(Math.max(1, timeout_ms));
    try {
      await this.container(task_id).wait({ condition: "not-running", abortSignal: signal });
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      throw error;
    }
  }

  private async terminalNow(task_id: string): Promise<TerminalStatus> {
    const status = await this.inspectKnown(task_id);
    if (!isTerminal(status)) {
      throw new Error(`driver invariant: task ${task_id} is ${status.state} right after it exited`);
    }
    return status;
  }

  async inspect(task_id: string): Promise<TaskStatus> {
    assertTaskId(task_id);
    return this.inspectKnown(task_id);
  }

  async list(): Promise<TaskStatus[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${label_managed}=true`, `${label_node_id}=${this.node_id}`] },
    });
    const task_ids = containers.flatMap((container) => container.Labels[label_task_id] ?? []);
    const statuses: TaskStatus[] = [...this.failures.all()];
    for (let at = 0; at < task_ids.length; at += list_inspect_parallel_max) {
      const batch = task_ids.slice(at, at + list_inspect_parallel_max);
      const found = await Promise.all(batch.map((task_id) => this.inspectContainer(task_id)));
      found.forEach((info, index) => {
        const task_id = batch[index];
        if (info === undefined || task_id === undefined) return; // removed between list and inspect
        this.seen.add(task_id);
        statuses.push(this.toStatus(task_id, info));
      });
    }
    return statuses.sort((a, b) => a.task_id.localeCompare(b.task_id));
  }

  async wait(task_id: string, options: WaitOptions): Promise<TerminalStatus> {
    assertTaskId(task_id);
    const deadline_ms = Date.now() + options.timeout_ms;
    for (;;) {
      const status = await this.inspectKnown(task_id);
      if (isTerminal(status)) return status;
      const remaining_ms = deadline_ms - Date.now();
      if (remaining_ms <= 0) throw new DriverTimeoutError(task_id, `exit (still ${status.state})`, options.timeout_ms);
      if (status.state === "STAGING" || status.state === "STARTING") {
        await new Promise((resolve) => setTimeout(resolve, Math.min(not_started_poll_ms, remaining_ms)));
      } else {
        await this.exitedWithin(task_id, remaining_ms);
      }
    }
  }

  async *watch(options: WatchOptions): AsyncGenerator<TaskStatus> {
    for await (const task_id of changedTaskIds(this.docker, this.node_id, options.signal)) {
      try {
        yield await this.inspectKnown(task_id);
      } catch (error) {
        // Removed through this driver: the caller asked for it and has nothing to hear.
        if (!(error instanceof UnknownTaskError)) throw error;
      }
    }
  }

  async *logs(task_id: string, options: LogOptions): AsyncGenerator<LogLine> {
    assertTaskId(task_id);
    const status = await this.inspectKnown(task_id);
    // A task that never got a container (bad image, bad spec) has no output.
    if (status.container_id === undefined) return;
    yield* containerLogLines(this.container(task_id), options);
  }

  async remove(task_id: string, options?: RemoveOptions): Promise<void> {
    assertTaskId(task_id);
    return this.locks.run(task_id, async () => {
      const status = await this.inspectKnown(task_id);
      if (!isTerminal(status) && options?.force !== true) {
        throw new TaskActiveError(task_id, status.state);
      }
      if (status.container_id !== undefined && status.state !== "LOST") {
        try {
          await this.container(task_id).remove({ force: true });
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      this.failures.forget(task_id);
      await this.stop_requested.delete(task_id);
      this.seen.delete(task_id);
    });
  }

  private async inspectKnown(task_id: string): Promise<TaskStatus> {
    const info = await this.inspectContainer(task_id);
    if (info !== undefined) return this.toStatus(task_id, info);
    const remembered = this.failures.get(task_id);
    if (remembered !== undefined) return remembered;
    if (this.seen.has(task_id)) return lostStatus(this.who(task_id));
    throw new UnknownTaskError(task_id, this.node_id);
  }

  /**
   * Inspect, but give the engine's OOM flag time to land: the kernel's OOM event can reach the
   * engine after the exit does, so a fresh SIGKILL exit (137) is looked at again for a moment.
   */
  private async inspectContainer(task_id: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
    let info = await this.inspectOnce(task_id);
    for (let poll = 0; poll < oom_flag_polls_max && info !== undefined && this.mayBeLateOom(task_id, info); poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, oom_flag_poll_ms));
      info = await this.inspectOnce(task_id);
    }
    return info;
  }

  private mayBeLateOom(task_id: string, info: Dockerode.ContainerInspectInfo): boolean {
    const state = info.State;
    if (state.Running || state.OOMKilled || state.ExitCode !== exit_sigkill || this.stop_requested.has(task_id)) return false;
    return Date.now() - Date.parse(state.FinishedAt) < oom_flag_polls_max * oom_flag_poll_ms;
  }

  private async inspectOnce(task_id: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
    try {
      const info = await this.container(task_id).inspect();
      const labels = info.Config.Labels;
      if (labels[label_managed] !== "true" || labels[label_node_id] !== this.node_id || labels[label_task_id] !== task_id) {
        throw new Error(
          `container ${containerName(this.node_id, task_id)} exists but orch did not make it for this task; remove it by hand`,
        );
      }
      return info;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private toStatus(task_id: string, info: Dockerode.ContainerInspectInfo): TaskStatus {
    return statusFromInspect(this.who(task_id), info, {
      starting: this.starting.has(task_id),
      stop_requested: this.stop_requested.has(task_id),
    });
  }

  private container(task_id: string): Dockerode.Container {
    return this.docker.getContainer(containerName(this.node_id, task_id));
  }

  private who(task_id: string): { task_id: string; node_id: string } {
    return { task_id, node_id: this.node_id };
  }
}
