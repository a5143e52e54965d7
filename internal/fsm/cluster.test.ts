// Nodes, services and tasks in the state machine: registration, plans, status updates, liveness, snapshots.
import { describe, expect, it } from "vitest";
import type { TaskStatus } from "../driver/types.js";
import { CommandType, type Command, type Envelope } from "./commands.js";
import { testServiceSpec } from "./fixtures.test-util.js";
import type { ServiceSpec } from "./services.js";
import { StateMachine } from "./state.js";

let rid = 0;
const env = (cmd: Command, at_ms = 1_000): Envelope => ({ rid: `t-${++rid}`, at_ms, cmd });

const spec: ServiceSpec = testServiceSpec();

function cluster(): { s: StateMachine; next: () => number } {
  const s = new StateMachine();
  let index = 0;
  const next = (): number => ++index;
  s.apply(next(), env({ type: CommandType.node_register, node_id: "n1", name: "a", http_addr: "127.0.0.1:1", resources: { cpus: 2, memory_bytes: 1 << 30, disk_bytes: 0 }, attributes: { os: "linux" }, driver: "mock", version: "t" }));
  s.apply(next(), env({ type: CommandType.service_put, spec }));
  const version = s.services.get("web")!.version;
  s.apply(
    next(),
    env({
      type: CommandType.plan_apply,
      tasks: ["web.1", "web.2"].map((task_id) => ({ task_id, service: "web", version, node_id: "n1", spec: { task_id, image: "busybox", cpus: 0.5, memory_bytes: 64 << 20 } })),
      stops: [],
      services: [{ name: "web", tasks_made: 2, restarts: 0, pending_reason: "", pending_count: 0 }],
    }),
  );
  return { s, next };
}

const status = (task_id: string, state: TaskStatus["state"], reason: string): TaskStatus => ({ task_id, node_id: "n1", state, reason, message: `${state} now` }) as TaskStatus;

describe("cluster tables", () => {
  it("places tasks from a plan and tells listeners which node changed", () => {
    const { s, next } = cluster();
    const seen: string[][] = [];
    s.onChange((touched) => seen.push([...touched]));
    expect(s.tasks.onNode("n1").map((t) => [t.task_id, t.state, t.desired])).toEqual([
      ["web.1", "STAGING", "running"],
      ["web.2", "STAGING", "running"],
    ]);
    s.apply(next(), env({ type: CommandType.task_stop, task_id: "web.1", message: "stop" }));
    expect(seen).toEqual([["n1"]]);
    expect(s.tasks.get("web.1")!.desired).toBe("stopped");
  });

  it("applies status updates in seq order, ignores duplicates, and never revives an ended task", () => {
    const { s, next } = cluster();
    const upd = (seq: number, st: TaskStatus) => ({ update_id: `u${seq}`, task_id: st.task_id, seq, status: st, at_ms: 2_000 + seq });
    const r = s.apply(next(), env({ type: CommandType.task_status, node_id: "n1", updates: [upd(1, status("web.1", "RUNNING", "running")), upd(2, status("web.1", "FAILED", "exit_nonzero"))] }));
    expect(r).toEqual({ ok: true, acked: ["u1", "u2"] });
    const t = s.tasks.get("web.1")!;
    expect([t.state, t.desired, t.ended_at_ms]).toEqual(["FAILED", "stopped", 2_002]);
    // A replay of seq 1 and a late RUNNING after the end change nothing.
    s.apply(next(), env({ type: CommandType.task_status, node_id: "n1", updates: [upd(1, status("web.1", "RUNNING", "running")), upd(3, status("web.1", "RUNNING", "running"))] }));
    expect(s.tasks.get("web.1")!.state).toBe("FAILED");
    expect(s.services.get("web")!.failures).toBe(1);
    // Updates from another node for this task are ignored.
    s.apply(next(), env({ type: CommandType.task_status, node_id: "n9", updates: [upd(9, status("web.2", "RUNNING", "running"))] }));
    expect(s.tasks.get("web.2")!.state).toBe("STAGING");
  });

  it("wakes the node's assignment stream only when a status changes what the node must do", () => {
    const { s, next } = cluster();
    const seen: string[][] = [];
    s.onChange((touched) => seen.push([...touched]));
    const upd = (seq: number, st: TaskStatus) => ({ update_id: `w${seq}`, task_id: st.task_id, seq, status: st, at_ms: 3_000 });
    s.apply(next(), env({ type: CommandType.task_status, node_id: "n1", updates: [upd(1, status("web.1", "RUNNING", "running"))] }));
    expect(seen).toEqual([]);
    s.apply(next(), env({ type: CommandType.task_status, node_id: "n1", updates: [upd(2, status("web.1", "FINISHED", "exited"))] }));
    expect(seen).toEqual([["n1"]]);
  });

  it("marks a down node's active tasks LOST with a reason, and lets it come back", () => {
    const { s, next } = cluster();
    s.apply(next(), env({ type: CommandType.node_status, node_id: "n1", status: "down", reason: "no heartbeat for 11 s" }, 5_000));
    const t = s.tasks.get("web.2")!;
    expect([t.state, t.reason]).toEqual(["LOST", "node_down"]);
    expect(t.message).toContain("node a went down (no heartbeat for 11 s)");
    s.apply(next(), env({ type: CommandType.node_register, node_id: "n1", name: "a", http_addr: "127.0.0.1:1", resources: { cpus: 2, memory_bytes: 1 << 30, disk_bytes: 0 }, attributes: {}, driver: "mock", version: "t" }));
    expect(s.nodes.get("n1")).toMatchObject({ status: "ready", status_reason: "came back after being down" });
    expect(s.tasks.get("web.2")!.state).toBe("LOST");
  });

  it("refuses a second live node with the same name", () => {
    const { s, next } = cluster();
    const r = s.apply(next(), env({ type: CommandType.node_register, node_id: "n2", name: "a", http_addr: "127.0.0.1:2", resources: { cpus: 1, memory_bytes: 1, disk_bytes: 0 }, attributes: {}, driver: "mock", version: "t" }));
    expect(r).toMatchObject({ ok: false, code: "rejected" });
    expect(s.nodes.size).toBe(1);
  });

  it("stops every task of a stopped service and skips plan tasks for a node that is down", () => {
    const { s, next } = cluster();
    s.apply(next(), env({ type: CommandType.service_stop, name: "web" }));
    expect(s.tasks.ofService("web").every((t) => t.desired === "stopped")).toBe(true);
    expect(s.services.get("web")!.state).toBe("stopped");
    s.apply(next(), env({ type: CommandType.node_status, node_id: "n1", status: "down", reason: "test" }));
    const r = s.apply(next(), env({ type: CommandType.plan_apply, tasks: [{ task_id: "web.3", service: "web", version: 1, node_id: "n1", spec: { task_id: "web.3", image: "b", cpus: 1, memory_bytes: 1 } }], stops: [], services: [] }));
    expect(r).toEqual({ ok: true, placed: 0, dropped: [{ task_id: "web.3", reason: "node a is down" }] });
  });

  it("re-checks every placement against the state it lands on: two writers never over-commit a node", () => {
    // n1 has 2 CPUs and 1 GiB; web.1 and web.2 hold 1 CPU. Two writers planned against the same
    // older state, each for 1 CPU: only the first plan's task fits.
    const { s, next } = cluster();
    const version = s.services.get("web")!.version;
    const task = (task_id: string, cpus: number, memory_bytes = 64 << 20, host_port?: number) => ({
      task_id,
      service: "web",
      version,
      node_id: "n1",
      spec: { task_id, image: "busybox", cpus, memory_bytes, ...(host_port !== undefined ? { ports: [{ host_port, container_port: 80, protocol: "tcp" as const }], host_ip: "127.0.0.1" } : {}) },
    });
    const plan = (...tasks: ReturnType<typeof task>[]) => env({ type: CommandType.plan_apply, tasks, stops: [], services: [] });
    expect(s.apply(next(), plan(task("a.1", 1)))).toEqual({ ok: true, placed: 1, dropped: [] });
    expect(s.apply(next(), plan(task("b.1", 1)))).toEqual({ ok: true, placed: 0, dropped: [{ task_id: "b.1", reason: "node a has 0 CPUs free, the task needs 1" }] });
    // Within one plan, each accepted entry is charged before the next is checked.
    s.apply(next(), env({ type: CommandType.task_stop, task_id: "a.1", message: "x" }));
    s.apply(next(), env({ type: CommandType.node_status, node_id: "n1", status: "down", reason: "t" }));
    s.apply(next(), env({ type: CommandType.node_register, node_id: "n1", name: "a", http_addr: "127.0.0.1:1", resources: { cpus: 2, memory_bytes: 1 << 30, disk_bytes: 0 }, attributes: {}, driver: "mock", version: "t" }));
    const r = s.apply(next(), plan(task("c.1", 0.5, 512 << 20, 8080), task("c.2", 0.5, 768 << 20), task("c.3", 0.5, 1 << 20, 8080), task("c.4", 0.5, 1 << 20)));
    expect(r).toEqual({
      ok: true,
      placed: 2,
      dropped: [
        { task_id: "c.2", reason: `node a has ${(1 << 30) - (512 << 20)} bytes of memory free, the task needs ${768 << 20}` },
        { task_id: "c.3", reason: "port 8080 is already taken on node a" },
      ],
    });
    const held = s.tasks.onNode("n1").filter((t) => t.state !== "LOST");
    expect(held.reduce((sum, t) => sum + t.spec.cpus, 0)).toBeLessThanOrEqual(2);
    expect(held.reduce((sum, t) => sum + t.spec.memory_bytes, 0)).toBeLessThanOrEqual(1 << 30);
  });

  it("never lets a role's tasks hold more than its limit, whoever wrote the plan", () => {
    const { s, next } = cluster();
    // web's role holds 1 CPU (web.1 and web.2); a limit of 1.5 CPUs leaves room for one more 0.5.
    s.apply(next(), env({ type: CommandType.role_set, role: spec.role, limit: { cpus: 1.5 } }));
    const version = s.services.get("web")!.version;
    const task = (task_id: string) => ({ task_id, service: "web", version, node_id: "n1", spec: { task_id, image: "busybox", cpus: 0.5, memory_bytes: 16 << 20 } });
    const r = s.apply(next(), env({ type: CommandType.plan_apply, tasks: [task("web.3"), task("web.4")], stops: [], services: [] }));
    expect(r).toEqual({ ok: true, placed: 1, dropped: [{ task_id: "web.4", reason: `role ${spec.role} is at its limit of 1.5 cpus (orch roles set ${spec.role} --quota ... raises it)` }] });
  });

  it("restores from a snapshot to the same tables", () => {
    const { s, next } = cluster();
    s.apply(next(), env({ type: CommandType.task_stop, task_id: "web.2", message: "x" }));
    const copy = new StateMachine();
    copy.restore(s.snapshot(), s.applied_index);
    expect(copy.snapshot()).toEqual(s.snapshot());
    expect(copy.tasks.onNode("n1").map((t) => t.task_id).sort()).toEqual(["web.1", "web.2"]);
    expect(copy.tasks.ofService("web")).toHaveLength(2);
  });

  it("forgets only ended tasks", () => {
    const { s, next } = cluster();
    s.apply(next(), env({ type: CommandType.node_status, node_id: "n1", status: "down", reason: "t" }));
    s.apply(next(), env({ type: CommandType.tasks_forget, task_ids: ["web.1", "nope"] }));
    expect(s.tasks.get("web.1")).toBeUndefined();
    expect(s.tasks.get("web.2")).toBeDefined();
  });
});
