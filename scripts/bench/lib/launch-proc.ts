// Timed child processes and bounded polling for the launch benchmark: every wait has a deadline.
import { execFile } from "node:child_process";

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** Spawn to exit, as the caller of the command would feel it. */
  wall_ms: number;
}

/** Output kept per command (50 container ids or a JSON task list fit easily). */
const output_bytes_max = 16 * 1024 * 1024;

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs a command to its end (killed at timeout_ms); never rejects: a failure shows in `code`. */
export function runTimed(cmd: string, args: string[], opts: { timeout_ms: number; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  return new Promise((resolve) => {
    const t0 = nowMs();
    execFile(cmd, args, { timeout: opts.timeout_ms, maxBuffer: output_bytes_max, env: opts.env ?? process.env }, (err, stdout, stderr) => {
      const wall_ms = nowMs() - t0;
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr: err !== null && stderr === "" ? String(err.message) : stderr, wall_ms });
    });
  });
}

/** Like runTimed, but a non-zero exit is an error naming the command and what it said. */
export async function runOk(cmd: string, args: string[], opts: { timeout_ms: number; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  const r = await runTimed(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code} after ${Math.round(r.wall_ms)} ms: ${r.stderr.trim().slice(0, 500)}`);
  return r;
}

/** Thrown inside a pollUntil callback to stop waiting at once (the thing waited for cannot happen). */
export class PollAbort extends Error {}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls f every interval_ms until it returns a value; throws after timeout_ms with the last error. */
export async function pollUntil<T>(what: string, f: () => Promise<T | undefined>, opts: { interval_ms: number; timeout_ms: number }): Promise<T> {
  const deadline = nowMs() + opts.timeout_ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (err) {
      if (err instanceof PollAbort) throw err;
      last = err;
    }
    if (nowMs() > deadline) {
      throw new Error(`timed out after ${opts.timeout_ms} ms waiting for ${what}${last !== undefined ? ` (last error: ${String(last)})` : ""}`);
    }
    await sleep(opts.interval_ms);
  }
}
