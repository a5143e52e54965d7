// Real `orch server` processes (the built executable) on loopback, for cluster tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createWriteStream, type WriteStream } from "node:fs";
import os from "node:os";
import path from "node:path";
import { requireBinary } from "./binary.js";
import { freePort } from "./ports.js";

/** Bound on waiting for a cluster condition (leader, catch-up). */
export const cluster_wait_ms = 20_000;
/** Bound on one HTTP call from a test. */
/** Longer than a server's own request timeout (5 s), so the server's answer arrives rather than an abort. */
export const http_timeout_ms = 8_000;

export interface ServerProc {
  name: string;
  http_port: number;
  raft_port: number;
  data_dir: string;
  log: string;
  proc?: ChildProcess;
}

export interface AgentProc {
  name: string;
  http_port: number;
  data_dir: string;
  log: string;
  proc?: ChildProcess;
}

export interface StatusLite {
  self: { id: number; name: string };
  leader: { id: number; name: string; http_addr: string } | null;
  state: string;
  term: number;
  commit_index: number;
  applied_index: number;
  members: { id: number; name: string; role: string; http_addr: string }[];
}

export class TestCluster {
  readonly servers = new Map<string, ServerProc>();
  readonly agents = new Map<string, AgentProc>();
  private logs: WriteStream[] = [];

  /** `binary`: the executable to run (default: the built dist/orch). */
  private constructor(
    readonly dir: string,
    private readonly binary: string | undefined,
  ) {}

  static async create(o: { binary?: string } = {}): Promise<TestCluster> {
    return new TestCluster(await mkdtemp(path.join(os.tmpdir(), "orch-cluster-")), o.binary);
  }

  async add(name: string): Promise<ServerProc> {
    const s: ServerProc = {
      name,
      http_port: await freePort(),
      raft_port: await freePort(),
      data_dir: path.join(this.dir, name),
      log: path.join(this.dir, `${name}.log`),
    };
    this.servers.set(name, s);
    return s;
  }

  bootstrapList(names: string[]): string {
    return names.map((n) => `${n}=127.0.0.1:${this.servers.get(n)!.raft_port}`).join(",");
  }

  /** Starts `orch server` with the given extra flags (plus fast timing for tests) and extra environment. */
  start(s: ServerProc, args: string[], env: Record<string, string> = {}): ChildProcess {
    const out = createWriteStream(s.log, { flags: "a" });
    this.logs.push(out);
    const proc = spawn(this.binary ?? requireBinary(), ["server", "--data-dir", s.data_dir, ...args], {
      env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout?.pipe(out, { end: false });
    proc.stderr?.pipe(out, { end: false });
    s.proc = proc;
    return proc;
  }

  startNew(s: ServerProc, extra: string[], env: Record<string, string> = {}): ChildProcess {
    return this.start(s, ["--name", s.name, "--bind", "127.0.0.1", "--http-port", String(s.http_port), "--raft-port", String(s.raft_port), ...extra], env);
  }

  async bootstrap(names: string[], extra: string[] = []): Promise<void> {
    for (const n of names) await this.add(n);
    const list = this.bootstrapList(names);
    for (const n of names) this.startNew(this.servers.get(n)!, ["--bootstrap", list, ...extra]);
    await this.waitLeader(names);
  }

  /** HTTP addresses of every server, as agents and clients are given them. */
  httpAddrs(): string {
    return [...this.servers.values()].map((s) => `127.0.0.1:${s.http_port}`).join(",");
  }

  /** Starts (or restarts, same folder and port) `orch agent` NAME with the docker driver. */
  async startAgent(name: string, extra: string[] = []): Promise<AgentProc> {
    let a = this.agents.get(name);
    if (a === undefined) {
      a = { name, http_port: await freePort(), data_dir: path.join(this.dir, `agent-${name}`), log: path.join(this.dir, `agent-${name}.log`) };
      this.agents.set(name, a);
    }
    const out = createWriteStream(a.log, { flags: "a" });
    this.logs.push(out);
    const args = ["agent", "--name", name, "--join", this.httpAddrs(), "--data-dir", a.data_dir, "--bind", "127.0.0.1", "--http-port", String(a.http_port), ...extra];
    const proc = spawn(requireBinary(), args, { env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir() }, stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout?.pipe(out, { end: false });
    proc.stderr?.pipe(out, { end: false });
    a.proc = proc;
    return a;
  }

  killAgent9(name: string): void {
    const a = this.agents.get(name)!;
    a.proc?.kill("SIGKILL");
    a.proc = undefined;
  }

  kill9(name: string): void {
    const s = this.servers.get(name)!;
    s.proc?.kill("SIGKILL");
    s.proc = undefined;
  }

  async stopGracefully(name: string): Promise<number | null> {
    const s = this.servers.get(name)!;
    const p = s.proc;
    if (p === undefined || p.exitCode !== null) return p?.exitCode ?? null;
    const done = new Promise<number | null>((resolve) => p.once("exit", (code) => resolve(code)));
    p.kill("SIGTERM");
    s.proc = undefined;
    return done;
  }

  url(name: string, p: string): string {
    return `http://127.0.0.1:${this.servers.get(name)!.http_port}${p}`;
  }

  async status(name: string): Promise<StatusLite | undefined> {
    try {
      const r = await fetch(this.url(name, "/v1/status"), { signal: AbortSignal.timeout(http_timeout_ms) });
      return r.ok ? ((await r.json()) as StatusLite) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Waits until every named server answers, agrees on one leader among them, and every member announced its HTTP address. */
  async waitLeader(names: string[]): Promise<string> {
    return until("one leader agreed by all", async () => {
      const sts = await Promise.all(names.map((n) => this.status(n)));
      if (sts.some((s) => s === undefined || s.leader === null || s.members.some((m) => m.http_addr === ""))) return undefined;
      const leaders = new Set(sts.map((s) => s!.leader!.name));
      const l = [...leaders][0]!;
      return leaders.size === 1 && names.includes(l) ? l : undefined;
    });
  }

  async put(name: string, key: string, value: string, query = ""): Promise<Response> {
    return fetch(this.url(name, `/v1/kv/${encodeURIComponent(key)}${query}`), { method: "PUT", body: value, signal: AbortSignal.timeout(http_timeout_ms) });
  }

  async get(name: string, key: string, query = ""): Promise<{ status: number; text: string }> {
    const r = await fetch(this.url(name, `/v1/kv/${encodeURIComponent(key)}${query}`), { signal: AbortSignal.timeout(http_timeout_ms) });
    return { status: r.status, text: await r.text() };
  }

  async destroy(): Promise<void> {
    for (const s of this.servers.values()) s.proc?.kill("SIGKILL");
    for (const a of this.agents.values()) a.proc?.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
    for (const l of this.logs) l.end();
    // ORCH_KEEP_CLUSTER=1 keeps the servers' folders and logs for a look after a failure.
    if (process.env["ORCH_KEEP_CLUSTER"] === undefined) await rm(this.dir, { recursive: true, force: true });
    else process.stderr.write(`cluster kept in ${this.dir}
`);
  }
}

export async function until<T>(what: string, f: () => Promise<T | undefined>, timeout_ms = cluster_wait_ms): Promise<T> {
  const deadline = Date.now() + timeout_ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout_ms} ms waiting for ${what}${last !== undefined ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
