// Every answer POST /api/v1/scheduler gives before the framework is looked up: status and text a client sees.
import { describe, expect, it } from "vitest";
import { readCallRequest, type CallRequest } from "./call-request.js";
import { call_body_key } from "./valid-call.js";
import { call_types } from "./types-call.js";

const fw = { value: "fw-1" };
const subscribe = { type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "n" } } };
const uuid_v4 = Buffer.from("0123456789ab4def8123456789abcdef", "hex").toString("base64");

function post(body: unknown, headers: CallRequest["headers"] = { "content-type": "application/json" }) {
  return readCallRequest({ method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

function refusal(body: unknown, headers?: CallRequest["headers"]) {
  const outcome = post(body, headers);
  if (outcome.ok) throw new Error(`accepted: ${JSON.stringify(outcome.call)}`);
  return { status: outcome.status, message: outcome.message };
}

describe("method and content type", () => {
  it("405 with Allow: POST for any other method", () => {
    const outcome = readCallRequest({ method: "GET", headers: {}, body: "" });
    expect(outcome).toEqual({
      ok: false, status: 405, message: "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'", headers: { allow: "POST" },
    });
  });

  it("400 without Content-Type, 415 naming application/json for another type", () => {
    expect(refusal(subscribe, {})).toEqual({ status: 400, message: "Expecting 'Content-Type' to be present" });
    expect(refusal(subscribe, { "content-type": "text/plain" })).toEqual({
      status: 415, message: "Expecting 'Content-Type' of application/json; got 'text/plain'",
    });
  });

  it("415 for protobuf, saying only JSON is supported yet", () => {
    const { status, message } = refusal(subscribe, { "content-type": "application/x-protobuf" });
    expect(status).toBe(415);
    expect(message).toMatch(/application\/json only \(application\/x-protobuf is not supported yet\)/);
  });

  it("takes application/json with parameters and in any case", () => {
    expect(post(subscribe, { "content-type": "Application/JSON; charset=utf-8" }).ok).toBe(true);
  });
});

describe("body", () => {
  it("400 for a body that is not JSON, or not an object", () => {
    expect(refusal("{").message).toMatch(/^Failed to parse body into JSON: /);
    expect(refusal("[]")).toEqual({
      status: 400, message: "Failed to convert JSON into Call protobuf: the body must be a JSON object (a scheduler Call)",
    });
  });

  it("400 naming the field path of a wrong type, a missing required field, bad base64 or an unknown required enum", () => {
    const accept = (offer_ids: unknown, operations: unknown = []) => ({ type: "ACCEPT", framework_id: fw, accept: { offer_ids, operations } });
    expect(refusal(accept([{ value: 5 }])).message).toBe(
      "Failed to convert JSON into Call protobuf: accept.offer_ids[0].value must be a string, not number 5",
    );
    expect(refusal(accept([{}])).message).toBe("Failed to convert JSON into Call protobuf: accept.offer_ids[0].value is required");
    expect(refusal({ type: "SUBSCRIBE", subscribe: { framework_info: { name: "n" } } }).message).toBe(
      "Failed to convert JSON into Call protobuf: subscribe.framework_info.user is required",
    );
    const ack = { type: "ACKNOWLEDGE", framework_id: fw, acknowledge: { agent_id: fw, task_id: fw, uuid: "ab-_" } };
    expect(refusal(ack).message).toBe(
      'Failed to convert JSON into Call protobuf: acknowledge.uuid is not standard base64: invalid character "-" (use the standard alphabet A-Z a-z 0-9 + /)',
    );
    const task = { name: "t", task_id: fw, agent_id: fw, resources: [{ name: "cpus", type: "SCALER" }] };
    expect(refusal(accept([], [{ type: "LAUNCH", launch: { task_infos: [task] } }])).message).toBe(
      'Failed to convert JSON into Call protobuf: accept.operations[0].launch.task_infos[0].resources[0].type is "SCALER", which is not one of SCALAR, RANGES, SET, TEXT',
    );
  });

  it("ignores unknown keys, camelCase keys and nulls; reads numbers and booleans given as strings", () => {
    const outcome = post({
      type: "SUBSCRIBE",
      frameworkId: { value: "ignored" },
      future_field: { anything: [1, 2] },
      subscribe: { framework_info: { user: "u", name: "n", failover_timeout: "604800", checkpoint: "true", hostname: null, capabilities: [{ type: "SOMETHING_NEW" }] } },
    });
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.ok && outcome.call).toEqual({
      type: "SUBSCRIBE",
      subscribe: { framework_info: { user: "u", name: "n", failover_timeout: 604800, checkpoint: true, capabilities: [{}] } },
    });
  });
});

describe("call rules (validation.cpp)", () => {
  it("400 when type is missing or unknown", () => {
    expect(refusal({ framework_id: fw }).message).toBe("Failed to validate scheduler::Call: Expecting 'type' to be present");
    expect(refusal({ type: "LAUNCH_ROCKETS", framework_id: fw }).message).toBe(
      "Failed to validate scheduler::Call: Expecting 'type' to be present ('LAUNCH_ROCKETS' is not a scheduler Call type)",
    );
  });

  it("400 for SUBSCRIBE without its body, or with a framework_id unlike framework_info.id", () => {
    expect(refusal({ type: "SUBSCRIBE" }).message).toBe("Failed to validate scheduler::Call: Expecting 'subscribe' to be present");
    const withId = (top: unknown, inner: unknown) => ({ type: "SUBSCRIBE", framework_id: top, subscribe: { framework_info: { user: "u", name: "n", id: inner } } });
    const differs = "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'";
    expect(refusal(withId({ value: "a" }, { value: "b" })).message).toBe(differs);
    expect(refusal(withId(undefined, { value: "b" })).message).toBe(differs);
    expect(post(withId({ value: "b" }, { value: "b" })).ok).toBe(true);
  });

  it("400 for every other call without framework_id, and for each without its body key", () => {
    for (const type of call_types) {
      if (type === "SUBSCRIBE") continue;
      expect(refusal({ type }).message).toBe("Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
      const key = call_body_key[type];
      if (key === null) continue;
      expect(refusal({ type, framework_id: fw }).message).toBe(`Failed to validate scheduler::Call: Expecting '${key}' to be present`);
    }
  });

  it("REVIVE and SUPPRESS need no body; null roles mean every role", () => {
    for (const type of ["REVIVE", "SUPPRESS"] as const) {
      const key = type === "REVIVE" ? "revive" : "suppress";
      expect(post({ type, framework_id: fw })).toMatchObject({ ok: true, call: { [key]: {} } });
      expect(post({ type, framework_id: fw, [key]: { roles: null } })).toMatchObject({ ok: true, call: { [key]: {} } });
      expect(post({ type, framework_id: fw, [key]: { role: "web" } })).toMatchObject({ ok: true, call: { [key]: { roles: ["web"] } } });
      expect(post({ type, framework_id: fw, [key]: { roles: "web" } })).toMatchObject({ ok: true, call: { [key]: { roles: ["web"] } } });
    }
  });

  it("400 for an acknowledgement whose uuid is not a UUID; 400 for an operation ack without agent_id", () => {
    const ack = (uuid: string) => ({ type: "ACKNOWLEDGE", framework_id: fw, acknowledge: { agent_id: fw, task_id: fw, uuid } });
    expect(refusal(ack("AAAA")).message).toBe(
      "Failed to validate scheduler::Call: Not a valid UUID: 'acknowledge.uuid' must be the 16-byte uuid of the status update, base64-encoded (got 3 bytes)",
    );
    expect(post(ack(uuid_v4)).ok).toBe(true);
    const opAck = { type: "ACKNOWLEDGE_OPERATION_STATUS", framework_id: fw, acknowledge_operation_status: { uuid: uuid_v4, operation_id: fw } };
    expect(refusal(opAck).message).toBe("Failed to validate scheduler::Call: Expecting 'agent_id' to be present");
  });

  it("400 for UPDATE_FRAMEWORK whose framework_info.id differs", () => {
    const update = { type: "UPDATE_FRAMEWORK", framework_id: fw, update_framework: { framework_info: { user: "u", name: "n", id: { value: "other" } } } };
    expect(refusal(update).message).toBe("Failed to validate scheduler::Call: 'framework_id' differs from 'update_framework.framework_info.id'");
  });

  it("501 for the UNKNOWN call type", () => {
    expect(refusal({ type: "UNKNOWN", framework_id: fw })).toEqual({ status: 501, message: "The 'UNKNOWN' call type is not implemented" });
  });
});

describe("Accept and Mesos-Stream-Id", () => {
  const json = { "content-type": "application/json" };

  it("SUBSCRIBE: no Accept means JSON; JSON, application/* or */* in any list or repeated header is fine", () => {
    for (const accept of [undefined, "application/json", "text/html, application/*", "*/*", ["text/plain", "application/json"]]) {
      expect(post(subscribe, { ...json, accept }).ok).toBe(true);
    }
  });

  it("406 when nothing acceptable is JSON (protobuf only, or JSON with q=0)", () => {
    for (const accept of ["application/x-protobuf", "text/html", "application/json;q=0, text/html"]) {
      const { status, message } = refusal(subscribe, { ...json, accept });
      expect(status).toBe(406);
      expect(message).toMatch(/^Expecting 'Accept' to allow 'application\/json'/);
    }
  });

  it("Accept matters only for SUBSCRIBE and RECONCILE_OPERATIONS, as in Mesos", () => {
    expect(post({ type: "TEARDOWN", framework_id: fw }, { ...json, accept: "text/html" }).ok).toBe(true);
    const reconcile = { type: "RECONCILE_OPERATIONS", framework_id: fw, reconcile_operations: {} };
    expect(refusal(reconcile, { ...json, accept: "text/html" }).status).toBe(406);
  });

  it("400 for SUBSCRIBE with a stream id; other calls hand theirs on to checkStream", () => {
    expect(refusal(subscribe, { ...json, "mesos-stream-id": "x" })).toEqual({
      status: 400, message: "Subscribe calls should not include the 'Mesos-Stream-Id' header",
    });
    expect(post({ type: "TEARDOWN", framework_id: fw }, { ...json, "mesos-stream-id": "s-1" })).toMatchObject({ ok: true, stream_id: "s-1" });
  });
});
