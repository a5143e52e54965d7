// The cluster's processes: servers inside their namespaces, agents on the host, started and signalled by name.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, closeSync, openSync } from "node:fs";
import path from "node:path";
import { host_address, type NetNode } from "./net.js";
import { sleep } from "./sh.js";
import { pids_path } from "./teardown.js";

export const server_http_port = 4640;
export const server_raft_port = 4641;
/** Bound on a process exiting after SIGKILL or SIGTERM. */
const exit_wait_ms = 15_000;

export interface Proc {
  name: string;
  args: string[];
  netns?: string;
  log: string;
  child?: ChildProcess;
  paused: boolean;
  /** Exits we did not cause (crash, deliberate stop on a broken invariant), with their code. */
  unexpectedExits: { code: number | null; signal: string | null; at_ms: number }[];
  expectingExit: boolean;
}

export interface ServerSpec {
  node: NetNode;
  dataDir: string;
}

export class Processes {
  readonly servers = new Map<string, Proc & ServerSpec>();
  readonly agents = new Map<string, Proc & { http_port: number; dataDir: string }>();

  constructor(
    private readonly binary: string,
    private readonly runDir: string,
    private readonly serverExtra: string[],
  ) {}

  addServer(node: NetNode, dataDir: string, bootstrap: string): void {
    const args = [
      "server", "--name", node.name, "--data-dir", dataDir,
      "--bind", node.address, "--advertise", node.address,
      "--http-port", String(server_http_port), "--raft-port", String(server_raft_port),
      "--bootstrap", bootstrap, ...this.serverExtra,
    ];
    this.servers.set(node.name, { name: node.name, args, netns: node.netns, node, dataDir, log: path.join(this.runDir, `${node.name}.log`), paused: false, unexpectedExits: [], expectingExit: false });
  }

  addAgent(name: string, http_port: number, join: string, dockerSocket: string): void {
    const dataDir = path.join(this.runDir, `agent-${name}`);
    const args = [
      "agent", "--name", name, "--join", join, "--data-dir", dataDir,
      "--bind", host_address, "--advertise", host_address, "--http-port", String(http_port),
      "--docker-socket", dockerSocket, "--cpus", "2", "--mem", "2g", "--reserve-mem", "64m",
    ];
    this.agents.set(name, { name, args, log: path.join(this.runDir, `agent-${name}.log`), paused: false, unexpectedExits: [], expectingExit: false, http_port, dataDir });
  }

  get(name: string): Proc {
    const p = this.servers.get(name) ?? this.agents.get(name);
    if (p === undefined) throw new Error(`chaos: no process named ${name}`);
    return p;
  }

  running(name: string): boolean {
    const c = this.get(name).child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  start(name: string): void {
    const p = this.get(name);
    if (this.running(name)) return;
    const fd = openSync(p.log, "a");
    const [file, args] = p.netns !== undefined ? ["ip", ["netns", "exec", p.netns, this.binary, ...p.args]] : [this.binary, p.args];
    const child = spawn(file, args, { stdio: ["ignore", fd, fd], env: { PATH: "/usr/bin:/bin:/usr/sbin:/sbin", HOME: this.runDir } });
    closeSync(fd);
    if (child.pid !== undefined) appendFileSync(pids_path, `${child.pid} ${p.name}\n`);
    p.child = child;
    p.paused = false;
    p.expectingExit = false;
    child.once("exit", (code, signal) => {
      if (!p.expectingExit) p.unexpectedExits.push({ code, signal, at_ms: Date.now() });
    });
  }

  /** Sends a signal and, for SIGKILL/SIGTERM, waits for the process to be gone. */
  async signal(name: string, sig: NodeJS.Signals): Promise<void> {
    const p = this.get(name);
    const c = p.child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    if (sig === "SIGKILL" || sig === "SIGTERM") p.expectingExit = true;
    // A stopped process must be continued to act on SIGTERM; SIGKILL works either way.
    c.kill(sig);
    if (sig === "SIGSTOP") p.paused = true;
    if (sig === "SIGCONT") p.paused = false;
    if (sig !== "SIGKILL" && sig !== "SIGTERM") return;
    if (p.paused && sig === "SIGTERM") c.kill("SIGCONT");
    const deadline = Date.now() + exit_wait_ms;
    while (c.exitCode === null && c.signalCode === null && Date.now() < deadline) await sleep(50);
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    while (c.exitCode === null && c.signalCode === null && Date.now() < deadline + exit_wait_ms) await sleep(50);
    p.paused = false;
  }

  /** SIGKILL to every process we started; used on the way out. */
  async killAll(): Promise<void> {
    const names = [...this.agents.keys(), ...this.servers.keys()];
    await Promise.all(names.map((n) => this.signal(n, "SIGKILL")));
  }
}
