// plan(): what the agent does for each combination of assignment, container and memory.
import { describe, expect, test } from "vitest";
import type { Assignment } from "../api/agent.js";
import type { TaskStatus } from "../driver/types.js";
import { plan, type ReconcileView } from "./reconcile.js";

const spec = (task_id: string) => ({ task_id, image: "img", cpus: 1, memory_bytes: 64 << 20 });
const assign = (task_id: string, desired: "running" | "stopped"): Assignment => ({ task_id, spec: spec(task_id), desired, grace_ms: 500 });
const status = (task_id: string, state: TaskStatus["state"]): TaskStatus =>
  ({ task_id, node_id: "n", state, reason: state === "RUNNING" ? "running" : "exited", message: "" }) as TaskStatus;

function view(partial: Partial<ReconcileView>): ReconcileView {
  return { desired: new Map(), actual: new Map(), remembered: new Map(), busy: () => false, graceOf: () => 9, ...partial };
}

describe("plan", () => {
  test("starts a running assignment with no container", () => {
    expect(plan(view({ desired: new Map([["a", assign("a", "running")]]) }))).toEqual([{ kind: "start", spec: spec("a") }]);
  });

  test("never starts a task that has a container, ended here, or is busy", () => {
    const desired = new Map([["a", assign("a", "running")], ["b", assign("b", "running")], ["c", assign("c", "running")]]);
    const actions = plan(view({
      desired,
      actual: new Map([["a", status("a", "RUNNING")]]),
      remembered: new Map([["b", { terminal: true }], ["a", { terminal: false }], ["c", { terminal: false }]]),
      busy: (id) => id === "c",
    }));
    expect(actions).toEqual([]);
  });

  test("stops a stopped assignment that runs, with its grace, and never starts one", () => {
    const desired = new Map([["a", assign("a", "stopped")], ["b", assign("b", "stopped")]]);
    expect(plan(view({ desired, actual: new Map([["a", status("a", "RUNNING")]]) }))).toEqual([
      { kind: "stop", task_id: "a", grace_ms: 500, remove: false },
      { kind: "cancel", task_id: "b" },
    ]);
  });

  test("reports a stopped assignment that never started here once, and leaves an ended or busy one alone", () => {
    const desired = new Map([["a", assign("a", "stopped")], ["b", assign("b", "stopped")], ["c", assign("c", "stopped")], ["d", assign("d", "stopped")]]);
    const actions = plan(view({
      desired,
      actual: new Map([["c", status("c", "FINISHED")]]),
      remembered: new Map([["b", { terminal: true }], ["d", { terminal: false }]]),
      busy: (id) => id === "e",
    }));
    // a: never seen here; d: a start was recorded but no container exists (cut short): both end.
    expect(actions).toEqual([{ kind: "cancel", task_id: "a" }, { kind: "cancel", task_id: "d" }]);
    expect(plan(view({ desired: new Map([["a", assign("a", "stopped")]]), busy: () => true }))).toEqual([]);
  });

  test("a task absent from the list is stopped and removed, an ended one removed, a remembered one forgotten", () => {
    const actions = plan(view({
      actual: new Map([["a", status("a", "RUNNING")], ["b", status("b", "FINISHED")]]),
      remembered: new Map([["a", { terminal: false }], ["c", { terminal: true }]]),
    }));
    expect(actions).toEqual([
      { kind: "stop", task_id: "a", grace_ms: 9, remove: true },
      { kind: "remove", task_id: "b" },
      { kind: "forget", task_id: "c" },
    ]);
  });

  test("before the first list nothing is stopped or removed", () => {
    expect(plan(view({ desired: undefined, actual: new Map([["a", status("a", "RUNNING")]]) }))).toEqual([]);
  });
});
