// orch's task states as Mesos frameworks see them, and the filters and kill grace a framework asks for.
import { describe, expect, it } from "vitest";
import { mesosStateOf } from "./status-map.js";
import { killGraceMs, refuseSeconds } from "./filters.js";

describe("mesosStateOf", () => {
  it("maps each orch outcome to the state, source and reason a Mesos framework expects", () => {
    expect(mesosStateOf("RUNNING", "running")).toEqual({ state: "TASK_RUNNING", source: "SOURCE_EXECUTOR" });
    expect(mesosStateOf("FINISHED", "exited")).toEqual({ state: "TASK_FINISHED", source: "SOURCE_EXECUTOR" });
    expect(mesosStateOf("FAILED", "oom_killed")).toEqual({ state: "TASK_FAILED", source: "SOURCE_AGENT", reason: "REASON_CONTAINER_LIMITATION_MEMORY" });
    expect(mesosStateOf("FAILED", "image_unavailable")).toMatchObject({ reason: "REASON_CONTAINER_LAUNCH_FAILED" });
    expect(mesosStateOf("KILLED", "killed_by_request")).toEqual({ state: "TASK_KILLED", source: "SOURCE_EXECUTOR" });
    expect(mesosStateOf("LOST", "node_down")).toEqual({ state: "TASK_LOST", source: "SOURCE_MASTER", reason: "REASON_AGENT_REMOVED" });
    expect(mesosStateOf("STAGING", "pending")).toEqual({ state: "TASK_STAGING", source: "SOURCE_MASTER" });
  });

  it("trusts the state when a reason arrives with a state it does not belong to", () => {
    expect(mesosStateOf("FAILED", "running")).toEqual({ state: "TASK_FAILED", source: "SOURCE_AGENT" });
  });
});

describe("refuseSeconds and killGraceMs", () => {
  it("defaults to 5 s, caps at a year, and treats negative or NaN as unset, as Mesos's allocator does", () => {
    expect([undefined, {}, { refuse_seconds: -1 }, { refuse_seconds: NaN }].map(refuseSeconds)).toEqual([5, 5, 5, 5]);
    expect(refuseSeconds({ refuse_seconds: 0 })).toBe(0);
    expect(refuseSeconds({ refuse_seconds: 1e12 })).toBe(31_536_000);
  });

  it("reads a kill policy's grace in ms, else the default", () => {
    expect(killGraceMs({ grace_period: { nanoseconds: 2_500_000_000 } }, 3000)).toBe(2500);
    expect(killGraceMs(undefined, 3000)).toBe(3000);
    expect(killGraceMs({ grace_period: { nanoseconds: -1 } }, 3000)).toBe(3000);
  });
});
