// POST /api/v1 before the state is read: Mesos's statuses and texts for each way a call is wrong,
// in Mesos's order (method, Content-Type, JSON, conversion, validation, Accept, type).
import { describe, expect, it } from "vitest";
import type { CallRequest } from "./call-request.js";
import { readOperatorCall } from "./operator-call.js";

const post = (body: unknown, headers: CallRequest["headers"] = { "content-type": "application/json" }): CallRequest => ({
  method: "POST",
  headers,
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("readOperatorCall", () => {
  it("accepts the calls orch answers, with Accept absent, JSON or */*", () => {
    for (const type of ["GET_HEALTH", "GET_VERSION", "GET_MASTER", "GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS", "GET_ROLES", "GET_EXECUTORS", "SUBSCRIBE"]) {
      expect(readOperatorCall(post({ type }))).toEqual({ ok: true, type });
    }
    expect(readOperatorCall(post({ type: "GET_STATE", get_state: null }, { "content-type": "Application/JSON; charset=utf-8", accept: "*/*" }))).toEqual({ ok: true, type: "GET_STATE" });
  });

  it("refuses another method with 405 and Allow: POST", () => {
    expect(readOperatorCall({ method: "GET", headers: {}, body: "" })).toEqual({ ok: false, status: 405, message: "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'", headers: { allow: "POST" } });
  });

  it("wants a Content-Type (400) that is JSON (415; protobuf named as not yet supported)", () => {
    expect(readOperatorCall(post({ type: "GET_STATE" }, {}))).toEqual({ ok: false, status: 400, message: "Expecting 'Content-Type' to be present" });
    expect(readOperatorCall(post({ type: "GET_STATE" }, { "content-type": "text/plain" }))).toMatchObject({ ok: false, status: 415, message: "Expecting 'Content-Type' of application/json or application/x-protobuf; got 'text/plain'" });
    expect(readOperatorCall(post("", { "content-type": "application/x-protobuf" }))).toMatchObject({ ok: false, status: 415, message: expect.stringContaining("not supported yet") });
  });

  it("answers 400 for bodies that are not a Call, naming the problem", () => {
    expect(readOperatorCall(post("{"))).toMatchObject({ status: 400, message: expect.stringMatching(/^Failed to parse body into JSON: /) });
    expect(readOperatorCall(post("[1]"))).toMatchObject({ status: 400, message: "Failed to convert JSON into Call protobuf: the body must be a JSON object, not an array" });
    expect(readOperatorCall(post({ type: 9 }))).toMatchObject({ status: 400, message: "Failed to convert JSON into Call protobuf: type must be an enum name (a string), not number 9" });
    expect(readOperatorCall(post({ type: "GET_METRICS", get_metrics: 5 }))).toMatchObject({ status: 400, message: "Failed to convert JSON into Call protobuf: get_metrics must be an object, not number 5" });
  });

  it("answers 400 'Expecting 'type' to be present' for a missing or unknown type, as proto2 drops unknown enum names", () => {
    expect(readOperatorCall(post({}))).toEqual({ ok: false, status: 400, message: "Failed to validate master::Call: Expecting 'type' to be present" });
    expect(readOperatorCall(post({ type: "GET_EVERYTHING" }))).toEqual({ ok: false, status: 400, message: "Failed to validate master::Call: Expecting 'type' to be present ('GET_EVERYTHING' is not an operator Call type)" });
    expect(readOperatorCall(post({ type: "GET_METRICS" }))).toEqual({ ok: false, status: 400, message: "Failed to validate master::Call: Expecting 'get_metrics' to be present" });
  });

  it("answers 406 when the client accepts no JSON, after the call is valid", () => {
    expect(readOperatorCall(post({ type: "GET_STATE" }, { "content-type": "application/json", accept: "application/x-protobuf" }))).toMatchObject({ ok: false, status: 406 });
    expect(readOperatorCall(post({}, { "content-type": "application/json", accept: "application/x-protobuf" }))).toMatchObject({ status: 400 });
  });

  it("answers 501 for UNKNOWN and for calls Mesos serves that orch does not, saying what to use instead", () => {
    expect(readOperatorCall(post({ type: "UNKNOWN" }))).toEqual({ ok: false, status: 501, message: "The 'UNKNOWN' call type is not implemented" });
    expect(readOperatorCall(post({ type: "TEARDOWN", teardown: { framework_id: { value: "x" } } }))).toEqual({ ok: false, status: 501, message: "orch does not implement the operator call 'TEARDOWN': tear a framework down with POST /v1/frameworks/<id>/teardown" });
    expect(readOperatorCall(post({ type: "GET_FLAGS" }))).toMatchObject({ status: 501 });
  });
});
