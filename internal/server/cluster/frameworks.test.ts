// The built-in frameworks decide replacements, scale, backoff and job ends from state alone.
import { describe, expect, it } from "vitest";
import type { ServiceRecord, ServiceSpec } from "../../fsm/services.js";
import { testServiceSpec } from "../../fsm/fixtures.test-util.js";
import type { TaskRecord } from "../../fsm/tasks.js";
import { restart_backoff_base_ms, serviceWork } from "./frameworks.js";

const spec = (o: Partial<ServiceSpec> = {}): ServiceSpec =>
  testServiceSpec({ image: "b", cpus: 0.1, memory_bytes: 1 << 24, count: 3, retries_max: 2, ...o });
const svc = (o: Partial<ServiceRecord> = {}, s: Partial<ServiceSpec> = {}): ServiceRecord => ({
  spec: spec(s), state: "running", created_at_ms: 0, updated_at_ms: 0, version: 5, tasks_made: 0, restarts: 0, completions: 0, failures: 0, pending_reason: "", pending_count: 0, ...o,
});
let n = 0;
const task = (state: TaskRecord["state"], o: Partial<TaskRecord> = {}): TaskRecord => ({
  task_id: `web.${++n}`, service: "web", version: 5, node_id: "n1", spec: { task_id: "x", image: "b", cpus: 0.1, memory_bytes: 1 }, desired: "running",
  state, reason: "running", message: "m", last_seq: 0, created_at_ms: n, updated_at_ms: n, ended_at_ms: ["FAILED", "LOST", "FINISHED", "KILLED"].includes(state) ? 10_000 : 0, history: [], ...o,
});

describe("services", () => {
  it("creates the missing replicas of a new service", () => {
    expect(serviceWork(svc(), [], 0)).toMatchObject({ create: 3, replacing: 0, stops: [] });
  });

  it("scales down newest first", () => {
    const tasks = [task("RUNNING"), task("RUNNING"), task("RUNNING")];
    const w = serviceWork(svc({ tasks_made: 3 }, { count: 1 }), tasks, 0);
    expect(w.stops.map((s) => s.task_id)).toEqual([tasks[1]!.task_id, tasks[2]!.task_id]);
    expect(w.create).toBe(0);
  });

  it("replaces a failed task only after the backoff, and says when", () => {
    const tasks = [task("RUNNING"), task("RUNNING"), task("FAILED", { desired: "stopped" })];
    const early = serviceWork(svc({ tasks_made: 3 }), tasks, 10_000 + restart_backoff_base_ms / 2);
    expect(early.create).toBe(0);
    expect(early.waiting_reason).toMatch(/^restarting in 1 s \(backoff after 1 recent failure; last: web\.\d+ FAILED: m\)$/);
    const later = serviceWork(svc({ tasks_made: 3 }), tasks, 10_000 + restart_backoff_base_ms);
    expect(later).toMatchObject({ create: 1, replacing: 1, waiting_reason: "" });
  });

  it("replaces tasks of an older version", () => {
    const old = [task("RUNNING", { version: 4 }), task("RUNNING", { version: 4 })];
    const w = serviceWork(svc({ tasks_made: 2 }, { count: 2 }), old, 0);
    expect(w.stops).toHaveLength(2);
    expect(w.create).toBe(2);
  });

  it("restart never: only first runs", () => {
    const w = serviceWork(svc({ tasks_made: 3 }, { restart: "never" }), [task("RUNNING"), task("FAILED")], 1e9);
    expect(w.create).toBe(0);
  });

  it("a stopped service does nothing but forget old tasks", () => {
    const ended = Array.from({ length: 12 }, () => task("KILLED", { desired: "stopped" }));
    const w = serviceWork(svc({ state: "stopped" }), ended, 0);
    expect(w).toMatchObject({ create: 0, stops: [] });
    expect(w.forget).toHaveLength(2);
  });
});

describe("jobs", () => {
  it("completes after count successes and fails after retries", () => {
    expect(serviceWork(svc({ completions: 1, tasks_made: 1 }, { kind: "job", count: 1 }), [task("FINISHED")], 0).state).toBe("complete");
    const running = task("RUNNING");
    const failed = serviceWork(svc({ failures: 3, tasks_made: 3 }, { kind: "job", count: 1, retries_max: 2 }), [running], 0);
    expect(failed.state).toBe("failed");
    expect(failed.stops.map((s) => s.task_id)).toEqual([running.task_id]);
  });

  it("runs the remaining completions", () => {
    expect(serviceWork(svc({ completions: 2, tasks_made: 2 }, { kind: "job", count: 5 }), [task("RUNNING")], 0)).toMatchObject({ create: 2 });
  });
});
