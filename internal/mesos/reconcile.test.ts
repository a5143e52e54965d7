// RECONCILE as a framework sees the answers: one per task asked about, in Mesos's states and words.
import { describe, expect, it } from "vitest";
import { reconcileStatuses, type KnownTask, type ReconcileView } from "./reconcile.js";
import { statusForFramework } from "./status-filter.js";

const running: KnownTask = { task_id: "t1", agent_id: "n1", state: "TASK_RUNNING", healthy: true };
const view: ReconcileView = {
  tasks: () => [running, { task_id: "t2", agent_id: "n2", state: "TASK_STAGING" }],
  task: (id) => (id === "t1" ? running : undefined),
  agent: (id) => ({ n1: "registered", n3: "unreachable", n4: "gone" } as const)[id as "n1"],
};

describe("reconcileStatuses", () => {
  it("answers an empty list with the latest state of every task, from the master, without a uuid", () => {
    const answers = reconcileStatuses({}, view, 2000);
    expect(answers.map((s) => [s.task_id.value, s.state])).toEqual([["t1", "TASK_RUNNING"], ["t2", "TASK_STAGING"]]);
    expect(answers[0]).toEqual({
      task_id: { value: "t1" }, state: "TASK_RUNNING", message: "Reconciliation: Latest task state", source: "SOURCE_MASTER",
      reason: "REASON_RECONCILIATION", agent_id: { value: "n1" }, timestamp: 2, healthy: true,
    });
  });

  it("answers every task asked about, by what is known of the task and its agent", () => {
    const ask = (task: string, agent?: string) => ({ task_id: { value: task }, ...(agent ? { agent_id: { value: agent } } : {}) });
    const answers = reconcileStatuses({ tasks: [ask("t1", "n9"), ask("x", "n1"), ask("x", "n3"), ask("x", "n4"), ask("x", "n5"), ask("x")] }, view, 0);
    expect(answers.map((s) => [s.state, s.message])).toEqual([
      ["TASK_RUNNING", "Reconciliation: Latest task state"],
      ["TASK_GONE", "Reconciliation: Task is unknown to the agent"],
      ["TASK_UNREACHABLE", "Reconciliation: Task is unreachable"],
      ["TASK_GONE_BY_OPERATOR", "Reconciliation: Task is gone"],
      ["TASK_UNKNOWN", "Reconciliation: Task is unknown"],
      ["TASK_UNKNOWN", "Reconciliation: Task is unknown"],
    ]);
    expect(answers.every((s) => s.uuid === undefined && s.reason === "REASON_RECONCILIATION")).toBe(true);
  });

  it("gives a framework that is not PARTITION_AWARE TASK_LOST for every unknown task", () => {
    const answers = reconcileStatuses({ tasks: [{ task_id: { value: "x" }, agent_id: { value: "n3" } }] }, view, 0);
    expect(answers.map((s) => statusForFramework(s, new Set())?.state)).toEqual(["TASK_LOST"]);
  });
});
