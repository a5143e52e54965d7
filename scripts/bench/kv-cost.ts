// Where a replicated write's CPU goes, orch beside etcd 3.4 in the same run (JSON lines): the same
// closed-loop writers against a bare node:http server (the floor of any Node HTTP API: no Raft, no
// disk), one orch server and one etcd member (no replication), then three of each.
// Usage: npx tsx scripts/bench/kv-cost.ts [--seconds N] [--clients N]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { BareHttp } from "./lib/bare-http.js";
import { EtcdCluster } from "./lib/etcd.js";
import { LoopbackClient } from "./lib/http.js";
import { closedLoop, cpuPerWrite, jit_warmup, withCpu, type ClosedLoopResult } from "./lib/load.js";
import { OrchCluster } from "./lib/orch.js";
import { runBench, wholeFlag } from "./lib/run.js";
import { emit, round } from "./lib/stats.js";
import type { LoadTarget } from "./lib/system.js";

const seconds_max = 300;
const clients_max = 256;
const value_bytes = 1024;
const writes_max = 500_000;

function parseOptions(argv: string[]): { seconds: number; clients: number } {
  const { values } = parseArgs({ args: argv, options: { seconds: { type: "string", default: "10" }, clients: { type: "string", default: "64" } } });
  return { seconds: wholeFlag("seconds", values.seconds, 1, seconds_max), clients: wholeFlag("clients", values.clients, 1, clients_max) };
}

interface Measured {
  r: ClosedLoopResult;
  server_cpu_us_per_write: number;
}

async function measure(system: string, members: number, target: LoadTarget & { destroy(): Promise<void> }, o: { seconds: number; clients: number }, http: LoopbackClient, value: Buffer): Promise<Measured> {
  try {
    await closedLoop(target, http, { clients: o.clients, ...jit_warmup, key_prefix: "warmup", value });
    const { result: r, cpu_cores } = await withCpu(target, () => closedLoop(target, http, { clients: o.clients, duration_ms: o.seconds * 1000, writes_max, key_prefix: "cost", value }));
    const per = cpuPerWrite(cpu_cores, r.writes_per_s);
    emit({ bench: "kv-cost", system, members, ...r, value_bytes, cpu_cores, ...per });
    return { r, server_cpu_us_per_write: per.server_cpu_us_per_write };
  } finally {
    await target.destroy();
  }
}

runBench("kv-cost", async (http) => {
  const o = parseOptions(process.argv.slice(2));
  const value = randomBytes(value_bytes);
  emit({ bench: "setup", clients: o.clients, seconds: o.seconds, value_bytes, note: "server_cpu_us_per_write: CPU of all members together per answered write" });
  await measure("node:http", 1, await BareHttp.start(), o, http, value);
  for (const members of [1, 3]) {
    const orch = await measure("orch", members, await OrchCluster.start(members), o, http, value);
    const etcd = await measure("etcd", members, await EtcdCluster.start(http, members), o, http, value);
    emit({
      bench: "kv-cost-ratio",
      members,
      orch_over_etcd_writes_per_s: round(orch.r.writes_per_s / etcd.r.writes_per_s),
      orch_over_etcd_cpu_per_write: round(orch.server_cpu_us_per_write / etcd.server_cpu_us_per_write),
    });
  }
});
