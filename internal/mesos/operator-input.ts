// What the operator builders read: orch's replicated tables as they are, the built-in frameworks
// as framework records, and the master's identity. The server assembles it; nothing here does I/O.
import type { FrameworkInfoRecord } from "../fsm/frameworks.js";
import type { NodeRecord } from "../fsm/nodes.js";
import type { RoleRecord } from "../fsm/roles.js";
import type { ServiceRecord } from "../fsm/services.js";
import type { StateMachine } from "../fsm/state.js";
import { isTerminalState, type TaskRecord } from "../fsm/tasks.js";
import type { MasterInfo } from "./types-framework.js";

/** The Mesos release whose operator API orch answers as (tools compare `version` against Mesos releases). */
export const mesos_version_compat = "1.11.0";

/** A framework as the operator API shows it: an external one (a FrameworkRecord fits) or a built-in. */
export interface OperatorFramework {
  framework_id: string;
  info: FrameworkInfoRecord;
  connected: boolean;
  registered_at_ms: number;
  /** 0 while connected. */
  disconnected_at_ms: number;
  /** 0 unless removed. */
  removed_at_ms: number;
}

export interface MasterIdentity {
  /** The leader's MasterInfo (what frameworks get in SUBSCRIBED), or null while there is none. */
  leader: MasterInfo | null;
  /** host:port of the server answering. */
  self_addr: string;
  cluster_id: string;
  /** orch's own version, told beside the Mesos version it answers as. */
  orch_version: string;
  /** When the answering server started (ms since the epoch). */
  start_ms: number;
}

export interface OperatorInput {
  master: MasterIdentity;
  /** Every agent node, ready or down. */
  nodes: readonly NodeRecord[];
  /** Every task the state machine holds, active and ended (until forgotten). */
  tasks: readonly TaskRecord[];
  /** Registered frameworks, built-in ones first. */
  frameworks: readonly OperatorFramework[];
  completed_frameworks: readonly OperatorFramework[];
  /** Services and jobs: the disk their tasks hold. */
  services: ReadonlyMap<string, ServiceRecord>;
  roles: readonly RoleRecord[];
  /** The ports every agent offers (orch offers one range per agent). */
  agent_ports: readonly (readonly [number, number])[];
}

/** The framework ids of the built-in frameworks, by service kind. */
export const builtin_framework_ids = { service: "services", job: "jobs" } as const;

/** The built-in "services" or "jobs" framework, with the roles its services run under, registered with its first service. */
export function builtinFramework(kind: "service" | "job", roles: readonly string[], registered_at_ms = 0): OperatorFramework {
  const id = builtin_framework_ids[kind];
  return {
    framework_id: id,
    info: {
      name: id,
      user: "root",
      roles: roles.length > 0 ? [...roles] : ["*"],
      multi_role: true,
      capabilities: ["MULTI_ROLE", "PARTITION_AWARE", "TASK_KILLING_STATE"],
      failover_timeout_s: 0,
      checkpoint: true,
      hostname: "",
      principal: "",
      webui_url: "",
      labels: [],
    },
    connected: true,
    registered_at_ms,
    disconnected_at_ms: 0,
    removed_at_ms: 0,
  };
}

/** The framework a task belongs to: the owner stamped on it, else its service's kind. */
export function frameworkIdOf(t: TaskRecord, services: ReadonlyMap<string, ServiceRecord>): string {
  if (t.framework_id !== undefined) return t.framework_id;
  if (t.framework !== undefined) return t.framework.framework_id;
  return builtin_framework_ids[services.get(t.service)?.spec.kind ?? "service"];
}

/** Active, or ended with updates its framework has not acknowledged: Mesos lists these under `tasks`. */
export function isListedActive(t: TaskRecord): boolean {
  return !isTerminalState(t.state) || (t.framework?.pending.length ?? 0) > 0;
}

/** The input from a state machine's tables, the built-in frameworks first. */
export function operatorInputOf(fsm: StateMachine, master: MasterIdentity, agent_ports: OperatorInput["agent_ports"]): OperatorInput {
  const services = new Map<string, ServiceRecord>();
  const roles = { service: new Set<string>(), job: new Set<string>() };
  const first_ms = { service: 0, job: 0 };
  for (const svc of fsm.services.all()) {
    services.set(svc.spec.name, svc);
    roles[svc.spec.kind].add(svc.spec.role);
    const k = svc.spec.kind;
    if (first_ms[k] === 0 || svc.created_at_ms < first_ms[k]) first_ms[k] = svc.created_at_ms;
  }
  const frameworks: OperatorFramework[] = [
    builtinFramework("service", [...roles.service].sort(), first_ms.service),
    builtinFramework("job", [...roles.job].sort(), first_ms.job),
    ...fsm.frameworks.all(),
  ];
  return {
    master,
    nodes: fsm.nodes.all(),
    tasks: [...fsm.tasks.all()],
    frameworks,
    completed_frameworks: fsm.frameworks.completed(),
    services,
    roles: fsm.roles.all(),
    agent_ports,
  };
}
