// Tests how exit facts become Mesos states, reason codes and messages.
import { describe, expect, test } from "vitest";
import { exitStatus, type ExitFacts } from "./states.js";

const who = { task_id: "t1", node_id: "n1" };
const facts = (extra: Partial<ExitFacts>): ExitFacts => ({ exit_code: 0, oom_killed: false, stop_requested: false, ...extra });
const summary = (extra: Partial<ExitFacts>) => {
  const status = exitStatus(who, facts(extra));
  return `${status.state} ${status.reason}: ${status.message}`;
};

describe("exitStatus", () => {
  test("maps each kind of ending", () => {
    expect(summary({})).toBe("FINISHED exited: exited with code 0");
    expect(summary({ exit_code: 3 })).toBe("FAILED exit_nonzero: exited with code 3; its logs say why");
    expect(summary({ exit_code: 127 })).toContain("the command was not found in the image");
    expect(summary({ exit_code: 137 })).toBe(
      "FAILED exit_signal: killed by signal SIGKILL (exit code 137) that orch did not send; if it was near its memory limit the kernel's OOM killer is likely (the engine reported no OOM kill), otherwise look for whatever on the node killed it",
    );
    expect(summary({ exit_code: 137, memory_bytes: 16 * 1024 * 1024 })).toContain("if it was near its memory limit 16 MiB the kernel's OOM killer is likely");
    expect(summary({ exit_code: 143 })).toContain("signal SIGTERM (exit code 143) that orch did not send; look for");
    expect(summary({ exit_code: 143, stop_requested: true })).toBe("KILLED killed_by_request: stopped by orch on request");
    expect(summary({ exit_code: 128, engine_error: "port is already allocated" })).toContain(
      "FAILED start_failed: the engine could not start it: port is already allocated",
    );
  });

  test("OOM wins over a requested stop and names the limit", () => {
    expect(summary({ exit_code: 137, oom_killed: true, stop_requested: true, memory_bytes: 64 * 1024 * 1024 })).toBe(
      "FAILED oom_killed: killed by the kernel: memory limit 64 MiB exceeded; give the task more memory_bytes or make it use less",
    );
  });
});
