// The frame of a KV benchmark: cleanup handlers, one loopback HTTP client, teardown, the exit code.
import { cleanupAll, installCleanupHandlers } from "./cleanup.js";
import { LoopbackClient } from "./http.js";

/**
 * Runs body with cleanup handlers installed and one keep-alive HTTP client; afterwards closes the
 * client and stops everything the body started, whatever happened. A failure is printed under
 * the benchmark's name and sets the exit code.
 */
export function runBench(name: string, body: (http: LoopbackClient) => Promise<void>): void {
  installCleanupHandlers();
  const http = new LoopbackClient();
  void body(http)
    .catch((err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    })
    .finally(async () => {
      http.close();
      await cleanupAll();
    });
}

/** A flag's value as a whole number from min to max, or an error naming the flag and the range. */
export function wholeFlag(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag} ${JSON.stringify(raw)}: give a whole number from ${min} to ${max}`);
  return n;
}
