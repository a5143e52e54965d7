// A Mesos CommandInfo as a container's entrypoint and arguments, by the rules of Mesos's two containerizers.
import type { CommandInfo } from "./types-task.js";

/** Entrypoint and arguments for the driver; absent parts keep the image's own. */
export interface ContainerCommand {
  /** Replaces the image's ENTRYPOINT. */
  command?: string[];
  /** Replaces the image's CMD. */
  args?: string[];
}

/**
 * DOCKER containers (Mesos's docker containerizer, src/docker/docker.cpp):
 * - shell (the default): entrypoint /bin/sh, arguments -c value;
 * - no shell: `value` then `arguments` become the image's CMD; its ENTRYPOINT is kept.
 */
export function dockerContainerCommand(command: CommandInfo): ContainerCommand | string {
  if (command.shell ?? true) {
    if (command.value === undefined) return "Shell specified but no command value provided";
    return { command: ["/bin/sh"], args: ["-c", command.value] };
  }
  const args = [...(command.value === undefined ? [] : [command.value]), ...(command.arguments ?? [])];
  return args.length === 0 ? {} : { args };
}

/**
 * MESOS containers with a Docker image (the docker runtime isolator):
 * - shell: /bin/sh -c value, the image's entrypoint and cmd ignored;
 * - no shell, `value` set: `value` is the program and `arguments` its argv, argv[0] included
 *   (Mesos execs value with arguments as argv), so arguments[1..] are the container's arguments;
 * - no shell, no value: the image's ENTRYPOINT runs, with `arguments` in place of its CMD when given.
 *   (Mesos keeps CMD[0] when the image has no ENTRYPOINT; the driver cannot see the image here.)
 */
export function mesosContainerCommand(command: CommandInfo): ContainerCommand | string {
  if (command.shell ?? true) {
    if (command.value === undefined) return "Shell specified but no command value provided";
    return { command: ["/bin/sh", "-c", command.value], args: [] };
  }
  if (command.value !== undefined) return { command: [command.value], args: (command.arguments ?? []).slice(1) };
  const args = command.arguments ?? [];
  return args.length === 0 ? {} : { args };
}
