// An in-memory container engine on a virtual clock, shared by mock drivers the way one dockerd is.
import type { LogLine, TaskSpec } from "./types.js";

/** What a mocked program does; the test's script picks one per spec. */
export interface MockProgram {
  /** Virtual ms until it exits on its own; absent means it runs until stopped. */
  run_ms?: number;
  /** Exit code when it ends on its own (default 0). */
  exit_code?: number;
  /** It outgrows its memory limit at `run_ms` and the kernel kills it. */
  oom?: boolean;
  /** Lines it writes as soon as it starts, in order. */
  output?: { stream: "stdout" | "stderr"; text: string }[];
  /** It ignores SIGTERM, so only the SIGKILL after the grace period ends it. */
  ignores_sigterm?: boolean;
  /** The engine refuses to start it with this message (as for a missing executable). */
  start_error?: string;
}

export type MockScript = (spec: TaskSpec) => MockProgram;

export interface MockContainer {
  readonly id: string;
  readonly name: string;
  readonly node_id: string;
  readonly spec: TaskSpec;
  readonly program: MockProgram;
  status: "created" | "running" | "exited";
  exit_code: number;
  oom_killed: boolean;
  engine_error: string;
  /** Timestamped by the virtual clock; oldest dropped past mock_log_lines_max. */
  output: Required<LogLine>[];
  host_ports: number[];
}

/** Per container, like a rotated json-file log. */
export const mock_log_lines_max = 10_000;
/** Pending timed events (exits, kill deadlines, wait timeouts). */
export const mock_events_max = 100_000;
const ephemeral_port_first = 32768;
const exit_sigterm = 143;
const exit_sigkill = 137;

interface TimedEvent {
  at_ms: number;
  seq: number;
  fire: () => void;
}

export class MockEngine {
  /** Virtual time; moves only in advance(). */
  now_ms = 0;
  readonly images: Set<string>;
  private readonly containers = new Map<string, MockContainer>();
  private events: TimedEvent[] = [];
  private next_seq = 0;
  private next_id = 0;
  private next_port = ephemeral_port_first;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly script: MockScript,
    images: Iterable<string> = [],
  ) {
    this.images = new Set(images);
  }

  /** Moves the clock forward, firing due events in time order (ties in scheduling order). */
  advance(ms: number): void {
    const until_ms = this.now_ms + ms;
    for (;;) {
      const next = this.events[0];
      if (next === undefined || next.at_ms > until_ms) break;
      this.events.shift();
      this.now_ms = next.at_ms;
      next.fire();
      this.notify();
    }
    this.now_ms = until_ms;
  }

  /** Runs `fire` when the clock reaches now + after_ms; returns a cancel function. */
  schedule(after_ms: number, fire: () => void): () => void {
    if (this.events.length >= mock_events_max) {
      throw new Error(`mock engine has ${mock_events_max} pending events (mock_events_max); advance the clock`);
    }
    const event = { at_ms: this.now_ms + Math.max(0, after_ms), seq: this.next_seq++, fire };
    const at = this.events.findIndex((e) => e.at_ms > event.at_ms);
    this.events.splice(at < 0 ? this.events.length : at, 0, event);
    return () => {
      this.events = this.events.filter((e) => e !== event);
    };
  }

  /** Called after every change; drivers use it to settle waiters and follow logs. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(name: string): MockContainer | undefined {
    return this.containers.get(name);
  }

  all(): MockContainer[] {
    return [...this.containers.values()];
  }

  create(name: string, node_id: string, spec: TaskSpec): MockContainer {
    if (this.containers.has(name)) throw new Error(`mock engine: container name ${name} is already in use`);
    const container: MockContainer = {
      id: `mock-${(this.next_id++).toString(16).padStart(12, "0")}`,
      name,
      node_id,
      spec,
      program: this.script(spec),
      status: "created",
      exit_code: 0,
      oom_killed: false,
      engine_error: "",
      output: [],
      host_ports: [],
    };
    this.containers.set(name, container);
    return container;
  }

  start(container: MockContainer): void {
    if (container.status !== "created" || container.engine_error !== "") return;
    const { program } = container;
    const taken = this.portTaken(container);
    if (program.start_error !== undefined || taken !== undefined) {
      container.engine_error = program.start_error ?? `Bind for ${container.spec.host_ip}:${taken} failed: port is already allocated`;
      container.exit_code = 128;
      this.notify();
      return;
    }
    container.host_ports = (container.spec.ports ?? []).map((port) => (port.host_port === 0 ? this.next_port++ : port.host_port));
    container.status = "running";
    for (const line of program.output ?? []) this.write(container, line.stream, line.text);
    if (program.run_ms !== undefined) {
      this.schedule(program.run_ms, () => this.exit(container, program.oom === true ? exit_sigkill : program.exit_code ?? 0, program.oom === true));
    }
    this.notify();
  }

  /** SIGTERM ends the program unless it ignores it; SIGKILL always does. */
  kill(container: MockContainer, signal: "SIGTERM" | "SIGKILL"): void {
    if (container.status !== "running") return;
    if (signal === "SIGTERM" && container.program.ignores_sigterm === true) return;
    this.exit(container, signal === "SIGKILL" ? exit_sigkill : exit_sigterm, false);
  }

  remove(name: string): void {
    this.containers.delete(name);
    this.notify();
  }

  private exit(container: MockContainer, exit_code: number, oom_killed: boolean): void {
    if (container.status !== "running") return;
    container.status = "exited";
    container.exit_code = exit_code;
    container.oom_killed = oom_killed;
    this.notify();
  }

  private write(container: MockContainer, stream: "stdout" | "stderr", text: string): void {
    container.output.push({ stream, text, timestamp: new Date(this.now_ms).toISOString() });
    if (container.output.length > mock_log_lines_max) container.output.shift();
  }

  private portTaken(container: MockContainer): number | undefined {
    const wanted = new Set((container.spec.ports ?? []).map((port) => port.host_port).filter((port) => port !== 0));
    for (const other of this.containers.values()) {
      if (other.status !== "running") continue;
      const clash = other.host_ports.find((port) => wanted.has(port));
      if (clash !== undefined) return clash;
    }
    return undefined;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
