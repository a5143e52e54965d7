// Mesos frameworks at scale through the real server: fake nodes, frameworks launching tasks through
// offers (v1 scheduler HTTP API) with every launch committed through Raft; tasks launched per
// second, offer→accept→STAGING latency, and the built-in services' placements/s on the same nodes
// in the same run (JSON lines).
// Usage: npx tsx scripts/bench/offers.ts [--nodes 10000] [--frameworks 10] [--tasks-per-framework 10000]
//        [--tasks-per-offer 10] [--accept-inflight 4] [--subjects frameworks,services] [--servers 1|3]
//        [--seed 1] [--timeout-s 900 (per subject)] [--sample-every 100] [--sample-poll-ms 20]
//        [--server binary|tsx|PATH] [--cpu-prof DIR] [--keep-logs DIR] [--log-level info]
//
// No agent runs: launched tasks stay STAGING. Each subject gets a fresh server (or three) with the
// same seeded nodes. Frameworks: each subscribes with its own role, packs up to --tasks-per-offer
// tasks of its one shape into each offer it gets, ACCEPTs with --accept-inflight calls in flight,
// declines what it cannot use and suppresses once every task is in an ACCEPT. Services: one service per
// framework, the same task shape and count, through POST /v1/services.
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { RegisterRequest } from "../../internal/api/agent.js";
import { SeededRng } from "../../internal/scheduler/rng.js";
import { destroyAgents, poll_agent, postOk, request, retried, sleep } from "./lib/bench-http.js";
import { cleanupAll, installCleanupHandlers, trackDir } from "./lib/cleanup.js";
import { isExecutableFile } from "./lib/executable.js";
import { makeNodes, pick, registerNodes, startServers, stopServers, waitLeader, type ServerOptions, type ServerProc } from "./lib/fake-cluster.js";
import { copyLogs, digestLogs } from "./lib/logs.js";
import { procStatusMiB, RssSampler } from "./lib/memory.js";
import { BenchFramework, type TaskShape } from "./lib/offers-framework.js";
import { ensureOrchBinary } from "./lib/orch.js";
import { wholeFlag } from "./lib/run.js";
import { cpuSeconds, emit, percentile, round } from "./lib/stats.js";

const MiB = 1024 ** 2;
const nodes_max = 100_000;
const frameworks_max = 100;
/** One service per framework holds its tasks, and a service holds at most 10,000 (service-validate's count_max). */
const tasks_per_framework_max = 10_000;
/** An ACCEPT launches at most 1,000 tasks (framework-host's launches_per_accept_max). */
const tasks_per_offer_max = 1_000;
const accept_inflight_max = 256;
const timeout_s_max = 3_600;
const progress_ms = 5_000;
const services_poll_ms = 100;
const image = "busybox:latest";
const subjects_all = ["frameworks", "services"] as const;
type Subject = (typeof subjects_all)[number];
/** The issue's targets. */
const target_launches_per_s = 5_000;
const target_ratio_to_services = 0.5;
const target_offer_to_staging_ms_p50 = 100;

interface Options extends ServerOptions {
  nodes: number;
  frameworks: number;
  tasks_per_framework: number;
  tasks_per_offer: number;
  accept_inflight: number;
  subjects: Subject[];
  seed: number;
  timeout_s: number;
  sample_every: number;
  sample_poll_ms: number;
  keep_logs: string | undefined;
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: "string", default: "10000" },
      frameworks: { type: "string", default: "10" },
      "tasks-per-framework": { type: "string", default: "10000" },
      "tasks-per-offer": { type: "string", default: "10" },
      "accept-inflight": { type: "string", default: "4" },
      subjects: { type: "string", default: "frameworks,services" },
      servers: { type: "string", default: "1" },
      seed: { type: "string", default: "1" },
      "timeout-s": { type: "string", default: "900" },
      "sample-every": { type: "string", default: "100" },
      "sample-poll-ms": { type: "string", default: "20" },
      server: { type: "string", default: "binary" },
      "cpu-prof": { type: "string" },
      "keep-logs": { type: "string" },
      "log-level": { type: "string", default: "info" },
    },
  });
  const subjects = values.subjects.split(",").map((s) => s.trim());
  const bad_subject = subjects.find((s) => !(subjects_all as readonly string[]).includes(s));
  if (bad_subject !== undefined || subjects.length === 0 || new Set(subjects).size !== subjects.length) {
    throw new Error(`--subjects ${JSON.stringify(values.subjects)}: give frameworks, services, or both comma-separated in the order to run them`);
  }
  if (values.servers !== "1" && values.servers !== "3") throw new Error(`--servers ${JSON.stringify(values.servers)}: give 1 or 3`);
  const server = values.server;
  if (server !== "binary" && server !== "tsx" && !isExecutableFile(server)) throw new Error(`--server ${JSON.stringify(server)}: give binary, tsx, or the path of an orch executable`);
  if (!["debug", "info", "warn", "error"].includes(values["log-level"])) throw new Error(`--log-level ${JSON.stringify(values["log-level"])}: give debug, info, warn or error`);
  if (values["cpu-prof"] !== undefined && server !== "tsx") throw new Error("--cpu-prof needs --server tsx (the single executable takes no Node flags)");
  return {
    nodes: wholeFlag("nodes", values.nodes, 1, nodes_max),
    frameworks: wholeFlag("frameworks", values.frameworks, 1, frameworks_max),
    tasks_per_framework: wholeFlag("tasks-per-framework", values["tasks-per-framework"], 1, tasks_per_framework_max),
    tasks_per_offer: wholeFlag("tasks-per-offer", values["tasks-per-offer"], 1, tasks_per_offer_max),
    accept_inflight: wholeFlag("accept-inflight", values["accept-inflight"], 1, accept_inflight_max),
    subjects: subjects as Subject[],
    servers: values.servers === "1" ? 1 : 3,
    seed: wholeFlag("seed", values.seed, 0, 2 ** 31 - 1),
    timeout_s: wholeFlag("timeout-s", values["timeout-s"], 10, timeout_s_max),
    sample_every: wholeFlag("sample-every", values["sample-every"], 0, 1_000_000),
    sample_poll_ms: wholeFlag("sample-poll-ms", values["sample-poll-ms"], 1, 10_000),
    server: server === "tsx" ? "tsx" : "binary",
    ...(server !== "binary" && server !== "tsx" ? { binary: path.resolve(server) } : {}),
    cpu_prof: values["cpu-prof"],
    keep_logs: values["keep-logs"],
    log_level: values["log-level"],
  };
}

/** One task shape per framework (and its service), seeded. */
function makeShapes(seed: number, n: number): TaskShape[] {
  const rng = new SeededRng(seed + 1);
  return Array.from({ length: n }, () => ({ cpus: pick(rng, [0.1, 0.25, 0.5, 1]), mem_mib: pick(rng, [64, 128, 256, 512]) }));
}

interface Cluster {
  servers: ServerProc[];
  leader: ServerProc;
  /** Run once the servers are stopped. */
  after: (() => void)[];
}

/** A fresh cluster with every node registered; body runs against it; the cluster is stopped after. */
async function withCluster(o: Options, subject: Subject, nodes: readonly RegisterRequest[], deadline_ms: number, body: (c: Cluster) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `orch-bench-offers-${subject}-`));
  trackDir(dir);
  const servers = await startServers(o, dir);
  const after: (() => void)[] = [];
  try {
    const leader = await waitLeader(servers, deadline_ms);
    const reg_s = await registerNodes(leader.http_port, nodes, deadline_ms);
    emit({ bench: "offers", subject, phase: "register", nodes: nodes.length, seconds: round(reg_s, 2), registrations_per_s: Math.round(nodes.length / reg_s), leader_rss_mib: procStatusMiB(leader.proc.pid!, "VmRSS") });
    await body({ servers, leader, after });
    const logs = await digestLogs(servers.map((s) => s.log), (l) => / (WARN|ERROR) /.test(l));
    emit({ bench: "offers", subject, server_log_lines: logs.lines_total, warn_or_error: logs.warn_or_error, sample: logs.sample });
  } finally {
    if (o.keep_logs !== undefined) await copyLogs(servers.map((s) => s.log), o.keep_logs, subject);
    await stopServers(servers);
    for (const f of after) f();
  }
}

function progress(t0: number, what: () => string): NodeJS.Timeout {
  return setInterval(() => process.stderr.write(`  ${Math.round((performance.now() - t0) / 1000)} s: ${what()}\n`), progress_ms);
}

function ms(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The frameworks subject: its result line's figures. */
async function runFrameworks(o: Options, c: Cluster, shapes: readonly TaskShape[], deadline_ms: number): Promise<Record<string, unknown>> {
  const master = `127.0.0.1:${c.leader.http_port}`;
  const fws = shapes.map((shape, index) => new BenchFramework(master, { index, tasks: o.tasks_per_framework, shape, tasks_per_offer: o.tasks_per_offer, accept_inflight: o.accept_inflight, sample_every: o.sample_every, sample_poll_ms: o.sample_poll_ms, image }));
  const total = o.frameworks * o.tasks_per_framework;
  const rss = new RssSampler([c.leader.proc.pid!]);
  const cpu0 = cpuSeconds(c.leader.proc.pid!) ?? 0;
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const ticker = progress(t0, () => `${fws.reduce((s, f) => s + f.launched_count, 0)}/${total} tasks launched, leader RSS ${procStatusMiB(c.leader.proc.pid!, "VmRSS")} MiB`);
  try {
    await Promise.all(fws.map((f) => f.subscribe()));
    const subscribed_ms = performance.now() - t0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline_ms - Date.now()))));
    await Promise.race([Promise.all(fws.map((f) => f.done)), timeout]);
    clearTimeout(timer);
    const failed = fws.find((f) => f.error !== undefined);
    if (failed !== undefined) throw failed.error!;
    // Past --timeout-s the figures cover what was launched by then (complete: false says so).
    const launched = fws.reduce((s, f) => s + f.launched_count, 0);
    if (launched === 0) throw new Error(`--timeout-s ${o.timeout_s} passed with no task launched`);
    const cpu_s = round((cpuSeconds(c.leader.proc.pid!) ?? 0) - cpu0, 2);
    const client = process.cpuUsage(client0);
    rss.sample();
    rss.stop();
    const first_offers_ms = Math.min(...fws.map((f) => f.first_offers_ms ?? Infinity));
    const last_ms = Math.max(...fws.map((f) => f.last_launch_ms));
    const offer_lat = fws.flatMap((f) => [...f.launched.values()].map((l) => l.offer_ms)).sort((a, b) => a - b);
    const accept_lat = fws.flatMap((f) => [...f.launched.values()].map((l) => l.accept_ms)).sort((a, b) => a - b);
    const samples = fws.flatMap((f) => f.samples);
    const seen = samples.map((s) => s.offer_to_seen_ms).sort((a, b) => a - b);
    const seen_minus_202 = samples.map((s) => s.offer_to_seen_ms - s.offer_to_202_ms).sort((a, b) => a - b);
    const sum = (f: (x: BenchFramework) => number): number => fws.reduce((s, x) => s + f(x), 0);
    const merge = (f: (x: BenchFramework) => Map<string, number>): Record<string, number> => {
      const m: Record<string, number> = {};
      for (const x of fws) for (const [k, v] of f(x)) m[k] = (m[k] ?? 0) + v;
      return m;
    };
    const window_s = (last_ms - first_offers_ms) / 1000;
    return {
      subject: `${o.frameworks} Mesos frameworks (SUBSCRIBE → OFFERS → ACCEPT → plan_apply through Raft)`,
      tasks: total,
      launched,
      complete: launched === total,
      seconds_first_offers_to_last_staging: round(window_s, 2),
      launches_per_s: Math.round(launched / window_s),
      seconds_subscribe_to_last_staging: round((last_ms - t0) / 1000, 2),
      launches_per_s_from_subscribe: Math.round(launched / ((last_ms - t0) / 1000)),
      subscribe_ms: Math.round(subscribed_ms),
      offer_to_staging_ms_p50: ms(percentile(offer_lat, 50)),
      offer_to_staging_ms_p99: ms(percentile(offer_lat, 99)),
      offer_to_staging_ms_max: ms(offer_lat[offer_lat.length - 1]!),
      accept_to_staging_ms_p50: ms(percentile(accept_lat, 50)),
      accept_to_staging_ms_p99: ms(percentile(accept_lat, 99)),
      staging_measured_by: "the ACCEPT's 202 (sent once the plan_apply is applied on the leader); sampled accepts also polled through GET /v1/tasks?node=&stale",
      sampled_accepts: samples.length,
      sample_polls: sum((f) => f.sample_polls),
      sampled_offer_to_seen_by_poll_ms_p50: samples.length > 0 ? ms(percentile(seen, 50)) : null,
      sampled_seen_by_poll_minus_202_ms_p50: samples.length > 0 ? ms(percentile(seen_minus_202, 50)) : null,
      sampled_seen_by_poll_minus_202_ms_min: samples.length > 0 ? ms(seen_minus_202[0]!) : null,
      offer_events: sum((f) => f.offer_events),
      offers_received: sum((f) => f.offers_received),
      offers_declined: sum((f) => f.offers_declined),
      launches_lost: merge((f) => f.failures),
      accept_errors: merge((f) => f.accept_errors),
      leader_cpu_seconds: cpu_s,
      launches_per_leader_cpu_s: Math.round(launched / cpu_s),
      bench_process_cpu_seconds: round((client.user + client.system) / 1e6, 2),
      leader_rss_mib_peak_sampled: rss.peak_mib.get(c.leader.proc.pid!),
      load_avg_1m_end: round(os.loadavg()[0]!, 2),
    };
  } finally {
    clearInterval(ticker);
    rss.stop();
    // Streams stay open until the servers stop: a closed stream with failover_timeout 0 would kill every task first.
    c.after.push(() => fws.forEach((f) => f.close()));
  }
}

interface ServiceListing {
  services: { spec: { name: string; count: number }; tasks_active: number; pending_reason: string }[];
}

/** The built-in path: one service per framework, same shape and count, through POST /v1/services. */
async function runServices(o: Options, c: Cluster, shapes: readonly TaskShape[], deadline_ms: number): Promise<Record<string, unknown>> {
  const port = c.leader.http_port;
  const total = o.frameworks * o.tasks_per_framework;
  const specs = shapes.map((s, i) => ({ name: `bench-svc-${String(i).padStart(3, "0")}`, image, cpus: s.cpus, memory_bytes: s.mem_mib * MiB, count: o.tasks_per_framework }));
  await request(port, "GET", "/v1/status", undefined, poll_agent);
  await Promise.all(specs.map(() => request(port, "GET", "/v1/status")));
  const rss = new RssSampler([c.leader.proc.pid!]);
  const cpu0 = cpuSeconds(c.leader.proc.pid!) ?? 0;
  const t0 = performance.now();
  let placed = 0;
  let pending_reason = "";
  const ticker = progress(t0, () => `${placed}/${total} tasks placed, leader RSS ${procStatusMiB(c.leader.proc.pid!, "VmRSS")} MiB`);
  let submit_error: unknown;
  const submitting = Promise.all(specs.map((s) => postOk(port, "/v1/services", s, `submitting ${s.name}`))).catch((err: unknown) => (submit_error = err));
  try {
    let polls = 0;
    let last_ms = 0;
    while (placed < total) {
      if (submit_error !== undefined) throw submit_error;
      if (Date.now() > deadline_ms) throw new Error(`--timeout-s ${o.timeout_s} passed with ${placed} of ${total} tasks placed${pending_reason !== "" ? ` (a service waits: ${pending_reason})` : ""}`);
      await sleep(services_poll_ms);
      const r = await request(port, "GET", "/v1/services?stale", undefined, poll_agent).catch(() => undefined);
      if (r?.status !== 200) continue;
      polls++;
      last_ms = performance.now();
      const list = JSON.parse(r.text) as ServiceListing;
      placed = 0;
      for (const svc of list.services) {
        placed += Math.min(svc.tasks_active, svc.spec.count);
        if (svc.pending_reason !== "") pending_reason = svc.pending_reason;
      }
    }
    await submitting;
    const cpu_s = round((cpuSeconds(c.leader.proc.pid!) ?? 0) - cpu0, 2);
    rss.sample();
    return {
      subject: `built-in services (${o.frameworks} services × ${o.tasks_per_framework}: POST /v1/services → place() → plan_apply through Raft)`,
      tasks: total,
      seconds_first_submit_to_last_placed: round((last_ms - t0) / 1000, 2),
      placements_per_s: Math.round(total / ((last_ms - t0) / 1000)),
      latency_resolution_ms: services_poll_ms,
      polls,
      retried_posts: Object.fromEntries(retried),
      leader_cpu_seconds: cpu_s,
      placements_per_leader_cpu_s: Math.round(total / cpu_s),
      leader_rss_mib_peak_sampled: rss.peak_mib.get(c.leader.proc.pid!),
      load_avg_1m_end: round(os.loadavg()[0]!, 2),
    };
  } finally {
    clearInterval(ticker);
    rss.stop();
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  installCleanupHandlers();
  const nodes = makeNodes(new SeededRng(o.seed), o.nodes);
  const shapes = makeShapes(o.seed, o.frameworks);
  emit({
    bench: "offers",
    note: "no agent runs: tasks are committed through Raft as STAGING and never started; each subject gets a fresh server with the same seeded nodes",
    nodes: o.nodes,
    frameworks: o.frameworks,
    tasks_per_framework: o.tasks_per_framework,
    tasks_per_offer: o.tasks_per_offer,
    accept_inflight: o.accept_inflight,
    shapes,
    subjects: o.subjects,
    servers: o.servers,
    server: o.binary ?? o.server,
    seed: o.seed,
    cpus: os.cpus().length,
    load_avg_1m: round(os.loadavg()[0]!, 2),
  });
  if (o.server === "binary" && o.binary === undefined) ensureOrchBinary();
  const results: Partial<Record<Subject, Record<string, unknown>>> = {};
  for (const subject of o.subjects) {
    const deadline_ms = Date.now() + o.timeout_s * 1000;
    await withCluster(o, subject, nodes, deadline_ms, async (c) => {
      const r = subject === "frameworks" ? await runFrameworks(o, c, shapes, deadline_ms) : await runServices(o, c, shapes, deadline_ms);
      results[subject] = r;
      emit({ bench: "offers", ...r });
    });
  }
  const fw = results.frameworks;
  const svc = results.services;
  if (fw !== undefined) {
    const launches = fw["launches_per_s"] as number;
    const p50 = fw["offer_to_staging_ms_p50"] as number;
    const placements = svc?.["placements_per_s"] as number | undefined;
    emit({
      bench: "offers-summary",
      launches_per_s: launches,
      offer_to_staging_ms_p50: p50,
      offer_to_staging_ms_p99: fw["offer_to_staging_ms_p99"],
      services_placements_per_s: placements ?? null,
      launches_over_services: placements !== undefined ? round(launches / placements, 3) : null,
      target_launches_per_s_met: launches >= target_launches_per_s,
      target_half_of_services_met: placements !== undefined ? launches >= target_ratio_to_services * placements : null,
      target_p50_met: p50 < target_offer_to_staging_ms_p50,
      targets: `launches/s >= ${target_launches_per_s}, >= ${target_ratio_to_services} × services' placements/s, offer→STAGING p50 < ${target_offer_to_staging_ms_p50} ms`,
    });
  }
}

main()
  .catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    emit({ bench: "offers", error: message });
    process.stderr.write(`offers: ${message}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    destroyAgents();
    await cleanupAll();
  });
