// The server's framework flags: valid values compile, bad ones are refused naming the flag.
import { describe, expect, it } from "vitest";
import { UsageError } from "../../internal/cli/errors.js";
import { compileServerOptions } from "./server.js";

describe("orch server --offer-timeout and --framework-heartbeat", () => {
  it("take durations (offer timeout 0 = never) from flags or the environment", () => {
    expect(compileServerOptions({ offerTimeout: "30s", frameworkHeartbeat: "5s" }, {})).toMatchObject({ offer_timeout_ms: 30_000, framework_heartbeat_ms: 5_000 });
    expect(compileServerOptions({}, { ORCH_OFFER_TIMEOUT: "0" })).toMatchObject({ offer_timeout_ms: 0 });
    expect(compileServerOptions({}, {})).not.toHaveProperty("offer_timeout_ms");
  });

  it.each([
    [{ offerTimeout: "soon" }, /--offer-timeout/],
    [{ frameworkHeartbeat: "500ms" }, /--framework-heartbeat must be whole seconds, at least 1s/],
    [{ frameworkHeartbeat: "1500ms" }, /--framework-heartbeat must be whole seconds/],
    [{ frameworkHeartbeat: "x" }, /--framework-heartbeat/],
  ])("refuses %j with a message naming the flag", (flags, message) => {
    expect(() => compileServerOptions(flags, {})).toThrow(UsageError);
    expect(() => compileServerOptions(flags, {})).toThrow(message);
  });
});
