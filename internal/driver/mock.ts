// The mock driver: the Driver contract over a MockEngine, deterministic and driven by the test's clock.
import { DriverTimeoutError, TaskActiveError, UnknownTaskError } from "./errors.js";
import { FailureMemory } from "./failure-memory.js";
import { MockEngine, type MockContainer } from "./mock-engine.js";
import { MemoryStopIntents, type StopIntents } from "./stop-intents.js";
import { assertNodeId, assertTaskId, containerName, specProblems } from "./spec.js";
import {
  activeStatus,
  exitStatus,
  imageUnavailableStatus,
  invalidSpecStatus,
  isTerminal,
  lostStatus,
} from "./states.js";
import type {
  BoundPort,
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

/** Statuses a slow watch() reader may leave unread before it gets an error. */
export const mock_watch_queued_max = 10_000;

export { MockEngine, type MockProgram, type MockScript } from "./mock-engine.js";

export class MockDriver implements Driver {
  readonly node_id: string;
  private readonly failures = new FailureMemory();
  // Per instance unless shared, as in the docker driver: a restarted driver forgets which stops it sent.
  private readonly stop_requested: StopIntents;
  private readonly seen = new Set<string>();

  constructor(
    readonly engine: MockEngine,
    node_id: string,
    options: { stop_intents?: StopIntents } = {},
  ) {
    assertNodeId(node_id);
    this.node_id = node_id;
    this.stop_requested = options.stop_intents ?? new MemoryStopIntents();
  }

  async start(spec: TaskSpec): Promise<TaskStatus> {
    assertTaskId(spec.task_id);
    const existing = this.container(spec.task_id);
    if (existing !== undefined) {
      this.engine.start(existing);
      return this.status(spec.task_id);
    }
    const remembered = this.failures.get(spec.task_id);
    if (remembered !== undefined) return remembered;
    const who = { task_id: spec.task_id, node_id: this.node_id };
    const problems = specProblems(spec);
    if (problems.length > 0) return this.failures.remember(invalidSpecStatus(who, problems));
    if (!this.engine.images.has(spec.image)) {
      const cause = `the mock engine has no image ${spec.image} and no registry to pull from`;
      return this.failures.remember(imageUnavailableStatus(who, spec.image, cause));
    }
    const container = this.engine.create(containerName(this.node_id, spec.task_id), this.node_id, spec);
    this.seen.add(spec.task_id);
    this.engine.start(container);
    return this.status(spec.task_id);
  }

  /** Resolves at once unless the program ignores SIGTERM; then after the test advances the clock by grace_ms. */
  async stop(task_id: string, options: StopOptions): Promise<TerminalStatus> {
    assertTaskId(task_id);
    const before = this.status(task_id);
    if (isTerminal(before)) return before;
    const container = this.container(task_id);
    if (container === undefined) throw new Error(`mock driver invariant: active task ${task_id} has no container`);
    // Every effect happens within this call, so a test that advances the clock right after sees them.
    const recorded = this.stop_requested.add(task_id);
    this.engine.kill(container, "SIGTERM");
    if (container.status === "running") this.engine.schedule(options.grace_ms, () => this.engine.kill(container, "SIGKILL"));
    const terminal = this.untilTerminal(task_id, undefined);
    await recorded;
    return terminal;
  }

  async inspect(task_id: string): Promise<TaskStatus> {
    assertTaskId(task_id);
    return this.status(task_id);
  }

  async list(): Promise<TaskStatus[]> {
    const mine = this.engine.all().filter((container) => container.node_id === this.node_id);
    for (const container of mine) this.seen.add(container.spec.task_id);
    const statuses = [...this.failures.all(), ...mine.map((container) => this.status(container.spec.task_id))];
    return statuses.sort((a, b) => a.task_id.localeCompare(b.task_id));
  }

  /** Timeout is virtual time: it fires only when the test advances the clock past it. */
  async wait(task_id: string, options: WaitOptions): Promise<TerminalStatus> {
    assertTaskId(task_id);
    return this.untilTerminal(task_id, options.timeout_ms);
  }

  async *watch(options: WatchOptions): AsyncGenerator<TaskStatus> {
    const last = new Map<string, string>();
    const queue: TaskStatus[] = [];
    let overflowed = false;
    const collect = (): void => {
      for (const container of this.engine.all()) {
        if (container.node_id !== this.node_id) continue;
        const status = this.status(container.spec.task_id);
        const key = `${status.state}/${status.reason}`;
        if (last.get(status.task_id) === key) continue;
        last.set(status.task_id, key);
        if (queue.length >= mock_watch_queued_max) overflowed = true;
        else queue.push(status);
      }
    };
    const unsubscribe = this.engine.subscribe(collect);
    try {
      while (!options.signal.aborted) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (overflowed) {
          throw new Error(`watch fell ${mock_watch_queued_max} statuses behind (mock_watch_queued_max); list() and watch again`);
        }
        await this.nextChange(options.signal);
      }
    } finally {
      unsubscribe();
    }
  }

  async *logs(task_id: string, options: LogOptions): AsyncGenerator<LogLine> {
    assertTaskId(task_id);
    this.status(task_id); // unknown tasks reject like the docker driver
    const container = this.container(task_id);
    if (container === undefined) return;
    const wanted = (line: LogLine): boolean =>
      line.stream === "stdout" ? options.stdout !== false : options.stderr !== false;
    const all = container.output;
    const tail = (options.tail_lines === undefined ? all : all.slice(Math.max(0, all.length - options.tail_lines))).filter(wanted);
    let yielded = 0;
    let read_to = container.output.length;
    const emit = (line: Required<LogLine>): LogLine =>
      options.timestamps === true ? { ...line } : { stream: line.stream, text: line.text };
    for (const line of tail) {
      if (yielded >= options.max_lines) return;
      yield emit(line);
      yielded += 1;
    }
    while (options.follow === true && yielded < options.max_lines && options.signal?.aborted !== true) {
      if (read_to < container.output.length) {
        const line = container.output[read_to++];
        if (line !== undefined && wanted(line)) {
          yield emit(line);
          yielded += 1;
        }
        continue;
      }
      if (container.status === "exited" || this.container(task_id) === undefined) return;
      await this.nextChange(options.signal);
    }
  }

  async remove(task_id: string, options?: RemoveOptions): Promise<void> {
    assertTaskId(task_id);
    const status = this.status(task_id);
    if (!isTerminal(status) && options?.force !== true) throw new TaskActiveError(task_id, status.state);
    if (this.container(task_id) !== undefined) this.engine.remove(containerName(this.node_id, task_id));
    this.failures.forget(task_id);
    await this.stop_requested.delete(task_id);
    this.seen.delete(task_id);
    return ;
  }

  private untilTerminal(task_id: string, timeout_ms: number | undefined): Promise<TerminalStatus> {
    return new Promise((resolve, reject) => {
      let cancel_timeout = (): void => undefined;
      const check = (): boolean => {
        let status: TaskStatus;
        try {
          status = this.status(task_id);
        } catch (error) {
          reject(error);
          return true;
        }
        if (!isTerminal(status)) return false;
        resolve(status);
        return true;
      };
      if (check()) return;
      if (timeout_ms !== undefined && timeout_ms <= 0) {
        reject(new DriverTimeoutError(task_id, `exit (still ${this.status(task_id).state})`, timeout_ms));
        return;
      }
      const unsubscribe = this.engine.subscribe(() => {
        if (!check()) return;
        unsubscribe();
        cancel_timeout();
      });
      if (timeout_ms !== undefined) {
        cancel_timeout = this.engine.schedule(timeout_ms, () => {
          unsubscribe();
          reject(new DriverTimeoutError(task_id, `exit (still ${this.status(task_id).state})`, timeout_ms));
        });
      }
    });
  }

  private nextChange(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        unsubscribe();
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const unsubscribe = this.engine.subscribe(done);
      signal?.addEventListener("abort", done);
    });
  }

  private status(task_id: string): TaskStatus {
    const who = { task_id, node_id: this.node_id };
    const container = this.container(task_id);
    if (container === undefined) {
      const remembered = this.failures.get(task_id);
      if (remembered !== undefined) return remembered;
      if (this.seen.has(task_id)) return lostStatus(who);
      throw new UnknownTaskError(task_id, this.node_id);
    }
    this.seen.add(task_id);
    const base = { ...who, container_id: container.id };
    const stop_requested = this.stop_requested.has(task_id);
    if (container.status === "running") {
      const ports = boundPorts(container);
      const status = activeStatus(base, stop_requested ? "KILLING" : "RUNNING");
      return ports.length === 0 ? status : { ...status, ports };
    }
    if (container.status === "created" && container.engine_error === "" && !stop_requested) {
      return activeStatus(base, "STAGING");
    }
    return exitStatus(base, {
      exit_code: container.exit_code,
      oom_killed: container.oom_killed,
      stop_requested,
      engine_error: container.engine_error,
      memory_bytes: container.spec.memory_bytes,
    });
  }

  private container(task_id: string): MockContainer | undefined {
    return this.engine.get(containerName(this.node_id, task_id));
  }
}

function boundPorts(container: MockContainer): BoundPort[] {
  return (container.spec.ports ?? []).map((port, index) => ({
    container_port: port.container_port,
    host_ip: container.spec.host_ip ?? "127.0.0.1",
    host_port: container.host_ports[index] ?? port.host_port,
    protocol: port.protocol,
  }));
}
