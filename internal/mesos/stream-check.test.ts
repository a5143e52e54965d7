// The framework-dependent answers to a non-SUBSCRIBE call: unknown 400, not subscribed 403, stream id 400.
import { describe, expect, it } from "vitest";
import { checkStream } from "./stream-check.js";
import type { ValidCall } from "./valid-call.js";

const call: Exclude<ValidCall, { type: "SUBSCRIBE" }> = { type: "TEARDOWN", framework_id: { value: "fw-1" } };
const subscribed = { connected: true, stream_id: "s-1" };

describe("checkStream", () => {
  it("400 for a framework orch does not know", () => {
    expect(checkStream(call, "s-1", undefined)).toEqual({ status: 400, message: "Framework cannot be found" });
  });

  it("403 for a known framework without an open subscription, even with its old stream id", () => {
    expect(checkStream(call, "s-1", { connected: false, stream_id: "s-1" })).toEqual({ status: 403, message: "Framework is not subscribed" });
  });

  it("400 without a stream id, or with another subscription's", () => {
    expect(checkStream(call, undefined, subscribed)).toEqual({
      status: 400, message: "All non-subscribe calls should include the 'Mesos-Stream-Id' header",
    });
    expect(checkStream(call, "s-0", subscribed)).toEqual({
      status: 400,
      message: "The stream ID 's-0' included in this request didn't match the stream ID currently associated with framework ID fw-1",
    });
  });

  it("lets the call through with the current stream id", () => {
    expect(checkStream(call, "s-1", subscribed)).toBeNull();
  });
});
