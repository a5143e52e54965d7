// TaskInfo → the task spec orch's plan applier commits and its Docker driver runs, or a TASK_ERROR saying why not.
import { specProblems } from "../driver/spec.js";
import type { TaskSpec } from "../driver/types.js";
import { amountsOf, portCount } from "./resources.js";
import { dockerContainerCommand, mesosContainerCommand } from "./task-command.js";
import { containerPlan, type ContainerPlan } from "./task-container.js";
import { environmentOf, taskProblem } from "./task-checks.js";
import type { TaskInfo } from "./types-task.js";

/** Mesos's command executor waits this long between SIGTERM and SIGKILL when no kill policy is given. */
export const kill_grace_ms_default = 3000;
/** Ports one task may hold; the ports resource is expanded into this many host ports at most. */
export const task_ports_max = 1024;
const mb_bytes = 1024 * 1024;

export interface TranslateContext {
  /** orch's cluster-unique id for the task (the Mesos task id is unique only per framework). */
  task_id: string;
  /** Address BRIDGE port mappings bind to on the node (Mesos's docker binds every address: "0.0.0.0"). */
  host_ip: string;
  /** Variables the agent gives every task (MESOS_*); the task's own win. */
  env?: Record<string, string>;
  pids_limit?: number;
}

/** What the driver runs, plus what TaskSpec cannot carry yet (network mode, pull policy, options, disk). */
export interface MesosTaskPlan {
  spec: TaskSpec;
  network: ContainerPlan["network"];
  force_pull_image: boolean;
  options: ContainerPlan["options"];
  grace_ms: number;
  disk_bytes: number;
  /** Every port of the task's ports resource: held on the node whatever the network mode. */
  host_ports: number[];
  /** allocation_info.role of the resources (MULTI_ROLE frameworks); undefined otherwise. */
  role: string | undefined;
  /** Parts of the TaskInfo accepted but not acted on, for a log line. */
  ignored: string[];
}

export interface TaskRefusal {
  ok: false;
  state: "TASK_ERROR";
  source: "SOURCE_MASTER";
  reason: "REASON_TASK_INVALID";
  message: string;
}

export type Translation = { ok: true; plan: MesosTaskPlan } | TaskRefusal;

function refuse(message: string): TaskRefusal {
  return { ok: false, state: "TASK_ERROR", source: "SOURCE_MASTER", reason: "REASON_TASK_INVALID", message };
}

export function translateTask(task: TaskInfo, context: TranslateContext): Translation {
  const problem = taskProblem(task);
  if (problem !== null) return refuse(problem);
  if (task.command === undefined || task.container === undefined) throw new Error("mesos: taskProblem passed a task without a command or a container");
  const amounts = amountsOf(task.resources ?? []);
  if (typeof amounts === "string") return refuse(amounts);
  if (amounts.cpus_milli === 0 || amounts.mem_mb_milli === 0) return refuse("Task must ask for cpus and mem: orch enforces both as limits");
  const port_count = portCount(amounts.ports);
  if (port_count > task_ports_max) return refuse(`Task asks for ${port_count} ports; at most ${task_ports_max} are supported`);
  const container = containerPlan(task.container, amounts.ports);
  if (typeof container === "string") return refuse(container);
  const command = task.container.type === "DOCKER" ? dockerContainerCommand(task.command) : mesosContainerCommand(task.command);
  if (typeof command === "string") return refuse(command);
  const env = environmentOf(task.command.environment);
  if (typeof env === "string") return refuse(env);

  const labels = Object.fromEntries((task.labels?.labels ?? []).map((l) => [l.key, l.value ?? ""]));
  const spec: TaskSpec = {
    task_id: context.task_id,
    image: container.image,
    ...command,
    env: { ...context.env, ...env, ...container.env },
    cpus: amounts.cpus_milli / 1000,
    memory_bytes: Math.round((amounts.mem_mb_milli / 1000) * mb_bytes),
    ...(context.pids_limit === undefined ? {} : { pids_limit: context.pids_limit }),
    ...(container.port_mappings.length > 0 ? { ports: container.port_mappings, host_ip: context.host_ip } : {}),
    labels: { ...labels, ...container.labels },
  };
  const spec_problems = specProblems(spec);
  if (spec_problems.length > 0) return refuse(spec_problems.join("; "));
  const ignored: string[] = (["health_check", "check", "discovery", "data"] as const).filter((key) => task[key] !== undefined);
  if (task.command.user !== undefined) ignored.push("command.user");
  for (const key of ["linux_info", "rlimit_info", "tty_info"] as const) if (task.container[key] !== undefined) ignored.push(`container.${key}`);
  const grace_ns = task.kill_policy?.grace_period?.nanoseconds;
  return {
    ok: true,
    plan: {
      spec,
      network: container.network,
      force_pull_image: container.force_pull_image,
      options: container.options,
      grace_ms: grace_ns === undefined ? kill_grace_ms_default : Math.round(grace_ns / 1e6),
      disk_bytes: Math.round((amounts.disk_mb_milli / 1000) * mb_bytes),
      host_ports: amounts.ports.flatMap((r) => range(r.begin, r.end)),
      role: task.resources?.[0]?.allocation_info?.role,
      ignored,
    },
  };
}

function range(begin: number, end: number): number[] {
  return Array.from({ length: end - begin + 1 }, (_, i) => begin + i);
}
