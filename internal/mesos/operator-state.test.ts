// The operator builders against Mesos's field names: /master/state as readonly_handler.cpp and
// common/http.cpp write it, and the master.proto responses as stout writes protobuf JSON.
import { describe, expect, it } from "vitest";
import { CommandType } from "../fsm/commands.js";
import { masterState, flatResources } from "./master-state.js";
import { coalesce, getRoles, getState, leaderInfo, versionInfo } from "./operator-build.js";
import { encodeOperatorResponse } from "./operator-encode.js";
import { master, smallCluster } from "./operator.test-util.js";

type Json = Record<string, unknown>;
const state = (c = smallCluster()): Json => JSON.parse(JSON.stringify(masterState(c.input()))) as Json;
const frameworkOf = (s: Json, id: string): Json => (s["frameworks"] as Json[]).find((f) => f["id"] === id)!;

describe("GET /master/state", () => {
  it("names the master, its leader and its agents as Mesos does", () => {
    const s = state();
    expect(s).toMatchObject({
      version: "1.11.0",
      id: "cluster-1",
      pid: "master@127.0.0.2:5050",
      hostname: "127.0.0.2",
      start_time: master.start_ms / 1000,
      activated_slaves: 1,
      deactivated_slaves: 0,
      unreachable_slaves: 0,
      leader: "master@127.0.0.1:5050",
      leader_info: { id: "cluster-1", pid: "master@127.0.0.1:5050", port: 5050, hostname: "127.0.0.1" },
      recovered_slaves: [],
      completed_frameworks: [],
      orphan_tasks: [],
      unregistered_frameworks: [],
    });
    expect(s["slaves"]).toEqual([
      {
        id: "n1",
        hostname: "n1.example",
        port: 5051,
        attributes: { hostname: "n1.example", rack: 3 },
        pid: "slave(1)@10.0.0.7:5051",
        registered_time: 1_700_000_001,
        resources: { cpus: 4, gpus: 0, mem: 8192, disk: 10240, ports: "[31000-32000]" },
        used_resources: { cpus: 0.75, gpus: 0, mem: 192, disk: 256, ports: "[31005-31005]" },
        offered_resources: { cpus: 0, gpus: 0, mem: 0, disk: 0 },
        reserved_resources: {},
        unreserved_resources: { cpus: 4, gpus: 0, mem: 8192, disk: 10240, ports: "[31000-32000]" },
        active: true,
        deactivated: false,
        version: "0.1.0",
        capabilities: ["MULTI_ROLE"],
      },
    ]);
  });

  it("lists the built-in services and jobs as frameworks, their tasks with statuses, ports and the agent's IP", () => {
    const s = state();
    expect((s["frameworks"] as Json[]).map((f) => f["id"])).toEqual(["services", "jobs", "fw-1"]);
    const services = frameworkOf(s, "services");
    // Registered when its first service was created; a built-in without services, never.
    expect(services).toMatchObject({ name: "services", active: true, connected: true, roles: ["web"], registered_time: 1_700_000_002, completed_tasks: [], unreachable_tasks: [], offers: [], executors: [] });
    expect(frameworkOf(s, "jobs")).toMatchObject({ registered_time: 0, roles: ["*"], tasks: [] });
    expect(services["tasks"]).toEqual([
      {
        id: "web.1",
        name: "web",
        framework_id: "services",
        executor_id: "",
        slave_id: "n1",
        state: "TASK_RUNNING",
        resources: { cpus: 0.5, gpus: 0, mem: 128, disk: 256, ports: "[31005-31005]" },
        role: "web",
        statuses: [
          { state: "TASK_STARTING", timestamp: 1_700_000_003, container_status: { container_id: { value: "c0ffee" }, network_infos: [{ ip_addresses: [{ ip_address: "10.0.0.7" }] }] } },
          { state: "TASK_RUNNING", timestamp: 1_700_000_004, container_status: { container_id: { value: "c0ffee" }, network_infos: [{ ip_addresses: [{ ip_address: "10.0.0.7" }] }] } },
        ],
      },
    ]);
  });

  it("shows an external framework with its own task ids, role, labels and no pid (an HTTP framework)", () => {
    const fw = frameworkOf(state(), "fw-1");
    expect(fw).toMatchObject({
      name: "marathon", user: "root", role: "web", principal: "ops", hostname: "sched-host", webui_url: "http://sched-host:8080",
      failover_timeout: 60, checkpoint: true, capabilities: ["PARTITION_AWARE"], active: true, connected: true, recovered: false,
      registered_time: 1_700_000_006, unregistered_time: 0, labels: [{ key: "team", value: "a" }],
      used_resources: { cpus: 0.25, gpus: 0, mem: 64, disk: 0 },
    });
    expect(fw).not.toHaveProperty("pid");
    expect(fw).not.toHaveProperty("roles");
    expect(fw["tasks"]).toEqual([
      { id: "my-task", name: "my task", framework_id: "fw-1", executor_id: "", slave_id: "n1", state: "TASK_STAGING", resources: { cpus: 0.25, gpus: 0, mem: 64, disk: 0 }, role: "web", statuses: [], labels: [{ key: "k", value: "v" }] },
    ]);
  });

  it("moves ended tasks to completed_tasks, a removed framework to completed_frameworks, a down agent out of slaves", () => {
    const c = smallCluster();
    c.finish("web.1");
    c.apply({ type: CommandType.framework_remove, framework_id: "fw-1", reason: "torn down" });
    c.register("n2", "10.0.0.8:5051");
    c.apply({ type: CommandType.node_status, node_id: "n2", status: "down", reason: "no heartbeat" });
    const s = state(c);
    const services = frameworkOf(s, "services");
    expect(services["tasks"]).toEqual([]);
    expect((services["completed_tasks"] as Json[]).map((t) => [t["id"], t["state"]])).toEqual([["web.1", "TASK_FINISHED"]]);
    expect((s["frameworks"] as Json[]).map((f) => f["id"])).toEqual(["services", "jobs"]);
    const done = (s["completed_frameworks"] as Json[])[0]!;
    expect(done).toMatchObject({ id: "fw-1", active: false, connected: false, tasks: [] });
    expect((done["completed_tasks"] as Json[]).map((t) => t["id"])).toEqual(["my-task"]);
    expect((s["slaves"] as Json[]).map((x) => x["id"])).toEqual(["n1"]);
    expect(s).toMatchObject({ activated_slaves: 1, unreachable_slaves: 1 });
  });

  it("lists the tasks of an agent gone down under unreachable_tasks, as TASK_UNREACHABLE", () => {
    const c = smallCluster();
    c.apply({ type: CommandType.node_status, node_id: "n1", status: "down", reason: "no heartbeat" });
    const services = frameworkOf(state(c), "services");
    expect(services["tasks"]).toEqual([]);
    expect((services["unreachable_tasks"] as Json[]).map((t) => [t["id"], t["state"]])).toEqual([["web.1", "TASK_UNREACHABLE"]]);
    const gt = getState(c.input()).get_tasks;
    expect(gt.unreachable_tasks?.map((t) => t.task_id.value)).toEqual(["web.1", "my-task"]);
    expect(gt.tasks).toEqual([]);
  });

  it("keeps one status per state in a row, the later one, as Mesos's master does", () => {
    const c = smallCluster();
    c.status("fw-1.1", "STARTING", "starting");
    // orch records a transition whenever the reason changes: two in a row here land in TASK_KILLING.
    c.apply({ type: CommandType.task_status, node_id: "n1", updates: [{ update_id: "k1", task_id: "fw-1.1", seq: 100, at_ms: 5_000, status: { task_id: "fw-1.1", node_id: "n1", state: "KILLING", reason: "killing", message: "stopping" } }] });
    c.apply({ type: CommandType.task_status, node_id: "n1", updates: [{ update_id: "k2", task_id: "fw-1.1", seq: 101, at_ms: 6_000, status: { task_id: "fw-1.1", node_id: "n1", state: "KILLING", reason: "running", message: "still stopping" } as never }] });
    const fw = frameworkOf(state(c), "fw-1");
    const statuses = ((fw["tasks"] as Json[])[0]!["statuses"] as Json[]).map((x) => [x["state"], x["timestamp"]]);
    expect(statuses).toEqual([["TASK_STARTING", c.at_ms / 1000 - 3], ["TASK_KILLING", 6]]);
  });

  it("writes port ranges as Mesos stringifies them", () => {
    expect(coalesce([{ begin: 31005, end: 31005 }, { begin: 31000, end: 31001 }, { begin: 31002, end: 31002 }])).toEqual([{ begin: 31000, end: 31002 }, { begin: 31005, end: 31005 }]);
    expect(flatResources({ cpus: 1, mem: 2, disk: 0, ports: [{ begin: 1, end: 2 }, { begin: 5, end: 5 }] })).toEqual({ cpus: 1, gpus: 0, mem: 2, disk: 0, ports: "[1-2, 5-5]" });
  });
});

describe("operator responses (master.proto, stout's JSON)", () => {
  it("GET_STATE nests get_tasks, get_executors, get_frameworks, get_agents, empty repeated fields as [] (as the docs show them)", () => {
    const body = JSON.parse(encodeOperatorResponse({ type: "GET_STATE", get_state: getState(smallCluster().input()) })) as Json;
    expect(Object.keys(body)).toEqual(["type", "get_state"]);
    const gs = body["get_state"] as Json;
    expect(Object.keys(gs)).toEqual(["get_tasks", "get_executors", "get_frameworks", "get_agents"]);
    expect(gs["get_executors"]).toEqual({ executors: [] });
    expect(Object.keys(gs["get_tasks"] as Json)).toEqual(["pending_tasks", "tasks", "unreachable_tasks", "completed_tasks"]);
    const tasks = (gs["get_tasks"] as Json)["tasks"] as Json[];
    expect(tasks[0]).toEqual({
      name: "web",
      task_id: { value: "web.1" },
      framework_id: { value: "services" },
      agent_id: { value: "n1" },
      state: "TASK_RUNNING",
      resources: [
        { name: "cpus", type: "SCALAR", scalar: { value: 0.5 }, role: "*", allocation_info: { role: "web" } },
        { name: "mem", type: "SCALAR", scalar: { value: 128 }, role: "*", allocation_info: { role: "web" } },
        { name: "disk", type: "SCALAR", scalar: { value: 256 }, role: "*", allocation_info: { role: "web" } },
        { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31005, end: 31005 }] }, role: "*", allocation_info: { role: "web" } },
      ],
      statuses: [
        { task_id: { value: "web.1" }, state: "TASK_STARTING", message: "starting now", source: "SOURCE_EXECUTOR", agent_id: { value: "n1" }, timestamp: 1_700_000_003, container_status: { container_id: { value: "c0ffee" }, network_infos: [{ ip_addresses: [{ ip_address: "10.0.0.7" }] }] } },
        { task_id: { value: "web.1" }, state: "TASK_RUNNING", message: "running now", source: "SOURCE_EXECUTOR", agent_id: { value: "n1" }, timestamp: 1_700_000_004, container_status: { container_id: { value: "c0ffee" }, network_infos: [{ ip_addresses: [{ ip_address: "10.0.0.7" }] }] } },
      ],
      status_update_state: "TASK_RUNNING",
    });
    // A STAGING task has no status update yet.
    expect(tasks[1]).toMatchObject({ task_id: { value: "my-task" }, state: "TASK_STAGING", statuses: [] });
    expect(tasks[1]).not.toHaveProperty("status_update_state");
    const agent = ((gs["get_agents"] as Json)["agents"] as Json[])[0]!;
    expect(agent).toMatchObject({
      agent_info: { hostname: "n1.example", port: 5051, id: { value: "n1" }, attributes: [{ name: "hostname", type: "TEXT", text: { value: "n1.example" } }, { name: "rack", type: "SCALAR", scalar: { value: 3 } }] },
      active: true,
      version: "0.1.0",
      pid: "slave(1)@10.0.0.7:5051",
      registered_time: { nanoseconds: 1_700_000_001_000_000_000 },
    });
    expect(agent).toMatchObject({ offered_resources: [], capabilities: [{ type: "MULTI_ROLE" }] });
    const fws = (gs["get_frameworks"] as Json)["frameworks"] as Json[];
    expect(fws[2]).toEqual({
      framework_info: {
        user: "root", name: "marathon", id: { value: "fw-1" }, failover_timeout: 60, checkpoint: true, role: "web", hostname: "sched-host",
        principal: "ops", webui_url: "http://sched-host:8080", capabilities: [{ type: "PARTITION_AWARE" }], labels: { labels: [{ key: "team", value: "a" }] },
      },
      active: true,
      connected: true,
      recovered: false,
      registered_time: { nanoseconds: 1_700_000_006_000_000_000 },
      offers: [],
      inverse_offers: [],
      offered_resources: [],
      allocated_resources: [
        { name: "cpus", type: "SCALAR", scalar: { value: 0.25 }, role: "*", allocation_info: { role: "web" } },
        { name: "mem", type: "SCALAR", scalar: { value: 64 }, role: "*", allocation_info: { role: "web" } },
      ],
    });
  });

  it("GET_ROLES lists configured and used roles with their frameworks and what they hold (cpus, disk, mem)", () => {
    const c = smallCluster();
    c.apply({ type: CommandType.role_set, role: "batch", weight: 3 });
    expect(getRoles(c.input())).toEqual([
      { name: "*", weight: 1, frameworks: [{ value: "jobs" }], resources: [] },
      { name: "batch", weight: 3, frameworks: [], resources: [] },
      {
        name: "web",
        weight: 1,
        frameworks: [{ value: "services" }, { value: "fw-1" }],
        resources: [
          { name: "cpus", type: "SCALAR", scalar: { value: 0.75 } },
          { name: "disk", type: "SCALAR", scalar: { value: 256 } },
          { name: "mem", type: "SCALAR", scalar: { value: 192 } },
        ],
      },
    ]);
  });

  it("GET_VERSION and GET_MASTER say the Mesos release orch answers as, and the leader's pid", () => {
    expect(versionInfo("0.1.0")).toEqual({ version: "1.11.0", git_tag: "orch-0.1.0" });
    expect(leaderInfo(master.leader!)).toMatchObject({ id: "cluster-1", pid: "master@127.0.0.1:5050", port: 5050, hostname: "127.0.0.1", version: "1.11.0" });
  });
});
