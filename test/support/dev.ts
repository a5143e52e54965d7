// `orch dev` (the built executable) in a temp folder on free loopback ports, for end-to-end tests.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { requireBinary, run, type RunResult } from "./binary.js";
import { until } from "./cluster.js";
import { docker } from "./docker.js";
import { freePort } from "./ports.js";

export class DevCluster {
  proc: ChildProcess | undefined;
  private out: WriteStream | undefined;
  /** Services made by the test: their containers are removed at the end. */
  readonly services = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly ports: { http: number; raft: number; agent: number },
  ) {}

  static async start(extra: string[] = []): Promise<DevCluster> {
    const d = new DevCluster(await mkdtemp(path.join(os.tmpdir(), "orch-dev-")), { http: await freePort(), raft: await freePort(), agent: await freePort() });
    d.launch(extra);
    await d.ready();
    return d;
  }

  get addr(): string {
    return `127.0.0.1:${this.ports.http}`;
  }

  launch(extra: string[] = []): void {
    this.out = createWriteStream(path.join(this.dir, "dev.log"), { flags: "a" });
    const args = ["dev", "--data-dir", path.join(this.dir, "data"), "--http-port", String(this.ports.http), "--raft-port", String(this.ports.raft), "--agent-port", String(this.ports.agent), ...extra];
    this.proc = spawn(requireBinary(), args, { env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir() }, stdio: ["ignore", "pipe", "pipe"] });
    this.proc.stdout?.pipe(this.out, { end: false });
    this.proc.stderr?.pipe(this.out, { end: false });
  }

  /** The node registered and ready. */
  async ready(): Promise<void> {
    await until("orch dev to have a ready node", async () => {
      const r = await this.orch(["nodes", "--json"]);
      return r.code === 0 && (JSON.parse(r.stdout) as { status: string }[]).some((n) => n.status === "ready") ? true : undefined;
    });
  }

  orch(args: string[]): Promise<RunResult> {
    return run(requireBinary(), args, { env: { ORCH_ADDR: this.addr } });
  }

  async log(): Promise<string> {
    return readFile(path.join(this.dir, "dev.log"), "utf8").catch(() => "");
  }

  kill9(): void {
    this.proc?.kill("SIGKILL");
    this.proc = undefined;
  }

  async destroy(): Promise<void> {
    this.kill9();
    for (const s of this.services) {
      const ids = (await docker(["ps", "-aq", "--filter", `label=service=${s}`])).stdout.split("\n").filter((x) => x !== "");
      if (ids.length > 0) await docker(["rm", "-f", ...ids]);
    }
    this.out?.end();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Containers (running or not) of a service, by its label. */
export async function containersOf(service: string, running_only = true): Promise<{ id: string; task_id: string }[]> {
  const r = await docker(["ps", ...(running_only ? [] : ["-a"]), "--filter", `label=service=${service}`, "--format", '{{.ID}} {{.Label "orch.task_id"}}']);
  return r.stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [id, task_id] = l.split(" ");
      return { id: id!, task_id: task_id ?? "" };
    });
}
