// A small cluster's replicated state for the operator builders' tests: one agent, a service task
// bound to a port, a job, an external framework with a task, each moved through real commands.
import { CommandType, type Command } from "../fsm/commands.js";
import { testServiceSpec } from "../fsm/fixtures.test-util.js";
import { StateMachine } from "../fsm/state.js";
import type { FrameworkInfoRecord } from "../fsm/frameworks.js";
import { operatorInputOf, type MasterIdentity, type OperatorInput } from "./operator-input.js";

export const mib = 1024 * 1024;

export const master: MasterIdentity = {
  leader: { id: "cluster-1", ip: 0x0100007f, port: 5050, hostname: "127.0.0.1", version: "0.1.0", address: { hostname: "127.0.0.1", ip: "127.0.0.1", port: 5050 } },
  self_addr: "127.0.0.2:5050",
  cluster_id: "cluster-1",
  orch_version: "0.1.0",
  start_ms: 1_700_000_000_000,
};

export const fwInfo: FrameworkInfoRecord = {
  name: "marathon", user: "root", roles: ["web"], multi_role: false, capabilities: ["PARTITION_AWARE"], failover_timeout_s: 60,
  checkpoint: true, hostname: "sched-host", principal: "ops", webui_url: "http://sched-host:8080", labels: [{ key: "team", value: "a" }],
};

export class Cluster {
  readonly fsm = new StateMachine();
  private index = 0;
  at_ms = 1_700_000_000_000;
  private seq = 0;

  apply(cmd: Command): ReturnType<StateMachine["apply"]> {
    this.at_ms += 1000;
    return this.fsm.apply(++this.index, { rid: `r${this.index}`, at_ms: this.at_ms, cmd });
  }

  input(): OperatorInput {
    return operatorInputOf(this.fsm, master, [[31000, 32000]]);
  }

  register(node_id = "n1", http_addr = "10.0.0.7:5051"): void {
    this.apply({ type: CommandType.node_register, node_id, name: node_id, http_addr, resources: { cpus: 4, memory_bytes: 8192 * mib, disk_bytes: 10_240 * mib }, attributes: { hostname: `${node_id}.example`, rack: "3" }, driver: "mock", version: "0.1.0" });
  }

  status(task_id: string, state: "STARTING" | "RUNNING", reason: "starting" | "running", node_id = "n1", extra: Record<string, unknown> = {}): void {
    this.apply({ type: CommandType.task_status, node_id, updates: [{ update_id: `u${++this.seq}`, task_id, seq: this.seq, at_ms: this.at_ms, status: { task_id, node_id, state, reason, message: `${state.toLowerCase()} now`, ...extra } as never }] });
  }

  finish(task_id: string, node_id = "n1"): void {
    this.apply({ type: CommandType.task_status, node_id, updates: [{ update_id: `u${++this.seq}`, task_id, seq: this.seq, at_ms: this.at_ms, status: { task_id, node_id, state: "FINISHED", reason: "exited", message: "exited 0", exit_code: 0 } }] });
  }
}

/** One agent, a web task RUNNING on host port 31005, a job, a framework task STAGING. */
export function smallCluster(): Cluster {
  const c = new Cluster();
  c.register();
  c.apply({ type: CommandType.service_put, spec: testServiceSpec({ name: "web", count: 1, cpus: 0.5, memory_bytes: 128 * mib, disk_bytes: 256 * mib, role: "web", ports: [{ container_port: 80, host_port: 31005, protocol: "tcp" }] }) });
  c.apply({ type: CommandType.plan_apply, tasks: [{ task_id: "web.1", service: "web", version: 2, node_id: "n1", spec: { task_id: "web.1", image: "busybox", cpus: 0.5, memory_bytes: 128 * mib, ports: [{ container_port: 80, host_port: 31005, protocol: "tcp" }], host_ip: "0.0.0.0" } }], stops: [], services: [] });
  c.status("web.1", "STARTING", "starting");
  c.status("web.1", "RUNNING", "running", "n1", { container_id: "c0ffee", ports: [{ container_port: 80, host_ip: "0.0.0.0", host_port: 31005, protocol: "tcp" }] });
  c.apply({ type: CommandType.framework_put, framework_id: "fw-1", info: fwInfo, connect: true });
  c.apply({ type: CommandType.plan_apply, tasks: [{ task_id: "fw-1.1", service: "fw-1", version: 0, node_id: "n1", spec: { task_id: "fw-1.1", image: "busybox", cpus: 0.25, memory_bytes: 64 * mib }, framework: { framework_id: "fw-1", task_id: "my-task", name: "my task", role: "web", labels: [{ key: "k", value: "v" }] } }], stops: [], services: [] });
  return c;
}
