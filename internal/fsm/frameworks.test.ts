// External frameworks in the state machine: subscribe and failover state, their tasks' status
// updates kept until acknowledged, suppress/revive and decline filters, removal, snapshots.
import { testFrameworkInfo } from "./fixtures.test-util.js";
import { describe, expect, it } from "vitest";
import type { TaskStatus } from "../driver/types.js";
import { fromBase64 } from "./base64.js";
import { CommandType, type Command } from "./commands.js";
import type { FrameworkUpdate } from "./framework-handlers.js";
import { StateMachine } from "./state.js";

const info = testFrameworkInfo;

const FW = "f0e1d2c3-0000-4000-8000-000000000001-0000";

function setup(): { s: StateMachine; apply: (cmd: Command, at_ms?: number) => ReturnType<StateMachine["apply"]>; updates: FrameworkUpdate[] } {
  const s = new StateMachine();
  let index = 0;
  const apply = (cmd: Command, at_ms = 1_000): ReturnType<StateMachine["apply"]> => s.apply(++index, { rid: `r${index}`, at_ms, cmd });
  const updates: FrameworkUpdate[] = [];
  s.onFrameworkUpdate((u) => updates.push(u));
  apply({ type: CommandType.node_register, node_id: "n1", name: "a", http_addr: "127.0.0.1:1", resources: { cpus: 2, memory_bytes: 1 << 30, disk_bytes: 0 }, attributes: {}, driver: "mock", version: "t" });
  apply({ type: CommandType.framework_put, framework_id: FW, info: info({ roles: ["web", "batch"], multi_role: true }), connect: true });
  return { s, apply, updates };
}

function launch(apply: ReturnType<typeof setup>["apply"], seq: number, mesos_task_id: string): ReturnType<StateMachine["apply"]> {
  const task_id = `${FW}.${seq}`;
  return apply({
    type: CommandType.plan_apply,
    tasks: [{ task_id, service: FW, version: 0, node_id: "n1", spec: { task_id, image: "busybox", cpus: 0.5, memory_bytes: 64 << 20 }, framework: { framework_id: FW, task_id: mesos_task_id, name: "t", role: "web", labels: [] }, grace_ms: 3_000 }],
    stops: [],
    services: [],
  });
}

const running = (task_id: string, seq: number, state: TaskStatus["state"] = "RUNNING") => ({
  type: CommandType.task_status,
  node_id: "n1",
  updates: [{ update_id: `u${seq}`, task_id, seq, at_ms: 2_000 + seq, status: { task_id, node_id: "n1", state, reason: state === "RUNNING" ? "running" : "exited", message: state } as TaskStatus }],
} satisfies Command);

describe("frameworks", () => {
  it("keeps a framework's task updates until acknowledged, each with its own 16-byte uuid, and tells listeners", () => {
    const { s, apply, updates } = setup();
    expect(launch(apply, 1, "my-task")).toEqual({ ok: true, placed: 1, dropped: [] });
    expect(s.frameworks.get(FW)!.tasks_made).toBe(1);
    const t = s.tasks.get(`${FW}.1`)!;
    expect(t.framework).toMatchObject({ framework_id: FW, task_id: "my-task", pending: [] });
    apply(running(t.task_id, 1));
    apply(running(t.task_id, 2, "FINISHED"));
    expect(t.framework!.pending.map((p) => p.state)).toEqual(["RUNNING", "FINISHED"]);
    const [u1, u2] = t.framework!.pending;
    expect(fromBase64(u1!.uuid)).toHaveLength(16);
    expect(u1!.uuid).not.toBe(u2!.uuid);
    expect(updates.map((u) => [u.update.state, u.update.source, u.update.uuid])).toEqual([
      ["RUNNING", "SOURCE_AGENT", u1!.uuid],
      ["FINISHED", "SOURCE_AGENT", u2!.uuid],
    ]);
    expect(apply({ type: CommandType.framework_ack, framework_id: FW, task_id: t.task_id, uuid: u1!.uuid })).toEqual({ ok: true, acked: [u1!.uuid] });
    // A repeated or unknown uuid acknowledges nothing and changes nothing.
    expect(apply({ type: CommandType.framework_ack, framework_id: FW, task_id: t.task_id, uuid: u1!.uuid })).toEqual({ ok: true, acked: [] });
    expect(t.framework!.pending.map((p) => p.uuid)).toEqual([u2!.uuid]);
  });

  it("makes the same uuids on every server (deterministic) and sends master-made updates without one", () => {
    const a = setup();
    const b = setup();
    for (const x of [a, b]) {
      launch(x.apply, 1, "t1");
      x.apply(running(`${FW}.1`, 1));
      x.apply({ type: CommandType.node_status, node_id: "n1", status: "down", reason: "no heartbeat" });
    }
    expect(a.s.snapshot()).toEqual(b.s.snapshot());
    const lost = a.updates.at(-1)!;
    expect(lost.update).toMatchObject({ state: "LOST", reason: "node_down", source: "SOURCE_MASTER" });
    expect(lost.update.uuid).toBeUndefined();
  });

  it("keeps failover state and filters in snapshots; a removed framework's tasks are killed and it cannot come back", () => {
    const { s, apply } = setup();
    launch(apply, 1, "t1");
    apply({ type: CommandType.framework_suppress, framework_id: FW, roles: ["batch"], suppress: true });
    apply({ type: CommandType.framework_decline, framework_id: FW, filters: [{ node_id: "n1", until_ms: 9_000 }] });
    apply({ type: CommandType.framework_disconnect, framework_id: FW }, 5_000);
    const copy = new StateMachine();
    copy.restore(s.snapshot(), s.applied_index);
    expect(copy.frameworks.get(FW)).toMatchObject({ connected: false, disconnected_at_ms: 5_000, suppressed_roles: ["batch"], filters: [{ node_id: "n1", until_ms: 9_000 }] });
    // REVIVE of all roles clears suppression and filters.
    apply({ type: CommandType.framework_suppress, framework_id: FW, roles: [], suppress: false });
    expect(s.frameworks.get(FW)).toMatchObject({ suppressed_roles: [], filters: [] });
    expect(apply({ type: CommandType.framework_remove, framework_id: FW, reason: "failover timeout" }, 70_000)).toMatchObject({ ok: true });
    expect(s.tasks.get(`${FW}.1`)!.desired).toBe("stopped");
    expect(s.frameworks.get(FW)).toBeUndefined();
    expect(s.frameworks.completed().map((f) => [f.framework_id, f.removed_reason])).toEqual([[FW, "failover timeout"]]);
    expect(apply({ type: CommandType.framework_put, framework_id: FW, info: info(), connect: true })).toEqual({ ok: false, code: "rejected", message: "Framework has been removed" });
    // A plan for a framework that is gone places nothing.
    expect(launch(apply, 2, "t2")).toEqual({ ok: true, placed: 0, dropped: [{ task_id: `${FW}.2`, reason: `framework ${FW} is no longer registered` }] });
  });

  it("KILL stops one task with the grace its kill policy gives", () => {
    const { s, apply } = setup();
    launch(apply, 1, "t1");
    apply({ type: CommandType.task_kill, task_id: `${FW}.1`, grace_ms: 500, message: "killed by the framework" });
    expect(s.tasks.get(`${FW}.1`)).toMatchObject({ desired: "stopped", grace_ms: 500 });
  });
});
