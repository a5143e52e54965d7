// What every client command shares: the --addr option turned into a Client, and JSON output.
import type { Command } from "commander";
import { Client, parseAddrs } from "../../internal/client/client.js";
import { UsageError } from "../../internal/cli/errors.js";

export function clientOf(cmd: Command): Client {
  const { addr } = cmd.optsWithGlobals<{ addr: string }>();
  try {
    const client = new Client(parseAddrs(addr));
    client.onWaiting = (message) => process.stderr.write(`orch: ${message}\n`);
    return client;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function printJson(v: unknown): void {
  process.stdout.write(JSON.stringify(v, null, 2) + "\n");
}

/** Rows as aligned columns, header first. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/**
 * Runs until SIGINT, SIGTERM or `also` (e.g. "this server was removed") asks to stop, then awaits
 * `stop` once. The long-running commands (server, agent, dev) end through here.
 */
export function untilStopped(log: { info(msg: string): void }, stop: () => Promise<void>, also?: (trigger: (why: string) => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const trigger = (why: string): void => {
      if (stopping) return;
      stopping = true;
      log.info(`stopping: ${why}`);
      void stop().then(resolve, resolve);
    };
    process.once("SIGINT", () => trigger("SIGINT"));
    process.once("SIGTERM", () => trigger("SIGTERM"));
    also?.(trigger);
  });
}
