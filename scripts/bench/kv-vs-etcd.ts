// Replicated KV writes, orch beside etcd 3.4 on one machine: throughput, latency, leader failover, memory (JSON lines).
// Usage: npx tsx scripts/bench/kv-vs-etcd.ts [--seconds N] [--clients 1,16,64] [--failover-runs N]
//        [--failover-client-runs N (default: --failover-runs)] [--memory-writes N] [--level-writes-max N] [--keep-logs DIR]
//        (--clients 0, --failover-runs 0 and --failover-client-runs 0 skip those parts)
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { EtcdCluster } from "./lib/etcd.js";
import { LoopbackClient } from "./lib/http.js";
import { clientStartupMs, emitFailoverClientSummary, failoverClientRun, type FailoverClientResult } from "./lib/failover-client.js";
import { closedLoop, cpuPerWrite, failoverRun, withCpu, type ClosedLoopResult } from "./lib/load.js";
import { OrchCluster } from "./lib/orch.js";
import { runBench, wholeFlag } from "./lib/run.js";
import { emit, percentile, round, rssMiB } from "./lib/stats.js";
import type { KvSystem } from "./lib/system.js";

const seconds_max = 300;
const clients_max = 256;
const failover_runs_max = 20;
const memory_writes_max = 5_000_000;
const value_bytes = 1024;
/** Bound on writes per (system, clients) run, whatever --seconds says. */
const level_writes_max_default = 500_000;
/**
 * Both systems alike, before the first measured level: long enough for V8 to finish optimising
 * orch's hot code (traced: ~450 functions compiled in the first 5 s under load, a few a second
 * after 20 s); a 2 s warm-up left the first levels measuring orch's JIT warming up.
 */
const warmup = { clients: 16, duration_ms: 20_000, writes_max: 100_000 };
const settle_ms = 1_000;
/** Start-ups of each CLI timed alone (its floor in the failover-client figures). */
const client_startup_reps = 5;
const failover = { steady_ms: 1_500, interval_ms: 10, recover_max_ms: 20_000, inflight_max: 500, probe_timeout_ms: 4_000 };
const memory = { clients: 64, key_space: 10_000, sample_every_ms: 10_000, seconds_max: 3_600, after_idle_ms: 5_000 };

interface Options {
  seconds: number;
  clients: number[];
  failover_runs: number;
  /** Writes through each system's own CLI issued at the moment its leader is killed. */
  failover_client_runs: number;
  memory_writes: number;
  level_writes_max: number;
  /** Folder to copy the servers' logs into before their temp folders are removed. */
  keep_logs: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: "string", default: "10" },
      clients: { type: "string", default: "1,16,64" },
      "failover-runs": { type: "string", default: "5" },
      "failover-client-runs": { type: "string" },
      "memory-writes": { type: "string", default: "0" },
      "level-writes-max": { type: "string", default: String(level_writes_max_default) },
      "keep-logs": { type: "string" },
    },
  });
  const clients = values.clients === "" || values.clients === "0" ? [] : values.clients.split(",").map((c) => wholeFlag("clients", c, 1, clients_max));
  return {
    seconds: wholeFlag("seconds", values.seconds, 1, seconds_max),
    clients,
    failover_runs: wholeFlag("failover-runs", values["failover-runs"], 0, failover_runs_max),
    failover_client_runs: wholeFlag("failover-client-runs", values["failover-client-runs"] ?? values["failover-runs"], 0, failover_runs_max),
    memory_writes: wholeFlag("memory-writes", values["memory-writes"], 0, memory_writes_max),
    level_writes_max: wholeFlag("level-writes-max", values["level-writes-max"], 1, 10_000_000),
    keep_logs: values["keep-logs"],
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Each level runs on both systems back to back. Many clients spread over the members; a single
 * client runs twice, through the leader and through a follower, since the two paths differ by a
 * round trip and "client 0 → member 0" would otherwise pick one by luck.
 */
async function throughput(o: Options, systems: KvSystem[], http: LoopbackClient, value: Buffer): Promise<void> {
  for (const sys of systems) await closedLoop(sys, http, { ...warmup, key_prefix: `warmup`, value });
  for (const clients of o.clients) {
    for (const via of clients === 1 ? (["leader", "follower"] as const) : (["spread"] as const)) {
      const by: Partial<Record<KvSystem["name"], ClosedLoopResult>> = {};
      // Both systems at one level back to back, so a busy moment on the machine hits both alike.
      for (const sys of systems) {
        await sleep(settle_ms);
        const leader = await sys.waitLeader();
        const follower = sys.members().find((m) => m.name !== leader)?.name;
        const through = via === "leader" ? leader : via === "follower" ? follower : undefined;
        const { result: r, cpu_cores } = await withCpu(sys, () =>
          closedLoop(sys, http, { clients, duration_ms: o.seconds * 1000, writes_max: o.level_writes_max, key_prefix: `bench/c${clients}${via}`, value, ...(through !== undefined ? { through } : {}) }),
        );
        by[sys.name] = r;
        emit({ bench: "kv-put", system: sys.name, via, ...r, value_bytes, leader, cpu_cores, ...cpuPerWrite(cpu_cores, r.writes_per_s) });
      }
      const a = by.orch;
      const b = by.etcd;
      if (a !== undefined && b !== undefined) {
        emit({ bench: "kv-put-ratio", clients, via, orch_over_etcd_writes_per_s: round(a.writes_per_s / b.writes_per_s), orch_over_etcd_p50: round(a.p50_ms / b.p50_ms), orch_over_etcd_p99: round(a.p99_ms / b.p99_ms) });
      }
    }
  }
}

async function failovers(o: Options, systems: KvSystem[], http: LoopbackClient, value: Buffer): Promise<void> {
  const times = new Map<string, number[]>();
  for (let run = 1; run <= o.failover_runs; run++) {
    for (const sys of systems) {
      const r = await failoverRun(sys, http, { ...failover, value, key_prefix: `failover/${run}` });
      emit({ bench: "failover", system: sys.name, run, ...r });
      if (r.failover_ms !== undefined) times.set(sys.name, [...(times.get(sys.name) ?? []), r.failover_ms]);
      await sys.restart(r.killed);
      await sleep(settle_ms);
    }
  }
  for (const sys of systems) {
    const t = (times.get(sys.name) ?? []).sort((x, y) => x - y);
    emit({ bench: "failover-summary", system: sys.name, runs: o.failover_runs, recovered: t.length, p50_ms: percentile(t, 50), min_ms: t[0], max_ms: t[t.length - 1], all_ms: t });
  }
}

/**
 * One write through each system's own command-line client (`orch kv put`, `etcdctl put`), started
 * in the same turn as the SIGKILL of the leader, the killed leader first in its address list on odd
 * runs and last on even ones; timed from the kill to the client's exit, then checked against the
 * state once a leader is back.
 */
async function failoverClients(o: Options, systems: KvSystem[]): Promise<void> {
  if (o.failover_client_runs === 0) return;
  const startup_ms = new Map<string, number>();
  for (const sys of systems) startup_ms.set(sys.name, await clientStartupMs(sys.cliVersion(), client_startup_reps));
  const results = new Map<string, FailoverClientResult[]>();
  for (let run = 1; run <= o.failover_client_runs; run++) {
    for (const sys of systems) {
      const r = await failoverClientRun(sys, run, run % 2 === 1 ? "first" : "last");
      emit({ bench: "failover-client", system: sys.name, run, ...r });
      results.set(sys.name, [...(results.get(sys.name) ?? []), r]);
      await sys.restart(r.killed);
      await sleep(settle_ms);
    }
  }
  for (const sys of systems) {
    const all = results.get(sys.name) ?? [];
    const startup = startup_ms.get(sys.name) ?? NaN;
    emitFailoverClientSummary(sys.name, "any", all, startup);
    for (const at of ["first", "last"] as const) emitFailoverClientSummary(sys.name, at, all.filter((r) => r.killed_at === at), startup);
  }
}

/** Bounded key space (writes overwrite keys mod key_space) so state stays small while snapshots come and go. */
async function memoryRun(o: Options, http: LoopbackClient, value: Buffer): Promise<void> {
  const orch = await OrchCluster.start();
  const sample = (writes_done: number, t0: number, phase: string): void => {
    const rss_mib: Record<string, number | undefined> = {};
    for (const m of orch.members()) rss_mib[m.name] = m.pid === undefined ? undefined : rssMiB(m.pid);
    emit({ bench: "memory", system: "orch", phase, writes_done, elapsed_s: round((performance.now() - t0) / 1000, 1), rss_mib });
  };
  try {
    const t0 = performance.now();
    sample(0, t0, "start");
    let done = 0;
    const timer = setInterval(() => sample(done, t0, "writing"), memory.sample_every_ms);
    let r: ClosedLoopResult;
    try {
      r = await closedLoop(orch, http, {
        clients: memory.clients,
        duration_ms: memory.seconds_max * 1000,
        writes_max: o.memory_writes,
        key_prefix: "mem",
        keyOf: (n) => `mem/${n % memory.key_space}`,
        value,
        onProgress: (d) => (done = d),
      });
    } finally {
      clearInterval(timer);
    }
    sample(r.writes, t0, "end");
    await sleep(memory.after_idle_ms);
    sample(r.writes, t0, "idle");
    const snapshots = await orch.countLogLines(/snapshot taken/);
    emit({ bench: "memory-summary", system: "orch", writes: r.writes, errors: r.errors, key_space: memory.key_space, writes_per_s: r.writes_per_s, p50_ms: r.p50_ms, p99_ms: r.p99_ms, snapshots_logged: snapshots, error_sample: r.error_sample });
    emit({ bench: "logs", system: "orch", phase: "memory", ...(await orch.logDigest()) });
    if (o.keep_logs !== undefined) await orch.saveLogs(`${o.keep_logs}/memory`);
  } finally {
    await orch.destroy();
  }
}

runBench("kv-vs-etcd", async (http) => {
  const o = parseOptions(process.argv.slice(2));
  const value = randomBytes(value_bytes);
  if (o.clients.length > 0 || o.failover_runs > 0 || o.failover_client_runs > 0) {
    const orch = await OrchCluster.start();
    const etcd = await EtcdCluster.start(http);
    const systems: KvSystem[] = [orch, etcd];
    emit({ bench: "setup", policy: "client i writes through member i mod 3 (leader and followers alike)", value_bytes, seconds: o.seconds, clients: o.clients, http: "node:http keep-alive Agent, one for both systems" });
    await throughput(o, systems, http, value);
    await failovers(o, systems, http, value);
    await failoverClients(o, systems);
    for (const sys of systems) {
      emit({ bench: "logs", system: sys.name, ...(await sys.logDigest()) });
      if (o.keep_logs !== undefined) await sys.saveLogs(o.keep_logs);
    }
    await etcd.destroy();
    await orch.destroy();
  }
  if (o.memory_writes > 0) await memoryRun(o, http, value);
});
