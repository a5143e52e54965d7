// `orch run IMAGE [-- CMD...]`: start a service (N replicas) or, with --once, a job whose exit code becomes ours.
import type { Command } from "commander";
import { UsageError } from "../../internal/cli/errors.js";
import { parseBytes, parseCpus, parseDuration } from "../../internal/cli/units.js";
import type { ServiceView } from "../../internal/server/http/services.js";
import type { TaskView } from "../../internal/server/http/tasks.js";
import { clientOf, printJson } from "./context.js";
import { followLogs } from "./logs.js";
import { Progress } from "./progress.js";

interface RunFlags {
  name?: string;
  cpus: string;
  mem: string;
  count: string;
  env: string[];
  port: string[];
  constraint: string[];
  restart?: string;
  role?: string;
  once?: boolean;
  detach?: boolean;
  spread?: boolean;
  grace: string;
  retries?: string;
  timeout: string;
  quiet?: boolean;
  json?: boolean;
}

/** How often `orch run` looks at its tasks while it waits (stale reads: cheap for the server). */
const poll_ms = 50;
const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** "8080:80", "127.0.0.1:8080:80", "80", "53:53/udp" (as docker run -p). */
export function parsePort(raw: string): { host_ip?: string; port: { container_port: number; host_port: number; protocol: "tcp" | "udp" } } {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/.exec(raw.trim());
  const bad = (): never => {
    throw new UsageError(`--port ${JSON.stringify(raw)}: write CONTAINER_PORT, HOST_PORT:CONTAINER_PORT or IP:HOST_PORT:CONTAINER_PORT, optionally /udp (e.g. 8080:80)`);
  };
  if (m === null) return bad();
  const container_port = Number(m[3]);
  const host_port = m[2] === undefined ? 0 : Number(m[2]);
  if (container_port < 1 || container_port > 65535 || host_port > 65535) return bad();
  return { ...(m[1] !== undefined ? { host_ip: m[1] } : {}), port: { container_port, host_port, protocol: (m[4] ?? "tcp") as "tcp" | "udp" } };
}

function whole(flag: string, raw: string, min: number): number {
  if (!/^\d{1,9}$/.test(raw.trim()) || Number(raw) < min) throw new UsageError(`${flag} ${JSON.stringify(raw)}: give a whole number >= ${min}`);
  return Number(raw);
}

export function compileRun(image: string, command: string[], f: RunFlags): Record<string, unknown> {
  const env: Record<string, string> = {};
  for (const e of f.env) {
    const i = e.indexOf("=");
    if (i <= 0) throw new UsageError(`--env ${JSON.stringify(e)}: write NAME=value`);
    env[e.slice(0, i)] = e.slice(i + 1);
  }
  const ports = f.port.map(parsePort);
  const host_ips = new Set(ports.map((p) => p.host_ip).filter((x) => x !== undefined));
  if (host_ips.size > 1) throw new UsageError("--port: give at most one host IP across all ports");
  return {
    image,
    kind: f.once === true ? "job" : "service",
    ...(f.name !== undefined ? { name: f.name } : {}),
    ...(command.length > 0 ? { command } : {}),
    cpus: parseCpus("--cpus", f.cpus),
    memory_bytes: parseBytes("--mem", f.mem),
    count: whole("--count", f.count, f.once === true ? 1 : 0),
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ports: ports.map((p) => p.port),
    ...(host_ips.size === 1 ? { host_ip: [...host_ips][0] } : {}),
    constraints: f.constraint,
    ...(f.restart !== undefined ? { restart: f.restart } : {}),
    ...(f.role !== undefined ? { role: f.role } : {}),
    strategy: f.spread === true ? "spread" : "binpack",
    grace_ms: parseDuration("--grace", f.grace),
    // A one-off run behaves like docker run: no retries unless asked.
    retries_max: f.retries !== undefined ? whole("--retries", f.retries, 0) : f.once === true ? 0 : 3,
  };
}

export function registerRun(program: Command): void {
  program
    .command("run <image> [command...]")
    .description("run IMAGE as a service of --count replicas (or, with --once, as a job); waits until the tasks run")
    .option("--name <name>", "service name (default: from the image); running it again updates it")
    .option("--cpus <cpus>", "CPUs per task, e.g. 0.5, 2, 250m", "0.1")
    .option("--mem <bytes>", "memory per task, e.g. 64m, 512m, 1g", "128m")
    .option("--count <n>", "replicas (service) or completions (job)", "1")
    .option("-e, --env <NAME=value>", "environment variable (repeatable)", collect, [])
    .option("-p, --port <spec>", "publish a port: [IP:]HOST_PORT:CONTAINER_PORT[/udp] (repeatable)", collect, [])
    .option("--constraint <expr>", "placement constraint: attr==value, attr!=value, attr=~regex, unique (repeatable)", collect, [])
    .option("--restart <policy>", "always (services), on-failure (jobs) or never")
    .option("--role <role>", "resource role for fair sharing (default: default)")
    .option("--spread", "spread replicas over nodes instead of packing them")
    .option("--once", "run to completion as a job: stream its output and exit with its exit code")
    .option("-d, --detach", "return once the service is accepted, without waiting")
    .option("--grace <duration>", "time between SIGTERM and SIGKILL on stop", "10s")
    .option("--retries <n>", "jobs: failed runs retried before the job fails (default 3; 0 with --once)")
    .option("--timeout <duration>", "how long to wait for the tasks to run", "5m")
    .option("-q, --quiet", "print only task ids")
    .option("--json", "print the service as JSON")
    .addHelpText(
      "after",
      `
Examples:
  orch run nginx --cpus 2 --mem 1g -p 8080:80
  orch run --name web --count 3 --spread busybox -- httpd -f -p 8080
  orch run --once busybox -- sh -c 'echo hello'`,
    )
    .action(async (image: string, command: string[], f: RunFlags, cmd: Command) => {
      const body = compileRun(image, command, f);
      const timeout_ms = parseDuration("--timeout", f.timeout);
      const client = clientOf(cmd);
      const svc = await client.json<ServiceView>("POST", "/v1/services", { json: body });
      const name = svc.spec.name;
      if (f.detach === true) {
        if (f.json === true) printJson(svc);
        else process.stdout.write(`${name}\n`);
        return;
      }
      const progress = new Progress(process.stderr, f.quiet === true || f.json === true);
      const deadline = Date.now() + timeout_ms;
      if (f.once === true) {
        process.exitCode = await runOnce(cmd, name, progress, deadline);
        return;
      }
      for (;;) {
        const cur = await client.json<ServiceView & { tasks: TaskView[] }>("GET", `/v1/services/${name}`, { query: { stale: true } });
        const current = cur.tasks.filter((t) => t.version >= cur.version && t.desired === "running");
        const running = current.filter((t) => t.state === "RUNNING");
        progress.update(`${name}: ${running.length}/${cur.spec.count} running` + describe(current) + (cur.pending_reason !== "" ? ` — waiting: ${cur.pending_reason}` : ""));
        if (running.length >= cur.spec.count) {
          progress.done(`${name}: ${running.length}/${cur.spec.count} running`);
          if (f.json === true) printJson(cur);
          else process.stdout.write(running.map((t) => `${t.task_id}${f.quiet === true ? "" : `  ${t.node_name}`}`).join("\n") + (running.length > 0 ? "\n" : ""));
          return;
        }
        if (Date.now() > deadline) {
          progress.done("");
          throw new Error(`${name}: ${running.length} of ${cur.spec.count} running after ${f.timeout}${cur.pending_reason !== "" ? `; waiting because: ${cur.pending_reason}` : ""}. It keeps trying: see orch ps --service ${name}`);
        }
        await new Promise((r) => setTimeout(r, poll_ms));
      }
    });
}

function describe(tasks: TaskView[]): string {
  const by = new Map<string, number>();
  for (const t of tasks) if (t.state !== "RUNNING") by.set(t.state.toLowerCase(), (by.get(t.state.toLowerCase()) ?? 0) + 1);
  return by.size === 0 ? "" : ` (${[...by].map(([s, n]) => `${n} ${s}`).join(", ")})`;
}

/** Waits for the job's task, streams its output, and returns its exit code. */
async function runOnce(cmd: Command, name: string, progress: Progress, deadline: number): Promise<number> {
  const client = clientOf(cmd);
  let followed: string | undefined;
  for (;;) {
    const cur = await client.json<ServiceView & { tasks: TaskView[] }>("GET", `/v1/services/${name}`, { query: { stale: true } });
    const t = cur.tasks.sort((a, b) => b.created_at_ms - a.created_at_ms)[0];
    if (t === undefined) progress.update(`${name}: waiting for a node${cur.pending_reason !== "" ? `: ${cur.pending_reason}` : ""}`);
    else if (t.task_id !== followed && (t.state === "RUNNING" || ["FINISHED", "FAILED", "KILLED"].includes(t.state))) {
      progress.done("");
      followed = t.task_id;
      await followLogs(client, t.task_id, { follow: true }).catch((err: unknown) => process.stderr.write(`orch: logs of ${t.task_id}: ${err instanceof Error ? err.message : String(err)}\n`));
    } else progress.update(`${name}: ${t.task_id} ${t.state.toLowerCase()} on ${t.node_name}`);
    if (cur.state === "complete" || cur.state === "failed" || cur.state === "stopped") {
      progress.done("");
      const last = cur.tasks.sort((a, b) => b.ended_at_ms - a.ended_at_ms)[0];
      if (cur.state !== "complete" && last !== undefined) process.stderr.write(`orch: ${name} ${cur.state}: ${last.task_id} ${last.state}: ${last.message}\n`);
      return last?.exit_code ?? (cur.state === "complete" ? 0 : 1);
    }
    if (Date.now() > deadline) throw new Error(`${name} did not finish in time; it keeps running: orch ps --service ${name}`);
    await new Promise((r) => setTimeout(r, poll_ms));
  }
}
