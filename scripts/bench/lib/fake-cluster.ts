// orch servers on loopback with fake nodes and no agents (scripts/bench/placement.ts, offers.ts):
// the servers as child processes, and seeded nodes registered through the HTTP agent API.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RegisterRequest } from "../../../internal/api/agent.js";
import { intn } from "../../../internal/scheduler/rng.js";
import type { Rng } from "../../../internal/scheduler/types.js";
import { binary_path, repo_root } from "../../../test/support/binary.js";
import { freePort } from "../../../test/support/ports.js";
import { pool, postOk, request, sleep } from "./bench-http.js";
import { trackProcess } from "./cleanup.js";

const GiB = 1024 ** 3;
const leader_wait_ms = 30_000;
/** Registrations in flight at once. */
const register_inflight_max = 64;
/** Bound on a server's shutdown after SIGTERM (a --cpu-prof server writes its profile then). */
const stop_wait_ms = 20_000;

export interface ServerOptions {
  servers: 1 | 3;
  /** "binary": an orch executable (dist/orch unless `binary` names another); "tsx": the sources (for --cpu-prof). */
  server: "binary" | "tsx";
  binary?: string;
  cpu_prof: string | undefined;
  log_level: string;
}

export interface ServerProc {
  name: string;
  http_port: number;
  raft_port: number;
  log: string;
  proc: ChildProcess;
}

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[intn(rng, xs.length)]!;
}

/** Servers with --heartbeat-ttl 1h, so fake nodes that never heartbeat stay ready. */
export async function startServers(o: ServerOptions, dir: string): Promise<ServerProc[]> {
  const names = o.servers === 1 ? ["s1"] : ["s1", "s2", "s3"];
  const ports = await Promise.all(names.map(async () => ({ http: await freePort(), raft: await freePort() })));
  const bootstrap = names.map((n, i) => `${n}=127.0.0.1:${ports[i]!.raft}`).join(",");
  return names.map((name, i) => {
    const flags = ["server", "--name", name, "--data-dir", path.join(dir, name), "--bind", "127.0.0.1", "--http-port", String(ports[i]!.http), "--raft-port", String(ports[i]!.raft), "--bootstrap", bootstrap, "--heartbeat-ttl", "1h", "--log-level", o.log_level];
    const node_flags = o.cpu_prof !== undefined ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(o.cpu_prof), "--max-old-space-size=4096"] : [];
    const [cmd, args] = o.server === "binary" ? [o.binary ?? binary_path, flags] : [process.execPath, [...node_flags, "--import", "tsx", path.join(repo_root, "cmd/orch/main.ts"), ...flags]];
    const log = path.join(dir, `${name}.log`);
    const out = createWriteStream(log, { flags: "a" });
    const proc = spawn(cmd, args, { cwd: repo_root, env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir() }, stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout?.pipe(out);
    proc.stderr?.pipe(out);
    trackProcess(proc);
    return { name, http_port: ports[i]!.http, raft_port: ports[i]!.raft, log, proc };
  });
}

/** SIGTERM first so a --cpu-prof server writes its profile; SIGKILL after a bound. */
export async function stopServers(servers: ServerProc[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.proc.exitCode !== null || s.proc.signalCode !== null) return resolve();
          const t = setTimeout(() => s.proc.kill("SIGKILL"), stop_wait_ms);
          s.proc.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
          s.proc.kill("SIGTERM");
        }),
    ),
  );
}

export async function waitLeader(servers: ServerProc[], deadline_ms: number): Promise<ServerProc> {
  const until = Math.min(deadline_ms, Date.now() + leader_wait_ms);
  while (Date.now() < until) {
    for (const s of servers) {
      const r = await request(s.http_port, "GET", "/v1/status").catch(() => undefined);
      if (r?.status !== 200) continue;
      const st = JSON.parse(r.text) as { leader: { name: string } | null; members: { http_addr: string }[] };
      const leader = servers.find((x) => x.name === st.leader?.name);
      if (leader !== undefined && st.members.length === servers.length && st.members.every((m) => m.http_addr !== "")) return leader;
    }
    await sleep(100);
  }
  throw new Error(`no leader within ${leader_wait_ms} ms; see the server logs (--keep-logs DIR keeps them)`);
}

/** Seeded nodes: the same seed gives the same nodes (4–64 CPUs, 8–256 GiB, attributes os, arch, zone, rack, ssd). */
export function makeNodes(rng: Rng, n: number): RegisterRequest[] {
  return Array.from({ length: n }, (_, i) => {
    const cpus = pick(rng, [4, 8, 16, 32, 64]);
    const memory_bytes = Math.min(256, Math.max(8, cpus * pick(rng, [2, 4]))) * GiB;
    const name = `bench-${String(i).padStart(6, "0")}`;
    return {
      node_id: `node-${name}`,
      name,
      // Nothing listens there: no agent runs, and nothing asks for logs.
      http_addr: "127.0.0.1:9",
      resources: { cpus, memory_bytes, disk_bytes: 500 * GiB },
      attributes: {
        hostname: name,
        os: intn(rng, 20) === 0 ? "windows" : "linux",
        arch: intn(rng, 4) === 0 ? "arm64" : "amd64",
        zone: `z${intn(rng, 4)}`,
        rack: `r${intn(rng, 50)}`,
        ssd: intn(rng, 10) < 3 ? "true" : "false",
      },
      driver: "mock",
      version: "bench",
    };
  });
}

/** Registers every node through POST /v1/agent/register; seconds taken. */
export async function registerNodes(port: number, nodes: readonly RegisterRequest[], deadline_ms: number): Promise<number> {
  const t0 = performance.now();
  await pool(nodes, register_inflight_max, deadline_ms, (n) => postOk(port, "/v1/agent/register", n, `registering ${n.name}`));
  return (performance.now() - t0) / 1000;
}
