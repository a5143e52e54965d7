// The leader's node-view cache gives exactly what a full rebuild gives, after every kind of change.
import { describe, expect, it } from "vitest";
import type { TaskStatus } from "../../driver/types.js";
import { CommandType, type Command } from "../../fsm/commands.js";
import { testServiceSpec } from "../../fsm/fixtures.test-util.js";
import type { ServiceSpec } from "../../fsm/services.js";
import { StateMachine } from "../../fsm/state.js";
import { NodeViewCache, nodeViews } from "./view.js";

const GiB = 1024 ** 3;

const spec = (name: string, disk_bytes = 0): ServiceSpec =>
  testServiceSpec({ name, disk_bytes, ports: [{ container_port: 80, host_port: 8080, protocol: "tcp" }] });

const register = (node_id: string, name: string): Command => ({
  type: CommandType.node_register,
  node_id,
  name,
  http_addr: "127.0.0.1:1",
  resources: { cpus: 4, memory_bytes: 8 * GiB, disk_bytes: 100 * GiB },
  attributes: { os: "linux" },
  driver: "mock",
  version: "t",
});

describe("NodeViewCache", () => {
  it("matches nodeViews() after registrations, plans, status updates, node loss, forgets, spec changes and restores", () => {
    const s = new StateMachine();
    const cache = new NodeViewCache(s);
    let index = 0;
    const apply = (cmd: Command): void => {
      s.apply(++index, { rid: `r-${index}`, at_ms: 1_000 + index, cmd });
    };
    const same = (): void => expect(cache.current()).toEqual(nodeViews(s));
    const plan = (service: string, node_id: string, ids: string[]): Command => ({
      type: CommandType.plan_apply,
      tasks: ids.map((task_id) => ({
        task_id,
        service,
        version: s.services.get(service)!.version,
        node_id,
        spec: { task_id, image: "busybox", cpus: 0.5, memory_bytes: 64 << 20, ports: [{ container_port: 80, host_port: 8080, protocol: "tcp" as const }] },
      })),
      stops: [],
      services: [],
    });
    const status = (node_id: string, task_id: string, seq: number, st: TaskStatus): Command => ({
      type: CommandType.task_status,
      node_id,
      updates: [{ update_id: `${task_id}-${seq}`, task_id, seq, at_ms: 5_000 + seq, status: st }],
    });
    const running = (node_id: string, task_id: string): TaskStatus => ({ task_id, node_id, state: "RUNNING", reason: "running", message: "running" });
    const failed = (node_id: string, task_id: string): TaskStatus => ({ task_id, node_id, state: "FAILED", reason: "exit_nonzero", message: "exit 1", exit_code: 1 });

    same();
    apply(register("n1", "b"));
    apply(register("n2", "a"));
    same();
    apply({ type: CommandType.service_put, spec: spec("web", GiB) });
    apply({ type: CommandType.service_put, spec: spec("db") });
    apply(plan("web", "n1", ["web.1"]));
    same();
    apply(plan("db", "n2", ["db.1", "db.2"]));
    same();
    const early = s.snapshot();
    apply(status("n1", "web.1", 1, running("n1", "web.1")));
    same();
    apply(status("n2", "db.1", 1, failed("n2", "db.1")));
    same();
    // A new spec for web changes the disk its running task is charged, with no node touched.
    apply({ type: CommandType.service_put, spec: spec("web", 2 * GiB) });
    same();
    apply({ type: CommandType.node_status, node_id: "n2", status: "down", reason: "silent" });
    same();
    apply({ type: CommandType.tasks_forget, task_ids: ["db.1", "db.2"] });
    same();
    apply(register("n3", "c"));
    apply(register("n1", "z")); // renamed: moves to the end of the name order
    same();
    const late = s.snapshot();
    s.restore(early, index);
    same();
    s.restore(late, index);
    same();
    expect(cache.current().map((v) => v.name)).toEqual(["a", "c", "z"]);
  });

  it("hands back the same view objects for nodes nothing touched", () => {
    const s = new StateMachine();
    const cache = new NodeViewCache(s);
    s.apply(1, { rid: "r1", at_ms: 1, cmd: register("n1", "a") });
    s.apply(2, { rid: "r2", at_ms: 2, cmd: register("n2", "b") });
    const first = cache.current();
    s.apply(3, { rid: "r3", at_ms: 3, cmd: register("n2", "b") });
    const second = cache.current();
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
  });
});
