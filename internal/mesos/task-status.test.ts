// Status updates as a framework sees them: an acknowledgeable uuid, the timestamp, and states by capability.
import { describe, expect, it } from "vitest";
import { statusUuid, taskStatus, timestampSeconds } from "./task-status.js";
import { capabilitiesOf, statusForFramework } from "./status-filter.js";
import { readCallRequest } from "./call-request.js";
import { encodeBase64 } from "./base64.js";
import type { TaskState } from "./types-status.js";

describe("statusUuid and taskStatus", () => {
  it("makes a version-4 UUID that Mesos-style ACKNOWLEDGE validation accepts", () => {
    const uuid = statusUuid(new Uint8Array([...Array(16).keys()]));
    expect(uuid[6]).toBe(0x46);
    expect((uuid[8] ?? 0) & 0xc0).toBe(0x80);
    const body = { type: "ACKNOWLEDGE", framework_id: { value: "fw" }, acknowledge: { agent_id: { value: "n" }, task_id: { value: "t" }, uuid: encodeBase64(uuid) } };
    expect(readCallRequest({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).toMatchObject({ ok: true });
    expect(() => statusUuid(new Uint8Array(15))).toThrow("a status uuid needs 16 random bytes, not 15");
  });

  it("writes the time as fractional seconds and leaves the uuid out of master-made answers", () => {
    expect(timestampSeconds(1764689000250)).toBe(1764689000.25);
    const reconcile = taskStatus({ task_id: "t", state: "TASK_LOST", source: "SOURCE_MASTER", reason: "REASON_RECONCILIATION" }, 1000);
    expect(reconcile).toEqual({ task_id: { value: "t" }, state: "TASK_LOST", source: "SOURCE_MASTER", reason: "REASON_RECONCILIATION", timestamp: 1 });
  });
});

describe("statusForFramework", () => {
  const status = (state: TaskState, reason?: "REASON_AGENT_REMOVED_BY_OPERATOR" | "REASON_RECONCILIATION") =>
    taskStatus({ task_id: "t", state, source: "SOURCE_MASTER", ...(reason ? { reason } : {}) }, 0);
  const plain = capabilitiesOf({ capabilities: [{}] });
  const aware = capabilitiesOf({ capabilities: [{ type: "PARTITION_AWARE" }, { type: "TASK_KILLING_STATE" }] });

  it("turns the partition states into TASK_LOST for frameworks that are not PARTITION_AWARE", () => {
    for (const state of ["TASK_DROPPED", "TASK_UNREACHABLE", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN"] as const) {
      expect(statusForFramework(status(state), plain)?.state).toBe("TASK_LOST");
      expect(statusForFramework(status(state), aware)?.state).toBe(state);
    }
    expect(statusForFramework(status("TASK_GONE_BY_OPERATOR", "REASON_AGENT_REMOVED_BY_OPERATOR"), plain)?.reason).toBe("REASON_AGENT_REMOVED");
    expect(statusForFramework(status("TASK_UNKNOWN", "REASON_RECONCILIATION"), plain)?.reason).toBe("REASON_RECONCILIATION");
  });

  it("sends TASK_KILLING only with TASK_KILLING_STATE, and every other state unchanged", () => {
    expect(statusForFramework(status("TASK_KILLING"), plain)).toBeNull();
    expect(statusForFramework(status("TASK_KILLING"), aware)?.state).toBe("TASK_KILLING");
    for (const state of ["TASK_STAGING", "TASK_RUNNING", "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST"] as const) {
      expect(statusForFramework(status(state), plain)).toEqual(status(state));
    }
  });
});
