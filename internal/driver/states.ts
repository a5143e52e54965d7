// Turns what is known about a finished container into a Mesos state, reason code and message.
import { constants } from "node:os";
import { formatBytes } from "./spec.js";
import type { ActiveStatus, TaskState, TaskStatus, TerminalState, TerminalStatus } from "./types.js";

const terminal_states: ReadonlySet<TaskState> = new Set<TerminalState>(["FINISHED", "FAILED", "KILLED", "LOST"]);

export function isTerminal(status: TaskStatus): status is TerminalStatus {
  return terminal_states.has(status.state);
}

export interface TaskIdentity {
  task_id: string;
  node_id: string;
  container_id?: string;
}

/** Facts about an exited container, as the engine (or the mock) reports them. */
export interface ExitFacts {
  exit_code: number;
  oom_killed: boolean;
  /** This driver sent the stop. */
  stop_requested: boolean;
  memory_bytes?: number;
  /** The engine's own error, e.g. the program in `command` does not exist. */
  engine_error?: string;
}

const signal_exit_base = 128;
// Shells and docker-init use these for a command that could not be run at all.
const exit_hints: Partial<Record<number, string>> = {
  126: "the command was found but is not executable: check command and image",
  127: "the command was not found in the image: check command and image",
};
const signal_number_max = 64;

export function exitStatus(who: TaskIdentity, facts: ExitFacts): TerminalStatus {
  const base = { ...who, exit_code: facts.exit_code };
  if (facts.oom_killed) {
    const limit = facts.memory_bytes === undefined ? "its memory limit" : `memory limit ${formatBytes(facts.memory_bytes)}`;
    return {
      ...base,
      state: "FAILED",
      reason: "oom_killed",
      message: `killed by the kernel: ${limit} exceeded; give the task more memory_bytes or make it use less`,
    };
  }
  if (facts.stop_requested) {
    return { ...base, state: "KILLED", reason: "killed_by_request", message: "stopped by orch on request" };
  }
  if (facts.engine_error !== undefined && facts.engine_error !== "") {
    return { ...startFailedStatus(who, facts.engine_error), exit_code: facts.exit_code };
  }
  if (facts.exit_code === 0) {
    return { ...base, state: "FINISHED", reason: "exited", message: "exited with code 0" };
  }
  const signal = signalName(facts.exit_code);
  if (signal !== undefined) {
    return {
      ...base,
      state: "FAILED",
      reason: "exit_signal",
      message:
        `killed by signal ${signal} (exit code ${facts.exit_code}) that orch did not send; ` +
        (signal === "SIGKILL"
          ? // The engine does not always learn of an OOM kill (moby#15621, #38352): say what the limit was.
            `if it was near its ${facts.memory_bytes === undefined ? "memory limit" : `memory limit ${formatBytes(facts.memory_bytes)}`} the kernel's OOM killer is likely ` +
            "(the engine reported no OOM kill), otherwise look for whatever on the node killed it"
          : "look for whatever on the node killed it"),
    };
  }
  return {
    ...base,
    state: "FAILED",
    reason: "exit_nonzero",
    message: `exited with code ${facts.exit_code}; ${exit_hints[facts.exit_code] ?? "its logs say why"}`,
  };
}

function signalName(exit_code: number): string | undefined {
  const number = exit_code - signal_exit_base;
  if (number < 1 || number > signal_number_max) return undefined;
  const entry = Object.entries(constants.signals).find(([, value]) => value === number);
  return entry?.[0] ?? `${number}`;
}

export function activeStatus(who: TaskIdentity, state: ActiveStatus["state"]): ActiveStatus {
  switch (state) {
    case "STAGING":
      return { ...who, state, reason: "created", message: "container created, not started yet" };
    case "STARTING":
      return { ...who, state, reason: "starting", message: "pulling the image or starting the container" };
    case "RUNNING":
      return { ...who, state, reason: "running", message: "running" };
    case "KILLING":
      return { ...who, state, reason: "killing", message: "stop requested; waiting for it to exit" };
  }
}

export function imageUnavailableStatus(who: TaskIdentity, image: string, cause: string): TerminalStatus {
  return {
    ...who,
    state: "FAILED",
    reason: "image_unavailable",
    message:
      `image ${image} is not on node ${who.node_id} and could not be pulled (${cause}); ` +
      `check the image name, make its registry reachable from the node, or load it there with \`docker load\``,
  };
}

export function invalidSpecStatus(who: TaskIdentity, problems: string[]): TerminalStatus {
  return { ...who, state: "FAILED", reason: "invalid_spec", message: `the spec cannot run: ${problems.join("; ")}` };
}

export function startFailedStatus(who: TaskIdentity, cause: string): TerminalStatus {
  return {
    ...who,
    state: "FAILED",
    reason: "start_failed",
    message: `the engine could not start it: ${cause}; check the image, command and ports in the spec`,
  };
}

export function lostStatus(who: TaskIdentity): TerminalStatus {
  return {
    ...who,
    state: "LOST",
    reason: "container_missing",
    message: `its container disappeared from node ${who.node_id} without orch removing it (removed by hand or the engine lost it); run the task again`,
  };
}
