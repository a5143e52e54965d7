// The operator stream's events from state changes driven through real commands: a reader that
// applies them to its SUBSCRIBED snapshot knows what the state says.
import { describe, expect, it } from "vitest";
import { CommandType } from "../fsm/commands.js";
import { OperatorFeed } from "./operator-feed.js";
import { fwInfo, mib, smallCluster } from "./operator.test-util.js";
import type { OperatorEvent } from "./types-operator.js";

const types = (evs: OperatorEvent[]): string[] => evs.map((e) => e.type);

describe("OperatorFeed", () => {
  it("tells nothing when nothing changed, and nothing twice", () => {
    const c = smallCluster();
    const feed = new OperatorFeed(c.input());
    expect(feed.diff(c.input())).toEqual([]);
    c.status("fw-1.1", "RUNNING", "running");
    expect(types(feed.diff(c.input()))).toEqual(["TASK_UPDATED"]);
    expect(feed.diff(c.input())).toEqual([]);
  });

  it("tells TASK_ADDED for a placed task and TASK_UPDATED with the latest status and state as it moves", () => {
    const c = smallCluster();
    const feed = new OperatorFeed(c.input());
    c.apply({ type: CommandType.plan_apply, tasks: [{ task_id: "web.2", service: "web", version: 2, node_id: "n1", spec: { task_id: "web.2", image: "busybox", cpus: 0.5, memory_bytes: 128 * mib } }], stops: [], services: [] });
    const added = feed.diff(c.input());
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ type: "TASK_ADDED", task_added: { task: { task_id: { value: "web.2" }, framework_id: { value: "services" }, agent_id: { value: "n1" }, state: "TASK_STAGING" } } });
    c.status("web.2", "STARTING", "starting");
    const observed_ms = c.at_ms; // the agent's time of the observation, carried in the update
    c.status("web.2", "RUNNING", "running", "n1", { container_id: "beef" });
    // Two transitions between looks: one update, to where the task is now.
    expect(feed.diff(c.input())).toEqual([
      {
        type: "TASK_UPDATED",
        task_updated: {
          framework_id: { value: "services" },
          status: { task_id: { value: "web.2" }, state: "TASK_RUNNING", message: "running now", source: "SOURCE_EXECUTOR", agent_id: { value: "n1" }, timestamp: observed_ms / 1000, container_status: { container_id: { value: "beef" }, network_infos: [{ ip_addresses: [{ ip_address: "10.0.0.7" }] }] } },
          state: "TASK_RUNNING",
        },
      },
    ]);
  });

  it("tells AGENT_ADDED for a new or returning agent and AGENT_REMOVED when it goes down (after its tasks' updates)", () => {
    const c = smallCluster();
    const feed = new OperatorFeed(c.input());
    c.register("n2", "10.0.0.8:5051");
    const added = feed.diff(c.input());
    expect(added).toMatchObject([{ type: "AGENT_ADDED", agent_added: { agent: { agent_info: { id: { value: "n2" }, hostname: "n2.example" }, active: true, pid: "slave(1)@10.0.0.8:5051" } } }]);
    c.apply({ type: CommandType.node_status, node_id: "n1", status: "down", reason: "no heartbeat" });
    const gone = feed.diff(c.input());
    expect(types(gone)).toEqual(["TASK_UPDATED", "TASK_UPDATED", "AGENT_REMOVED"]);
    expect(gone[2]).toEqual({ type: "AGENT_REMOVED", agent_removed: { agent_id: { value: "n1" } } });
    c.register("n1");
    expect(types(feed.diff(c.input()))).toEqual(["AGENT_ADDED"]);
  });

  it("tells FRAMEWORK_ADDED, FRAMEWORK_UPDATED on a disconnection and FRAMEWORK_REMOVED with its FrameworkInfo", () => {
    const c = smallCluster();
    const feed = new OperatorFeed(c.input());
    c.apply({ type: CommandType.framework_put, framework_id: "fw-2", info: { ...fwInfo, name: "chronos" }, connect: true });
    expect(feed.diff(c.input())).toMatchObject([{ type: "FRAMEWORK_ADDED", framework_added: { framework: { framework_info: { id: { value: "fw-2" }, name: "chronos" }, active: true, connected: true } } }]);
    c.apply({ type: CommandType.framework_disconnect, framework_id: "fw-2" });
    expect(feed.diff(c.input())).toMatchObject([{ type: "FRAMEWORK_UPDATED", framework_updated: { framework: { framework_info: { id: { value: "fw-2" } }, active: false, connected: false } } }]);
    c.apply({ type: CommandType.framework_remove, framework_id: "fw-1", reason: "teardown" });
    const removed = feed.diff(c.input());
    expect(removed.at(-1)).toMatchObject({ type: "FRAMEWORK_REMOVED", framework_removed: { framework_info: { id: { value: "fw-1" }, name: "marathon", role: "web" } } });
  });
});
