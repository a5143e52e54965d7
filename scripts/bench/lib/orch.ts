// An orch cluster on loopback (three servers unless told; the built dist/orch, via the test harness) as a KvSystem.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { TestCluster, until, type StatusLite } from "../../../test/support/cluster.js";
import { binary_path, repo_root } from "../../../test/support/binary.js";
import { onCleanup, trackDir, trackProcess } from "./cleanup.js";
import { copyLogs, digestLogs } from "./logs.js";
import type { KvSystem, Member } from "./system.js";

const size_max = 5;

export function ensureOrchBinary(): void {
  if (existsSync(binary_path)) return;
  process.stderr.write(`${binary_path} is missing: building it with scripts/build-binary.sh\n`);
  const r = spawnSync("bash", ["scripts/build-binary.sh"], { cwd: repo_root, stdio: ["ignore", "inherit", "inherit"], timeout: 300_000 });
  if (r.status !== 0) throw new Error(`scripts/build-binary.sh failed (exit ${r.status}): fix the build, then re-run`);
}

export class OrchCluster implements KvSystem {
  readonly name = "orch" as const;
  private destroyed = false;

  private constructor(
    private readonly c: TestCluster,
    private readonly binary: string,
  ) {}

  /** `binary`: another orch executable to run instead of dist/orch (scripts/bench/ab-builds.ts). */
  static async start(size = 3, binary?: string): Promise<OrchCluster> {
    if (!Number.isInteger(size) || size < 1 || size > size_max) throw new Error(`an orch cluster of ${size} servers: give 1 to ${size_max}`);
    const names = Array.from({ length: size }, (_, i) => `s${i + 1}`);
    if (binary === undefined) ensureOrchBinary();
    const c = await TestCluster.create(binary === undefined ? {} : { binary });
    trackDir(c.dir);
    const oc = new OrchCluster(c, binary ?? binary_path);
    onCleanup(() => oc.destroy());
    for (const n of names) await c.add(n);
    const list = c.bootstrapList(names);
    for (const n of names) trackProcess(c.startNew(c.servers.get(n)!, ["--bootstrap", list]));
    await oc.waitLeader();
    return oc;
  }

  members(): Member[] {
    return [...this.c.servers.values()].map((s) => ({ name: s.name, client_port: s.http_port, pid: s.proc?.pid }));
  }

  putRequest(m: Member, key: string, value: Buffer): ReturnType<KvSystem["putRequest"]> {
    return { method: "PUT", port: m.client_port, path: `/v1/kv/${encodeURIComponent(key)}`, body: value, content_type: "application/octet-stream" };
  }

  /** The leader that every running server names. */
  waitLeader(): Promise<string> {
    return until("one orch leader agreed by every running server", async () => {
      const live = [...this.c.servers.values()].filter((s) => s.proc !== undefined);
      const sts: (StatusLite | undefined)[] = await Promise.all(live.map((s) => this.c.status(s.name)));
      if (sts.some((s) => s === undefined || s.leader === null)) return undefined;
      const leaders = new Set(sts.map((s) => s!.leader!.name));
      const l = [...leaders][0]!;
      return leaders.size === 1 && live.some((s) => s.name === l) ? l : undefined;
    });
  }

  kill9(name: string): void {
    this.c.kill9(name);
  }

  /** `orch kv put`, the CLI a user runs, through the executable the servers run. */
  cliPut(members: readonly string[], key: string, value: string): string[] {
    const addr = members.map((n) => `127.0.0.1:${this.c.servers.get(n)!.http_port}`).join(",");
    return [this.binary, "--addr", addr, "kv", "put", key, value];
  }

  cliVersion(): string[] {
    return [this.binary, "--version"];
  }

  async holds(key: string, value: string): Promise<boolean | undefined> {
    const r = await this.c.get(await this.waitLeader(), key).catch(() => undefined);
    if (r === undefined || (r.status !== 200 && r.status !== 404)) return undefined;
    return r.status === 200 && r.text === value;
  }

  async restart(name: string): Promise<void> {
    trackProcess(this.c.start(this.c.servers.get(name)!, []));
    // Caught up once its applied index reaches the leader's commit index as seen now.
    const leader = await this.waitLeader();
    const target = (await this.c.status(leader))?.commit_index ?? 0;
    await until(`${name} to catch up to index ${target}`, async () => ((await this.c.status(name))?.applied_index ?? -1) >= target ? true : undefined);
  }

  logDigest(): ReturnType<KvSystem["logDigest"]> {
    return digestLogs(
      [...this.c.servers.values()].map((s) => s.log),
      (l) => / (WARN|ERROR) /.test(l),
    );
  }

  /** Lines of every server's log matching a pattern (e.g. "snapshot taken"). */
  async countLogLines(re: RegExp): Promise<number> {
    const d = await digestLogs([...this.c.servers.values()].map((s) => s.log), (l) => re.test(l));
    return d.warn_or_error;
  }

  saveLogs(dir: string): Promise<void> {
    return copyLogs([...this.c.servers.values()].map((s) => s.log), dir, "orch");
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.c.destroy();
  }
}
