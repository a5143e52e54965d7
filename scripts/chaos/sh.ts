// Runs a system command with a time bound and returns its exit code and output.
import { execFile } from "node:child_process";

/** Bound on one system command (ip, iptables, mount, docker). */
export const command_timeout_ms = 30_000;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function sh(file: string, args: readonly string[], timeout_ms = command_timeout_ms): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeout_ms, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like sh, but a non-zero exit is an error naming the command. */
export async function shOk(file: string, args: readonly string[], timeout_ms = command_timeout_ms): Promise<string> {
  const r = await sh(file, args, timeout_ms);
  if (r.code !== 0) throw new Error(`${file} ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls f every interval_ms until it returns a value or timeout_ms passes; then undefined. */
export async function waitFor<T>(f: () => Promise<T | undefined>, timeout_ms: number, interval_ms = 250): Promise<T | undefined> {
  const deadline = Date.now() + timeout_ms;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch {
      // keep polling: a failed probe is the same as "not yet"
    }
    if (Date.now() > deadline) return undefined;
    await sleep(interval_ms);
  }
}
