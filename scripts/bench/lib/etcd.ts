// An etcd 3.4 cluster on loopback (three members unless told; Debian's etcd-server), written through its v3 JSON gateway.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { until } from "../../../test/support/cluster.js";
import { freePort } from "../../../test/support/ports.js";
import { onCleanup, trackDir, trackProcess } from "./cleanup.js";
import type { LoopbackClient } from "./http.js";
import { copyLogs, digestLogs } from "./logs.js";
import type { KvSystem, Member } from "./system.js";

const size_max = 5;
const status_timeout_ms = 1_000;
const apt_timeout_ms = 300_000;

interface EtcdMember {
  name: string;
  client_port: number;
  peer_port: number;
  data_dir: string;
  log: string;
  proc: ChildProcess | undefined;
}

interface StatusReply {
  header?: { member_id?: string };
  leader?: string;
}

/** Installs Debian's etcd when it is missing (the benchmark runs as root on Debian). */
export function ensureEtcd(): void {
  if (spawnSync("sh", ["-c", "command -v etcd"]).status === 0) return;
  process.stderr.write("etcd is missing: installing etcd-server and etcd-client with apt-get\n");
  const install = (): number | null =>
    spawnSync("apt-get", ["install", "-y", "etcd-server", "etcd-client"], { stdio: ["ignore", "ignore", "inherit"], timeout: apt_timeout_ms, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status;
  if (install() === 0) return;
  spawnSync("apt-get", ["update"], { stdio: ["ignore", "ignore", "inherit"], timeout: apt_timeout_ms });
  if (install() !== 0) throw new Error("apt-get install etcd-server etcd-client failed: install etcd 3.4 by hand and re-run");
}

export class EtcdCluster implements KvSystem {
  readonly name = "etcd" as const;
  private readonly logs: WriteStream[] = [];
  private readonly token = `orch-bench-${process.pid}-${Date.now()}`;
  private destroyed = false;

  private constructor(
    private readonly dir: string,
    private readonly ms: EtcdMember[],
    private readonly http: LoopbackClient,
  ) {}

  static async start(http: LoopbackClient, size = 3): Promise<EtcdCluster> {
    if (!Number.isInteger(size) || size < 1 || size > size_max) throw new Error(`an etcd cluster of ${size} members: give 1 to ${size_max}`);
    const names = Array.from({ length: size }, (_, i) => `e${i + 1}`);
    ensureEtcd();
    const dir = await mkdtemp(path.join(os.tmpdir(), "etcd-bench-"));
    trackDir(dir);
    const ms: EtcdMember[] = [];
    for (const name of names) {
      ms.push({ name, client_port: await freePort(), peer_port: await freePort(), data_dir: path.join(dir, name), log: path.join(dir, `${name}.log`), proc: undefined });
    }
    const ec = new EtcdCluster(dir, ms, http);
    onCleanup(() => ec.destroy());
    for (const m of ms) ec.spawn(m);
    await ec.waitLeader();
    return ec;
  }

  private spawn(m: EtcdMember): void {
    const cluster = this.ms.map((x) => `${x.name}=http://127.0.0.1:${x.peer_port}`).join(",");
    const out = createWriteStream(m.log, { flags: "a" });
    this.logs.push(out);
    // Default timing (100 ms heartbeat, 1 s election) matches orch's 100 ms tick and 10-tick election.
    const p = spawn(
      "etcd",
      [
        "--name", m.name,
        "--data-dir", m.data_dir,
        "--listen-client-urls", `http://127.0.0.1:${m.client_port}`,
        "--advertise-client-urls", `http://127.0.0.1:${m.client_port}`,
        "--listen-peer-urls", `http://127.0.0.1:${m.peer_port}`,
        "--initial-advertise-peer-urls", `http://127.0.0.1:${m.peer_port}`,
        "--initial-cluster", cluster,
        "--initial-cluster-state", "new",
        "--initial-cluster-token", this.token,
        "--logger", "zap",
        "--log-outputs", "stderr",
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir() } },
    );
    p.stdout?.pipe(out, { end: false });
    p.stderr?.pipe(out, { end: false });
    trackProcess(p);
    m.proc = p;
  }

  members(): Member[] {
    return this.ms.map((m) => ({ name: m.name, client_port: m.client_port, pid: m.proc?.pid }));
  }

  putRequest(m: Member, key: string, value: Buffer): ReturnType<KvSystem["putRequest"]> {
    const body = Buffer.from(`{"key":"${Buffer.from(key).toString("base64")}","value":"${value.toString("base64")}"}`);
    return { method: "POST", port: m.client_port, path: "/v3/kv/put", body, content_type: "application/json" };
  }

  private status(m: EtcdMember): Promise<StatusReply | undefined> {
    return this.http.json<StatusReply>({ method: "POST", port: m.client_port, path: "/v3/maintenance/status", body: Buffer.from("{}"), content_type: "application/json" }, status_timeout_ms);
  }

  /** The member whose own id is the leader id that every running member reports. */
  waitLeader(): Promise<string> {
    return until("one etcd leader agreed by every running member", async () => {
      const live = this.ms.filter((m) => m.proc !== undefined);
      const sts = await Promise.all(live.map((m) => this.status(m)));
      if (sts.some((s) => s?.leader === undefined || s.leader === "0")) return undefined;
      const leaders = new Set(sts.map((s) => s!.leader!));
      if (leaders.size !== 1) return undefined;
      const i = sts.findIndex((s) => s!.header?.member_id === [...leaders][0]);
      return i >= 0 ? live[i]!.name : undefined;
    });
  }

  kill9(name: string): void {
    const m = this.ms.find((x) => x.name === name)!;
    m.proc?.kill("SIGKILL");
    m.proc = undefined;
  }

  /** `etcdctl put` (v3 API, its default 5 s command timeout), the client a user of etcd runs. */
  cliPut(members: readonly string[], key: string, value: string): string[] {
    const endpoints = members.map((n) => `http://127.0.0.1:${this.ms.find((m) => m.name === n)!.client_port}`).join(",");
    return ["etcdctl", `--endpoints=${endpoints}`, "put", key, value];
  }

  cliVersion(): string[] {
    return ["etcdctl", "version"];
  }

  async holds(key: string, value: string): Promise<boolean | undefined> {
    // A range is linearizable by default: any live member answers with the cluster's state.
    const m = this.ms.find((x) => x.proc !== undefined);
    if (m === undefined) return undefined;
    const body = Buffer.from(`{"key":"${Buffer.from(key).toString("base64")}"}`);
    const r = await this.http.json<{ kvs?: { value?: string }[] }>({ method: "POST", port: m.client_port, path: "/v3/kv/range", body, content_type: "application/json" }, status_timeout_ms);
    if (r === undefined) return undefined;
    const got = r.kvs?.[0]?.value;
    return got !== undefined && Buffer.from(got, "base64").toString() === value;
  }

  async restart(name: string): Promise<void> {
    const m = this.ms.find((x) => x.name === name)!;
    this.spawn(m);
    await this.waitLeader();
    // A linearizable read through the restarted member answers only once it has caught up with the leader's commit.
    const range = { method: "POST" as const, port: m.client_port, path: "/v3/kv/range", body: Buffer.from(`{"key":"${Buffer.from("probe").toString("base64")}"}`), content_type: "application/json" };
    await until(`${name} to serve a linearizable read`, async () => ((await this.http.json(range, status_timeout_ms)) !== undefined ? true : undefined));
  }

  logDigest(): ReturnType<KvSystem["logDigest"]> {
    return digestLogs(
      this.ms.map((m) => m.log),
      (l) => /"level":"(warn|error|fatal|panic)"/.test(l),
    );
  }

  saveLogs(dir: string): Promise<void> {
    return copyLogs(this.ms.map((m) => m.log), dir, "etcd");
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const m of this.ms) m.proc?.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 100));
    for (const l of this.logs) l.end();
    await rm(this.dir, { recursive: true, force: true });
  }
}
