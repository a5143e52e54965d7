// `orch logs TASK|SERVICE [-f]`: a task's stdout and stderr, streamed from the agent that runs it.
import type { Command } from "commander";
import { errorOf, type Client } from "../../internal/client/client.js";
import { UsageError } from "../../internal/cli/errors.js";
import type { LogLine } from "../../internal/driver/types.js";
import type { ServiceView } from "../../internal/server/http/services.js";
import type { TaskView } from "../../internal/server/http/tasks.js";
import { clientOf } from "./context.js";

/** Lines printed without --follow when --tail is not given. */
const lines_default_max = 100_000;
/** Longest NDJSON line accepted from a server (the agent splits long lines). */
const line_chars_max = 1024 * 1024;

export async function followLogs(client: Client, task_id: string, o: { follow?: boolean; tail?: number; timestamps?: boolean }): Promise<void> {
  const res = await client.request("GET", `/v1/tasks/${encodeURIComponent(task_id)}/logs`, {
    query: { follow: o.follow === true, tail: o.tail, timestamps: o.timestamps === true, max_lines: lines_default_max },
  });
  if (!res.ok) throw errorOf(res.status, await res.json().catch(() => null));
  if (res.body === null) return;
  const dec = new TextDecoder();
  let buf = "";
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += dec.decode(chunk, { stream: true });
    if (buf.length > line_chars_max) throw new Error(`a log line from the server is longer than ${line_chars_max} characters`);
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const raw = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (raw === "") continue;
      const l = JSON.parse(raw) as LogLine | { error: { message: string } };
      if ("error" in l) throw new Error(l.error.message);
      const text = (l.timestamp !== undefined ? `${l.timestamp} ` : "") + l.text + "\n";
      (l.stream === "stderr" ? process.stderr : process.stdout).write(text);
    }
  }
}

/** A task id, or a service name meaning its newest task. */
export async function resolveTask(client: Client, ref: string): Promise<string> {
  const res = await client.request("GET", `/v1/tasks/${encodeURIComponent(ref)}`, { query: { stale: true } });
  if (res.ok) return ref;
  const svc = await client.request("GET", `/v1/services/${encodeURIComponent(ref)}`, { query: { stale: true } });
  if (!svc.ok) throw new Error(`no task or service named ${JSON.stringify(ref)}: orch ps lists them`);
  const body = (await svc.json()) as ServiceView & { tasks: TaskView[] };
  const t = body.tasks.sort((a, b) => Number(b.state === "RUNNING") - Number(a.state === "RUNNING") || b.created_at_ms - a.created_at_ms)[0];
  if (t === undefined) throw new Error(`service ${ref} has no tasks yet`);
  return t.task_id;
}

export function registerLogs(program: Command): void {
  program
    .command("logs <task-or-service>")
    .description("print a task's output (for a service: its newest running task)")
    .option("-f, --follow", "keep streaming until the task ends")
    .option("--tail <n>", "only the last N lines")
    .option("-t, --timestamps", "prefix each line with its time")
    .action(async (ref: string, o: { follow?: boolean; tail?: string; timestamps?: boolean }, cmd: Command) => {
      if (o.tail !== undefined && !/^\d{1,9}$/.test(o.tail)) throw new UsageError(`--tail ${JSON.stringify(o.tail)}: give a whole number of lines`);
      const client = clientOf(cmd);
      const id = await resolveTask(client, ref);
      await followLogs(client, id, { ...(o.follow === true ? { follow: true } : {}), ...(o.tail !== undefined ? { tail: Number(o.tail) } : {}), ...(o.timestamps === true ? { timestamps: true } : {}) });
    });
}
