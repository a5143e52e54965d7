// Every request body of Mesos's scheduler-http-api.md, sent as its headers show, and what orch answers.
import { describe, expect, it } from "vitest";
import { readCallRequest, type CallRequest } from "./call-request.js";
import { doc_calls } from "./docs-examples.test-util.js";

const stream = "130ae4e3-6b13-4ef4-baa9-9f2e85c3e9af";

function send(body: string, extra: CallRequest["headers"] = {}): ReturnType<typeof readCallRequest> {
  return readCallRequest({ method: "POST", headers: { "content-type": "application/json", ...extra }, body });
}

function ok(body: string, extra: CallRequest["headers"] = { "mesos-stream-id": stream }) {
  const outcome = send(body, extra);
  if (!outcome.ok) throw new Error(`refused ${outcome.status}: ${outcome.message}`);
  return outcome;
}

describe("the docs' request examples", () => {
  it("SUBSCRIBE: framework info, roles, capabilities and suppressed roles", () => {
    const { call, stream_id } = ok(doc_calls.SUBSCRIBE, { accept: "application/json" });
    expect(stream_id).toBeUndefined();
    if (call.type !== "SUBSCRIBE") throw new Error(call.type);
    expect(call.subscribe.framework_info).toEqual({
      user: "foo",
      name: "Example HTTP Framework",
      roles: ["test1", "test2"],
      capabilities: [{ type: "MULTI_ROLE" }],
    });
    expect(call.subscribe.suppressed_roles).toEqual(["test2"]);
    expect(call.subscribe.offer_constraints).toHaveProperty("role_constraints.test1");
  });

  it("TEARDOWN carries the framework id and the stream id", () => {
    const { call, stream_id } = ok(doc_calls.TEARDOWN);
    expect(call).toEqual({ type: "TEARDOWN", framework_id: { value: "12220-3440-12532-2345" } });
    expect(stream_id).toBe(stream);
  });

  it("ACCEPT: offers, a LAUNCH with resources, limits written as bare values, and filters", () => {
    const { call } = ok(doc_calls.ACCEPT);
    if (call.type !== "ACCEPT") throw new Error(call.type);
    expect(call.accept.offer_ids).toEqual([{ value: "12220-3440-12532-O12" }]);
    expect(call.accept.filters).toEqual({ refuse_seconds: 5 });
    const [operation] = call.accept.operations ?? [];
    expect(operation?.type).toBe("LAUNCH");
    const task = operation?.launch?.task_infos?.[0];
    expect(task?.task_id.value).toBe("12220-3440-12532-my-task");
    expect(task?.executor?.command).toEqual({ shell: true, value: "sleep 1000" });
    expect(task?.resources?.[1]).toEqual({
      allocation_info: { role: "engineering" }, name: "mem", role: "*", type: "SCALAR", scalar: { value: 128 },
    });
    expect(task?.limits).toEqual({ cpus: { value: Infinity }, mem: { value: 512 } });
  });

  it("DECLINE: two offers and a filter", () => {
    const { call } = ok(doc_calls.DECLINE);
    if (call.type !== "DECLINE") throw new Error(call.type);
    expect(call.decline.offer_ids?.map((id) => id.value)).toEqual(["12220-3440-12532-O12", "12220-3440-12532-O13"]);
  });

  it("REVIVE and SUPPRESS as printed hold placeholders, not JSON: 400", () => {
    for (const body of [doc_calls.REVIVE, doc_calls.SUPPRESS]) {
      const outcome = send(body, { "mesos-stream-id": stream });
      expect(outcome).toMatchObject({ ok: false, status: 400 });
      expect(!outcome.ok && outcome.message).toMatch(/^Failed to parse body into JSON: /);
    }
  });

  it("REVIVE with the placeholder filled in the old singular form revives that role", () => {
    const { call } = ok(doc_calls.REVIVE.replace("<one-of-the-subscribed-roles>", '"test1"'));
    expect(call).toMatchObject({ type: "REVIVE", revive: { roles: ["test1"] } });
  });

  it("SUPPRESS with the placeholder filled suppresses those roles", () => {
    const { call } = ok(doc_calls.SUPPRESS.replace("<an-array-of-strings>", '["a", "b"]'));
    expect(call).toMatchObject({ type: "SUPPRESS", suppress: { roles: ["a", "b"] } });
  });

  it("KILL and SHUTDOWN name the task or executor and the agent", () => {
    expect(ok(doc_calls.KILL).call).toMatchObject({
      type: "KILL", kill: { task_id: { value: "12220-3440-12532-my-task" }, agent_id: { value: "12220-3440-12532-S1233" } },
    });
    expect(ok(doc_calls.SHUTDOWN).call).toMatchObject({
      type: "SHUTDOWN", shutdown: { executor_id: { value: "123450-2340-1232-my-executor" } },
    });
  });

  it("ACKNOWLEDGE: the docs' uuid is 16 bytes of base64 but UUID version 8, which Mesos (boost 1.81) and orch refuse", () => {
    const outcome = send(doc_calls.ACKNOWLEDGE, { "mesos-stream-id": stream });
    expect(outcome).toMatchObject({ ok: false, status: 400 });
    expect(!outcome.ok && outcome.message).toBe(
      "Failed to validate scheduler::Call: Not a valid UUID: 'acknowledge.uuid' must be the 16-byte uuid of the status update, base64-encoded (got version 8)",
    );
  });

  it("ACKNOWLEDGE_OPERATION_STATUS as printed gives operation_id as a string: 400 naming the field", () => {
    const outcome = send(doc_calls.ACKNOWLEDGE_OPERATION_STATUS, { "mesos-stream-id": stream });
    expect(outcome).toEqual({
      ok: false,
      status: 400,
      message: 'Failed to convert JSON into Call protobuf: acknowledge_operation_status.operation_id must be an object, not the string "73jhakdlfha723adf"',
    });
  });

  it("RECONCILE and RECONCILE_OPERATIONS list what to reconcile", () => {
    expect(ok(doc_calls.RECONCILE).call).toMatchObject({
      type: "RECONCILE", reconcile: { tasks: [{ task_id: { value: "312325" }, agent_id: { value: "123535" } }] },
    });
    const { call } = ok(doc_calls.RECONCILE_OPERATIONS, { accept: "application/json", "mesos-stream-id": stream });
    expect(call).toMatchObject({ type: "RECONCILE_OPERATIONS", reconcile_operations: { operations: [{ operation_id: { value: "312325" } }] } });
  });

  it("MESSAGE: data arrives as the bytes its base64 encodes", () => {
    const { call } = ok(doc_calls.MESSAGE);
    if (call.type !== "MESSAGE") throw new Error(call.type);
    expect(Buffer.from(call.message.data).toString("base64")).toBe("adaf838jahd748jnaldf");
  });

  it("REQUEST as printed puts `requests` at the top level, so the `request` body is missing: 400", () => {
    expect(send(doc_calls.REQUEST, { "mesos-stream-id": stream })).toEqual({
      ok: false, status: 400, message: "Failed to validate scheduler::Call: Expecting 'request' to be present",
    });
  });

  it("UPDATE_FRAMEWORK as printed misses a comma: 400; mended, it still lacks framework_id: 400", () => {
    expect(send(doc_calls.UPDATE_FRAMEWORK)).toMatchObject({ ok: false, status: 400 });
    const mended = doc_calls.UPDATE_FRAMEWORK.replace('["test2"]\n', '["test2"],\n');
    expect(send(mended)).toEqual({
      ok: false, status: 400, message: "Failed to validate scheduler::Call: Expecting 'framework_id' to be present",
    });
  });
});
