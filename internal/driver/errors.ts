// Errors the driver throws to callers; each names the task and says what to do next.

/** Base class so an agent can tell driver trouble from its own bugs. `code` is stable. */
export class DriverError extends Error {
  constructor(
    readonly code: "unknown_task" | "timeout" | "invalid_task_id" | "task_active" | "engine",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DriverError";
  }
}

export class UnknownTaskError extends DriverError {
  constructor(
    readonly task_id: string,
    readonly node_id: string,
  ) {
    super(
      "unknown_task",
      `task ${task_id} is unknown on node ${node_id}: it was never started here or was removed; ` +
        `list() shows the tasks this node has`,
    );
    this.name = "UnknownTaskError";
  }
}

export class DriverTimeoutError extends DriverError {
  constructor(
    readonly task_id: string,
    what: string,
    timeout_ms: number,
  ) {
    super(
      "timeout",
      `task ${task_id}: ${what} did not happen within ${timeout_ms} ms; ` +
        `wait longer, or stop the task if it is stuck`,
    );
    this.name = "DriverTimeoutError";
  }
}

export class TaskActiveError extends DriverError {
  constructor(
    readonly task_id: string,
    state: string,
  ) {
    super(
      "task_active",
      `task ${task_id} is ${state}; stop it before removing it, or remove with force: true`,
    );
    this.name = "TaskActiveError";
  }
}
