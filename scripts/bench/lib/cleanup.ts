// Kills every child process and removes every temp folder a benchmark made, even on a crash or Ctrl-C.
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

const procs = new Set<ChildProcess>();
const dirs = new Set<string>();
const hooks: (() => Promise<void>)[] = [];
let installed = false;

/** Remembers a child so that it is killed with SIGKILL at exit whatever happens. */
export function trackProcess(p: ChildProcess): void {
  procs.add(p);
  p.once("exit", () => procs.delete(p));
}

export function trackDir(dir: string): void {
  dirs.add(dir);
}

/** An async step (closing a cluster cleanly) run by cleanupAll before the forced kill. */
export function onCleanup(hook: () => Promise<void>): void {
  hooks.push(hook);
}

/** Synchronous last resort: safe inside process.on("exit"). */
function forceCleanup(): void {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  procs.clear();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

export async function cleanupAll(): Promise<void> {
  for (const h of hooks.splice(0).reverse()) {
    try {
      await h();
    } catch (err) {
      process.stderr.write(`cleanup step failed: ${String(err)}\n`);
    }
  }
  forceCleanup();
}

/** SIGINT/SIGTERM/SIGHUP and uncaught errors still kill the clusters and delete their folders. */
export function installCleanupHandlers(): void {
  if (installed) return;
  installed = true;
  process.on("exit", forceCleanup);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      process.stderr.write(`${sig}: stopping the clusters and removing their folders\n`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  process.on("uncaughtException", (err) => {
    process.stderr.write(`uncaught: ${err.stack ?? String(err)}\n`);
    void cleanupAll().finally(() => process.exit(1));
  });
}
