// `orch dev` (a private copy of dist/orch) on free loopback ports in a temp folder, driven as a user would.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../../test/support/ports.js";
import { onCleanup, trackDir, trackProcess } from "./cleanup.js";
import { removeByLabel } from "./launch-docker.js";
import { PollAbort, pollUntil, runOk, runTimed, sleep, type Ran } from "./launch-proc.js";

/** Bound on orch dev coming up with a ready node, and on it exiting after SIGTERM. */
const dev_ready_timeout_ms = 60_000;
const dev_stop_timeout_ms = 15_000;
/** Bound on one orch CLI call that does not wait for tasks (ps, stop). */
const cli_timeout_ms = 30_000;
/** Bound on one API request. */
const api_timeout_ms = 30_000;

export interface TaskEventLite {
  state: string;
  at_ms: number;
}

export interface TaskLite {
  task_id: string;
  state: string;
  created_at_ms: number;
  updated_at_ms: number;
  history: TaskEventLite[];
}

export interface ServiceLite {
  created_at_ms: number;
  tasks_running: number;
  tasks_active: number;
  spec: { count: number };
}

export class OrchDev {
  private proc: ChildProcess | undefined;
  private stopped = false;
  node_id = "";

  private constructor(
    readonly dir: string,
    readonly bin: string,
    readonly http_port: number,
  ) {}

  /** Copies the binary first, so a rebuild of dist/orch during the run cannot mix versions. */
  static async start(source_bin: string): Promise<OrchDev> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "orch-bench-launch-"));
    trackDir(dir);
    const bin = path.join(dir, "orch");
    copyFileSync(source_bin, bin);
    const ports = { http: await freePort(), raft: await freePort(), agent: await freePort() };
    const d = new OrchDev(dir, bin, ports.http);
    onCleanup(() => d.stop());
    const log = createWriteStream(path.join(dir, "dev.log"));
    const args = ["dev", "--data-dir", path.join(dir, "data"), "--http-port", String(ports.http), "--raft-port", String(ports.raft), "--agent-port", String(ports.agent)];
    d.proc = spawn(bin, args, { env: d.env(), stdio: ["ignore", "pipe", "pipe"] });
    trackProcess(d.proc);
    d.proc.stdout?.pipe(log, { end: false });
    d.proc.stderr?.pipe(log, { end: false });
    d.node_id = await pollUntil("orch dev to register a ready node", async () => {
      if (d.proc?.exitCode !== null) throw new PollAbort(`orch dev exited ${d.proc?.exitCode}; its log: ${d.logTail()}`);
      const nodes = (await d.api("GET", "/v1/nodes")) as { nodes: { node_id: string; status: string }[] };
      return nodes.nodes.find((n) => n.status === "ready")?.node_id;
    }, { interval_ms: 100, timeout_ms: dev_ready_timeout_ms });
    return d;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  private env(): NodeJS.ProcessEnv {
    return { PATH: "/usr/bin:/bin", HOME: os.tmpdir(), ORCH_ADDR: `127.0.0.1:${this.http_port}` };
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(path.join(this.dir, "dev.log"), "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** The CLI as a user runs it; the result carries its wall time. */
  cli(args: string[], timeout_ms = cli_timeout_ms): Promise<Ran> {
    return runTimed(this.bin, args, { timeout_ms, env: this.env() });
  }

  async api(method: "GET" | "POST" | "DELETE", route: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`http://127.0.0.1:${this.http_port}${route}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      signal: AbortSignal.timeout(api_timeout_ms),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`orch ${method} ${route} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }

  /** The service's active tasks with their recorded history, as `orch ps --json` prints them. */
  async tasks(service: string): Promise<TaskLite[]> {
    const r = await runOk(this.bin, ["ps", "--json", "--service", service], { timeout_ms: cli_timeout_ms, env: this.env() });
    return JSON.parse(r.stdout) as TaskLite[];
  }

  service(name: string): Promise<ServiceLite> {
    return this.api("GET", `/v1/services/${encodeURIComponent(name)}?stale=true`) as Promise<ServiceLite>;
  }

  /** `orch stop NAME`, waits until none of its tasks is active, then removes its containers. */
  async stopService(name: string, timeout_ms: number): Promise<void> {
    try {
      const r = await this.cli(["stop", name]);
      if (r.code !== 0) throw new Error(`orch stop ${name} exited ${r.code}: ${r.stderr.trim()}`);
      await pollUntil(`the tasks of ${name} to end`, async () => ((await this.service(name)).tasks_active === 0 ? true : undefined), { interval_ms: 100, timeout_ms });
    } finally {
      await removeByLabel("service", name);
    }
  }

  /** SIGTERM, then SIGKILL after a bound; removes every container this node made. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const p = this.proc;
    if (p !== undefined && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise<void>((resolve) => p.once("exit", () => resolve()));
      p.kill("SIGTERM");
      await Promise.race([exited, sleep(dev_stop_timeout_ms)]);
      if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    }
    if (this.node_id !== "") await removeByLabel("orch.node_id", this.node_id);
  }
}
