// The Driver interface: how an agent turns a task spec into a running container and observes it.

/** A port to publish on the node. `host_port` 0 lets the engine choose; the status reports the choice. */
export interface PortMapping {
  container_port: number;
  host_port: number;
  protocol: "tcp" | "udp";
}

/** What to run and with which limits. Field names are wire names: specs travel through Raft. */
export interface TaskSpec {
  /** Cluster-unique; 1–128 chars of [A-Za-z0-9_.-], starting with a letter or digit. */
  task_id: string;
  image: string;
  /** Replaces the image's entrypoint when given (as Kubernetes `command`). */
  command?: string[];
  /** Replaces the image's default arguments when given (as Kubernetes `args`). */
  args?: string[];
  env?: Record<string, string>;
  /** Fractional CPUs, enforced as a CFS quota (0.5 = half of one core). */
  cpus: number;
  /** Hard memory limit; swap is disabled, so this is all the task gets. */
  memory_bytes: number;
  pids_limit?: number;
  ports?: PortMapping[];
  /** Host address ports bind to; required when `ports` is not empty. */
  host_ip?: string;
  /** Extra labels; keys starting with `orch.` are reserved for the driver. */
  labels?: Record<string, string>;
  /**
   * The container's network: "bridge" (the default; `ports` are published on host_ip), "host"
   * (the node's own network namespace, Mesos's DOCKER default: the task binds its ports itself),
   * or "none".
   */
  network?: "bridge" | "host" | "none";
}

export type TaskState =
  | "STAGING"
  | "STARTING"
  | "RUNNING"
  | "KILLING"
  | "FINISHED"
  | "FAILED"
  | "KILLED"
  | "LOST";

export type TerminalState = "FINISHED" | "FAILED" | "KILLED" | "LOST";
export type ActiveState = Exclude<TaskState, TerminalState>;

/** Why a task is where it is. Append-only: these codes are stored and compared by peers. */
export type ReasonCode =
  | "created" // STAGING: container exists, not started yet
  | "starting" // STARTING: create or start in progress (includes an image pull)
  | "running"
  | "killing" // KILLING: stop requested, waiting for the grace period
  | "exited" // FINISHED: exit code 0
  | "exit_nonzero" // FAILED: exit code other than 0, not a signal
  | "exit_signal" // FAILED: killed by a signal orch did not send
  | "oom_killed" // FAILED: the kernel killed it at the memory limit
  | "image_unavailable" // FAILED: image missing and cannot be pulled
  | "invalid_spec" // FAILED: the spec cannot be run as written
  | "start_failed" // FAILED: the engine refused to create or start it
  | "killed_by_request" // KILLED: stopped through this driver
  | "container_missing"; // LOST: its container disappeared outside orch

/** A port as actually bound on the node. */
export interface BoundPort {
  container_port: number;
  host_ip: string;
  host_port: number;
  protocol: "tcp" | "udp";
}

interface StatusCommon {
  task_id: string;
  node_id: string;
  /** Sentence a person can act on: what happened and, for failures, what to do. */
  message: string;
  /** Engine's container id; absent when no container was ever made (e.g. image unavailable). */
  container_id?: string;
  exit_code?: number;
  ports?: BoundPort[];
}

export interface ActiveStatus extends StatusCommon {
  state: ActiveState;
  reason: "created" | "starting" | "running" | "killing";
}

export interface TerminalStatus extends StatusCommon {
  state: TerminalState;
  reason: Exclude<ReasonCode, "created" | "starting" | "running" | "killing">;
}

export type TaskStatus = ActiveStatus | TerminalStatus;

export interface StopOptions {
  /** Time between SIGTERM and SIGKILL. */
  grace_ms: number;
}

export interface WaitOptions {
  /** Give up (DriverTimeoutError) if the task is not terminal by then. */
  timeout_ms: number;
}

export interface LogOptions {
  stdout?: boolean; // default true
  stderr?: boolean; // default true
  /** Attach the engine's RFC 3339 receive time to each line. */
  timestamps?: boolean;
  /** Keep streaming new lines until the task exits, `signal` aborts, or `max_lines` is reached. */
  follow?: boolean;
  /** Only the last N lines that exist when the call starts, counted over both streams before `stdout`/`stderr` filter (as the engine does). */
  tail_lines?: number;
  /** Stop after this many lines; required so no caller reads an unbounded log by accident. */
  max_lines: number;
  signal?: AbortSignal;
}

export interface LogLine {
  stream: "stdout" | "stderr";
  /** Without the trailing newline. A line longer than the driver's line bound arrives in pieces. */
  text: string;
  /** RFC 3339 with nanoseconds, present only when `timestamps` was asked for. */
  timestamp?: string;
}

export interface WatchOptions {
  /** Ends the stream; a watch runs until this aborts. */
  signal: AbortSignal;
}

export interface RemoveOptions {
  /** Kill it first if it is still running; otherwise removing an active task is an error. */
  force?: boolean;
}

/**
 * One node's container runtime. All operations are keyed by task id and are safe to call
 * concurrently: operations on one task run one at a time, in call order.
 */
export interface Driver {
  readonly node_id: string;

  /**
   * Creates the container with its limits and starts it. Idempotent per task id: if this
   * node already has a container for the task, returns its status and makes no new one.
   * Failures to run (bad image, bad spec, engine refusal) come back as a FAILED status, not
   * a rejection; a rejection means the engine itself could not be reached.
   */
  start(spec: TaskSpec): Promise<TaskStatus>;

  /** SIGTERM, then SIGKILL after `grace_ms`. Resolves with the terminal status (KILLED unless it had already ended). */
  stop(task_id: string, options: StopOptions): Promise<TerminalStatus>;

  /** Current status. Rejects with UnknownTaskError if this node has no such task. */
  inspect(task_id: string): Promise<TaskStatus>;

  /** Every task this node's driver manages, found by labels, so a restarted agent can reattach. */
  list(): Promise<TaskStatus[]>;

  /** Resolves once the task is terminal; rejects with DriverTimeoutError after `timeout_ms`. */
  wait(task_id: string, options: WaitOptions): Promise<TerminalStatus>;

  /**
   * Statuses of this node's tasks as their containers change (started, exited, OOM, removed),
   * from just before the call onward. A status may repeat; a reader that falls behind the
   * driver's bound gets an error and should list() and watch again.
   */
  watch(options: WatchOptions): AsyncIterable<TaskStatus>;

  /** stdout and stderr as separate, ordered lines. */
  logs(task_id: string, options: LogOptions): AsyncIterable<LogLine>;

  /** Deletes the container and what the driver remembers of the task. */
  remove(task_id: string, options?: RemoveOptions): Promise<void>;
}
