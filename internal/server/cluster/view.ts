// Builds the scheduler's NodeView from the replicated tables: what each node holds right now.
import type { StateMachine } from "../../fsm/state.js";
import { isTerminalState, type TaskRecord } from "../../fsm/tasks.js";
import type { NodeView, PendingTask } from "../../scheduler/types.js";
import { parseConstraints } from "../../scheduler/constraint.js";
import type { ServiceSpec } from "../../fsm/services.js";

/** Tasks that hold resources on their node: not ended (a KILLING task still runs). */
export function holdsResources(t: TaskRecord): boolean {
  return !isTerminalState(t.state);
}

export function nodeViews(fsm: StateMachine): NodeView[] {
  return fsm.nodes.all().map((n) => {
    let cpus = 0;
    let memory_bytes = 0;
    let disk_bytes = 0;
    const ports = new Set<number>();
    const groups: Record<string, number> = {};
    for (const t of fsm.tasks.onNode(n.node_id)) {
      if (!holdsResources(t)) continue;
      cpus += t.spec.cpus;
      memory_bytes += t.spec.memory_bytes;
      disk_bytes += fsm.services.get(t.service)?.spec.disk_bytes ?? 0;
      for (const p of t.spec.ports ?? []) if (p.host_port !== 0) ports.add(p.host_port);
      groups[t.service] = (groups[t.service] ?? 0) + 1;
    }
    return {
      node_id: n.node_id,
      name: n.name,
      ready: n.status === "ready",
      total: n.resources,
      used: { cpus, memory_bytes, disk_bytes },
      attributes: n.attributes,
      ports_used: ports,
      groups,
    };
  });
}

export function pendingTask(task_id: string, spec: ServiceSpec): PendingTask {
  return {
    task_id,
    group: spec.name,
    role: spec.role,
    resources: { cpus: spec.cpus, memory_bytes: spec.memory_bytes, disk_bytes: spec.disk_bytes },
    host_ports: spec.ports.map((p) => p.host_port).filter((p) => p !== 0),
    constraints: parseConstraints(spec.constraints),
  };
}
