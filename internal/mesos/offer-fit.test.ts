// ACCEPT against its offers: same agent, same role, and tasks taking from what the earlier ones left.
import { describe, expect, it } from "vitest";
import { OfferPool, offersProblem, taskAgentProblem } from "./offer-fit.js";
import { invalidOffersStatus, planAccept } from "./accept-plan.js";
import type { Offer } from "./types-framework.js";
import type { Resource } from "./types-resource.js";
import type { TaskInfo } from "./types-task.js";

const scalar = (name: string, value: number): Resource => ({ name, type: "SCALAR", scalar: { value } });
const ports = (begin: number, end: number): Resource => ({ name: "ports", type: "RANGES", ranges: { range: [{ begin, end }] } });
const offer = (id: string, agent = "a1", resources: Resource[] = [scalar("cpus", 1), scalar("mem", 256), ports(31000, 31009)], role?: string): Offer => ({
  id: { value: id }, framework_id: { value: "fw" }, agent_id: { value: agent }, hostname: "h", resources,
  ...(role === undefined ? {} : { allocation_info: { role } }),
});

describe("offersProblem", () => {
  it("refuses duplicate offers, another framework's, offers on two agents, or for two roles", () => {
    expect(offersProblem([offer("o1"), offer("o1")], "fw")).toBe("Duplicate offer o1 in offer list");
    expect(offersProblem([offer("o1")], "other")).toBe("Offer o1 has invalid framework fw while framework other is expected");
    expect(offersProblem([offer("o1"), offer("o2", "a2")], "fw")).toBe(
      "Aggregated offers must belong to one single agent. Offer o2 uses agent a2 and agent a1",
    );
    expect(offersProblem([offer("o1", "a1", [], "x"), offer("o2", "a1", [], "y")], "fw")).toMatch(/^Aggregated offers must be allocated to the same role/);
    expect(offersProblem([offer("o1"), offer("o2")], "fw")).toBeNull();
  });
});

describe("taskAgentProblem", () => {
  it("refuses a task naming another agent than its offers'", () => {
    expect(taskAgentProblem({ agent_id: { value: "a2" } }, "a1")).toBe("Task uses invalid agent a2 while agent a1 is expected");
    expect(taskAgentProblem({ agent_id: { value: "a1" } }, "a1")).toBeNull();
  });
});

describe("OfferPool", () => {
  it("pools the offers of one agent and lets tasks take in order until something runs out", () => {
    const pool = new OfferPool([offer("o1"), offer("o2", "a1", [scalar("cpus", 0.5), scalar("mem", 64)])]);
    expect(pool.take([scalar("cpus", 1.2), scalar("mem", 300), ports(31000, 31001)])).toBeNull();
    expect(pool.take([scalar("cpus", 0.3), scalar("mem", 20), ports(31002, 31002)])).toBeNull();
    expect(pool.take([scalar("cpus", 0.1), scalar("mem", 1)])).toBe(
      "Total resources cpus:0.1; mem:1; disk:0 required by task and its executor is more than available cpus:0; mem:0; disk:0; ports:[31003-31009]",
    );
    expect(pool.remaining()).toMatchObject({ cpus_milli: 0, ports: [{ begin: 31003, end: 31009 }] });
  });

  it("refuses ports outside the offer or already taken; a refused task takes nothing", () => {
    const pool = new OfferPool([offer("o1")]);
    expect(pool.take([scalar("cpus", 0.1), ports(30000, 30000)])).toMatch(/more than available/);
    expect(pool.take([scalar("cpus", 0.1), ports(31005, 31005)])).toBeNull();
    expect(pool.take([scalar("cpus", 0.1), ports(31004, 31006)])).toMatch(/more than available/);
    expect(pool.remaining().cpus_milli).toBe(900);
  });

  it("counts scalars at Mesos's three decimals, so ten tenths fill one cpu exactly", () => {
    const pool = new OfferPool([offer("o1")]);
    for (let i = 0; i < 10; i++) expect(pool.take([scalar("cpus", 0.1)])).toBeNull();
    expect(pool.take([scalar("cpus", 0.001)])).toMatch(/more than available/);
  });
});

describe("planAccept", () => {
  const task = (id: string): TaskInfo => ({ name: id, task_id: { value: id }, agent_id: { value: "a1" } });

  it("launches LAUNCH tasks in order, refuses task groups per task, drops other operations with a reason", () => {
    const plan = planAccept([
      { type: "LAUNCH", launch: { task_infos: [task("t1"), task("t2")] } },
      { type: "LAUNCH_GROUP", launch_group: { executor: { executor_id: { value: "e" } }, task_group: { tasks: [task("g1")] } } },
      { type: "RESERVE", reserve: {} },
      { launch: { task_infos: [task("ignored")] } },
    ]);
    expect(plan.launch.map((t) => t.task_id.value)).toEqual(["t1", "t2"]);
    expect(plan.refused).toEqual([{ task: task("g1"), reason: "REASON_TASK_GROUP_INVALID", message: expect.stringMatching(/^LAUNCH_GROUP .* is not supported yet/) }]);
    expect(plan.dropped).toEqual([
      "operations[2]: RESERVE operations are not supported; orch only launches tasks",
      "operations[3]: UNKNOWN operations are not supported; orch only launches tasks",
    ]);
  });
});

describe("invalidOffersStatus", () => {
  it("answers each task of an ACCEPT on a bad offer with TASK_LOST, or TASK_DROPPED when PARTITION_AWARE", () => {
    expect(invalidOffersStatus("Offer o-9 is no longer valid", false)).toEqual({
      state: "TASK_LOST", source: "SOURCE_MASTER", reason: "REASON_INVALID_OFFERS", message: "Task launched with invalid offers: Offer o-9 is no longer valid",
    });
    expect(invalidOffersStatus("x", true).state).toBe("TASK_DROPPED");
  });
});
