// On a terminal `orch run` shows a spinner and colour; in a pipe, plain lines; NO_COLOR turns colour off.
// A pseudo-terminal comes from util-linux `script`, as a person's shell would give one.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { afterAll, beforeAll, expect, it } from "vitest";
import { requireBinary } from "../support/binary.js";
import { DevCluster } from "../support/dev.js";

const image = "orch-test/busybox:latest";
let d: DevCluster;

beforeAll(async () => {
  d = await DevCluster.start(["--driver", "mock"]);
});
afterAll(async () => {
  await d?.destroy();
});

function shell(command: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    // script -q -e -c CMD /dev/null runs CMD on a fresh pseudo-terminal and copies what it prints.
    execFile("script", ["-q", "-e", "-c", command, "/dev/null"], { env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir(), TERM: "xterm", ...env }, timeout: 30_000 }, (err, stdout) =>
      err !== null ? reject(new Error(`${command}: ${err.message}\n${stdout}`)) : resolve(stdout),
    );
  });
}

const mockSleep = "sleep 3600";

it("shows a spinner and colour on a terminal", async () => {
  const name = `tty-${randomBytes(3).toString("hex")}`;
  const out = await shell(`${requireBinary()} run --name ${name} ${image} -- ${mockSleep}`, { ORCH_ADDR: d.addr });
  expect(out).toContain("\x1b[2K"); // the progress line is redrawn in place
  expect(out).toContain("\x1b[32m✔\x1b[0m"); // a green tick when done
  expect(out).toContain(`${name}: 1/1 running`);
});

it("prints plain lines without escapes in a pipe, and no colour with NO_COLOR", async () => {
  const name = `pipe-${randomBytes(3).toString("hex")}`;
  const piped = await shell(`${requireBinary()} run --name ${name} ${image} -- ${mockSleep} 2>&1 | cat`, { ORCH_ADDR: d.addr });
  expect(piped).not.toMatch(/\x1b\[/);
  expect(piped).toContain(`${name}: 1/1 running`);
  const name2 = `nocolor-${randomBytes(3).toString("hex")}`;
  const nocolor = await shell(`${requireBinary()} run --name ${name2} ${image} -- ${mockSleep}`, { ORCH_ADDR: d.addr, NO_COLOR: "1" });
  expect(nocolor).not.toContain("\x1b[32m");
  expect(nocolor).toContain(`${name2}: 1/1 running`);
});
