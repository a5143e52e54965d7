// orch's scheduler at scale through the real server: fake nodes, services of mixed sizes, placements
// committed through Raft; placements/s, submit→placed latency, server memory (JSON lines).
// Usage: npx tsx scripts/bench/placement.ts [--nodes 10000] [--services 1000] [--tasks-per-service 100]
//        [--servers 1|3] [--seed 1] [--timeout-s 900] [--poll-ms 250] [--server tsx | --server PATH] [--cpu-prof DIR] [--keep-logs DIR]
//        [--submit-inflight 128] [--log-level debug]
//
// No agent runs: every task stays placed-but-not-started (STAGING). What is measured is the
// leader's loop (frameworks → place() → checkPlan → plan_apply through Raft), not container starts.
// --server PATH runs another orch executable (an older build: scripts/bench/placement-ab.ts).
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { RegisterRequest } from "../../internal/api/agent.js";
import { CommandType, type Command } from "../../internal/fsm/commands.js";
import type { ServiceSpec } from "../../internal/fsm/services.js";
import { StateMachine } from "../../internal/fsm/state.js";
import { decodeEnvelope, encodeEnvelope } from "../../internal/raftnode/envelope.js";
import { plan_tasks_per_command_max } from "../../internal/server/leader/plan-applier.js";
import { pendingTask } from "../../internal/server/cluster/view.js";
import { place } from "../../internal/scheduler/place.js";
import { intn, SeededRng } from "../../internal/scheduler/rng.js";
import type { NodeView, Placement, Rng } from "../../internal/scheduler/types.js";
import { destroyAgents, poll_agent, pool, request, retried, retries_max, sleep, postOk } from "./lib/bench-http.js";
import { cleanupAll, installCleanupHandlers, onCleanup, trackDir } from "./lib/cleanup.js";
import { isExecutableFile } from "./lib/executable.js";
import { makeNodes, pick, registerNodes, startServers, stopServers, waitLeader } from "./lib/fake-cluster.js";
import { procStatusMiB, RssSampler } from "./lib/memory.js";
import { copyLogs, digestLogs } from "./lib/logs.js";
import { ensureOrchBinary } from "./lib/orch.js";
import { cpuSeconds, emit, percentile, round } from "./lib/stats.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const nodes_max = 100_000;
const services_max = 10_000;
const tasks_per_service_max = 10_000;
const tasks_total_max = 1_000_000;
const timeout_s_max = 3_600;
const submit_inflight_default = 128;
const submit_inflight_max = 512;
const nomad_quoted_placements_per_s = 3_750;
/** Every service accepted, some waiting for room, and nothing placed for this long: the cluster is full. */
const stalled_ms = 20_000;

interface Options {
  nodes: number;
  services: number;
  tasks_per_service: number;
  servers: 1 | 3;
  seed: number;
  timeout_s: number;
  poll_ms: number;
  /** "binary": dist/orch or `binary`; "tsx": the sources through tsx (needed for --cpu-prof). */
  server: "binary" | "tsx";
  /** --server PATH: this orch executable instead of dist/orch. */
  binary: string | undefined;
  cpu_prof: string | undefined;
  keep_logs: string | undefined;
  /** The servers' --log-level (debug logs one line per committed plan). */
  log_level: string;
  /** Service submissions in flight at once (each answers once its service_put is committed). */
  submit_inflight: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: "string", default: "10000" },
      services: { type: "string", default: "1000" },
      "tasks-per-service": { type: "string", default: "100" },
      servers: { type: "string", default: "1" },
      seed: { type: "string", default: "1" },
      "timeout-s": { type: "string", default: "900" },
      "poll-ms": { type: "string", default: "250" },
      server: { type: "string", default: "binary" },
      "cpu-prof": { type: "string" },
      "keep-logs": { type: "string" },
      "log-level": { type: "string", default: "info" },
      "submit-inflight": { type: "string", default: String(submit_inflight_default) },
    },
  });
  const executable = (flag: string, p: string): string => {
    if (!isExecutableFile(p)) throw new Error(`--${flag} ${JSON.stringify(p)}: give binary, tsx, or the path of an orch executable`);
    return path.resolve(p);
  };
  const whole = (flag: string, raw: string, min: number, max: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${flag} ${JSON.stringify(raw)}: give a whole number from ${min} to ${max}`);
    return n;
  };
  const o: Options = {
    nodes: whole("nodes", values.nodes, 1, nodes_max),
    services: whole("services", values.services, 1, services_max),
    tasks_per_service: whole("tasks-per-service", values["tasks-per-service"], 1, tasks_per_service_max),
    servers: whole("servers", values.servers, 1, 3) === 1 ? 1 : 3,
    seed: whole("seed", values.seed, 0, 2 ** 31 - 1),
    timeout_s: whole("timeout-s", values["timeout-s"], 10, timeout_s_max),
    poll_ms: whole("poll-ms", values["poll-ms"], 10, 10_000),
    server: values.server === "tsx" ? "tsx" : "binary",
    binary: values.server === "tsx" || values.server === "binary" ? undefined : executable("server", values.server),
    cpu_prof: values["cpu-prof"],
    keep_logs: values["keep-logs"],
    log_level: values["log-level"],
    submit_inflight: whole("submit-inflight", values["submit-inflight"], 1, submit_inflight_max),
  };
  if (values.servers !== "1" && values.servers !== "3") throw new Error(`--servers ${values.servers}: give 1 or 3`);
  if (!["debug", "info", "warn", "error"].includes(o.log_level)) throw new Error(`--log-level ${o.log_level}: give debug, info, warn or error`);
  if (o.cpu_prof !== undefined && o.server !== "tsx") throw new Error("--cpu-prof needs --server tsx (the single executable takes no Node flags)");
  if (o.services * o.tasks_per_service > tasks_total_max) throw new Error(`${o.services} × ${o.tasks_per_service} tasks is more than ${tasks_total_max}`);
  return o;
}


// ---- workload (seeded: the same seed gives the same nodes and services)

const constraint_mix: readonly (readonly string[])[] = [
  ...Array<string[]>(12).fill([]),
  ["os==linux"],
  ["os==linux"],
  ["os==linux"],
  ["zone==z1"],
  ["zone==z2"],
  ["ssd==true"],
  ["arch==arm64"],
  ["rack=~r1[0-9]"],
];

function makeServices(rng: Rng, n: number, count: number): ServiceSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `bench-svc-${String(i).padStart(5, "0")}`,
    kind: "service",
    image: "busybox:latest",
    cpus: pick(rng, [0.1, 0.25, 0.5, 1, 2]),
    memory_bytes: pick(rng, [64 * MiB, 256 * MiB, 512 * MiB, GiB, 2 * GiB, 4 * GiB]),
    disk_bytes: 0,
    count,
    ports: [],
    host_ip: "0.0.0.0",
    constraints: [...pick(rng, constraint_mix)],
    restart: "always",
    retries_max: 3,
    role: "default",
    grace_ms: 10_000,
    strategy: intn(rng, 5) === 0 ? "spread" : "binpack",
  }));
}

/** The POST /v1/services body: only the fields a user would give. */
function submitBody(s: ServiceSpec): Record<string, unknown> {
  return { name: s.name, image: s.image, cpus: s.cpus, memory_bytes: s.memory_bytes, count: s.count, constraints: s.constraints, strategy: s.strategy };
}

// ---- the anchor: place() alone, in this process, over the same nodes and tasks

function inProcessPlace(nodes: RegisterRequest[], services: ServiceSpec[]): { line: Record<string, unknown>; placements: Placement[] } {
  const view: NodeView[] = nodes.map((n) => ({
    node_id: n.node_id,
    name: n.name,
    ready: true,
    total: n.resources,
    used: { cpus: 0, memory_bytes: 0, disk_bytes: 0 },
    attributes: n.attributes,
    ports_used: [],
    groups: {},
  }));
  const line: Record<string, unknown> = { bench: "placement", subject: "place() in process (no HTTP, no Raft)", nodes: nodes.length };
  const placements: Placement[] = [];
  let ms_total = 0;
  for (const strategy of ["binpack", "spread"] as const) {
    const pending = services.filter((s) => s.strategy === strategy).flatMap((s) => Array.from({ length: s.count }, (_, i) => pendingTask(`${s.name}.${i + 1}`, s)));
    const t0 = performance.now();
    const r = place(view, pending, { strategy, rng: new SeededRng(1) });
    const ms = performance.now() - t0;
    line[`${strategy}_tasks`] = pending.length;
    line[`${strategy}_ms`] = Math.round(ms);
    placements.push(...r.placements);
    ms_total += ms;
  }
  line["placed"] = placements.length;
  line["placements_per_s"] = Math.round(placements.length / (ms_total / 1000));
  return { line, placements };
}

/**
 * The state the servers end with, built in process from the same placements: how long the
 * replicated state machine takes to apply it, and to snapshot and restore it. Servers snapshot
 * every 10,000 Raft entries; this run stays under that once tasks exist, so the cost is shown here.
 */
function inProcessState(nodes: RegisterRequest[], services: ServiceSpec[], placements: readonly Placement[]): Record<string, unknown> {
  const fsm = new StateMachine();
  let index = 0;
  const apply = (cmd: Command): void => {
    fsm.apply(++index, { rid: `bench-${index}`, at_ms: 1_000_000 + index, cmd });
  };
  for (const n of nodes) apply({ type: CommandType.node_register, ...n });
  for (const s of services) apply({ type: CommandType.service_put, spec: s });
  const t0 = performance.now();
  for (let i = 0; i < placements.length; i += plan_tasks_per_command_max) {
    const tasks = placements.slice(i, i + plan_tasks_per_command_max).map((p) => {
      const service = p.task_id.slice(0, p.task_id.lastIndexOf("."));
      const s = fsm.services.get(service)!;
      return { task_id: p.task_id, service, version: s.version, node_id: p.node_id, spec: { task_id: p.task_id, image: s.spec.image, cpus: s.spec.cpus, memory_bytes: s.spec.memory_bytes, labels: { service } } };
    });
    // Through the log's encoding, as a server applies a committed plan.
    apply(decodeEnvelope(encodeEnvelope({ rid: "plan", at_ms: 0, cmd: { type: CommandType.plan_apply, tasks, stops: [], services: [] } })).cmd);
  }
  const t1 = performance.now();
  const snap = fsm.snapshot();
  const t2 = performance.now();
  new StateMachine().restore(snap, index);
  const t3 = performance.now();
  return {
    bench: "placement",
    subject: "state machine in process (same nodes and placements)",
    tasks: fsm.tasks.size,
    plan_apply_ms: Math.round(t1 - t0),
    snapshot_ms: Math.round(t2 - t1),
    snapshot_bytes: snap.length,
    restore_ms: Math.round(t3 - t2),
  };
}

/**
 * Submits one service. A 504 means the commit outlasted the server's wait and may still happen;
 * submitting again would replace the service's tasks, so look for it first and resubmit only if absent.
 */
async function submitService(port: number, spec: ServiceSpec): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await postOk(port, "/v1/services", submitBody(spec), `submitting ${spec.name}`);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes("HTTP 504") || attempt >= retries_max) throw err;
      retried.set("504 timeout", (retried.get("504 timeout") ?? 0) + 1);
      await sleep(1_000);
      const r = await request(port, "GET", `/v1/services/${spec.name}?stale`);
      if (r.status === 200) return;
    }
  }
}

// ---- the run

interface ServiceListing {
  services: { spec: { name: string; count: number }; tasks_active: number; pending_reason: string }[];
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  installCleanupHandlers();
  const deadline_ms = Date.now() + o.timeout_s * 1000;
  const rng = new SeededRng(o.seed);
  const nodes = makeNodes(rng, o.nodes);
  const services = makeServices(rng, o.services, o.tasks_per_service);
  const tasks_total = o.services * o.tasks_per_service;
  emit({
    bench: "placement",
    note: "no agent runs: tasks are placed and committed through Raft but never started (they stay STAGING); figures measure the leader's scheduling loop, not container starts",
    nodes: o.nodes,
    services: o.services,
    tasks_per_service: o.tasks_per_service,
    tasks_total,
    servers: o.servers,
    server: o.binary ?? o.server,
    submit_inflight: o.submit_inflight,
    seed: o.seed,
    cpus: os.cpus().length,
    load_avg_1m: round(os.loadavg()[0]!, 2),
  });

  // The anchor first, while the machine is quiet.
  const anchor = inProcessPlace(nodes, services);
  emit(anchor.line);
  emit(inProcessState(nodes, services, anchor.placements));

  if (o.server === "binary" && o.binary === undefined) ensureOrchBinary();
  const dir = await mkdtemp(path.join(os.tmpdir(), "orch-bench-placement-"));
  trackDir(dir);
  const servers = await startServers(o, dir);
  onCleanup(async () => {
    if (o.keep_logs !== undefined) await copyLogs(servers.map((s) => s.log), o.keep_logs, "placement");
    await stopServers(servers);
  });
  const leader = await waitLeader(servers, deadline_ms);
  const rss = new RssSampler(servers.map((s) => s.proc.pid!));
  const leader_pid = leader.proc.pid!;

  // 1. Nodes.
  const reg_s = await registerNodes(leader.http_port, nodes, deadline_ms);
  emit({ bench: "placement", phase: "register", nodes: o.nodes, seconds: round(reg_s, 2), registrations_per_s: Math.round(o.nodes / reg_s), leader_rss_mib: procStatusMiB(leader_pid, "VmRSS") });

  // 2. Services, as fast as the API takes them, while a poller watches tasks get placed.
  await Promise.all(Array.from({ length: o.submit_inflight }, () => request(leader.http_port, "GET", "/v1/status")));
  await request(leader.http_port, "GET", "/v1/status", undefined, poll_agent);
  const submitted_at = new Map<string, number>();
  const accepted_at = new Map<string, number>();
  const placed_at = new Map<string, number>();
  const t0 = performance.now();
  const cpu0 = servers.map((s) => cpuSeconds(s.proc.pid!) ?? 0);
  let submit_done_ms = 0;
  const submitting = pool(services, o.submit_inflight, deadline_ms, async (s) => {
    submitted_at.set(s.name, performance.now());
    await submitService(leader.http_port, s);
    accepted_at.set(s.name, performance.now());
  }).then(() => {
    submit_done_ms = performance.now() - t0;
  });
  let submit_error: unknown;
  submitting.catch((err: unknown) => (submit_error = err));

  let polls = 0;
  let poll_ms_total = 0;
  let poll_ms_max = 0;
  let last_progress = 0;
  let placed_now = 0;
  let pending_reason = "";
  let progress_at = performance.now();
  let placed_before = -1;
  while (placed_at.size < o.services) {
    if (submit_error !== undefined) throw submit_error;
    if (Date.now() > deadline_ms) {
      throw new Error(`--timeout-s ${o.timeout_s} passed with ${placed_now} of ${tasks_total} tasks placed${pending_reason !== "" ? ` (a service waits: ${pending_reason})` : ""}`);
    }
    await sleep(o.poll_ms);
    const poll_t0 = performance.now();
    const r = await request(leader.http_port, "GET", "/v1/services?stale", undefined, poll_agent).catch(() => undefined);
    if (r?.status !== 200) continue;
    const now = performance.now();
    polls++;
    poll_ms_total += now - poll_t0;
    poll_ms_max = Math.max(poll_ms_max, now - poll_t0);
    const list = JSON.parse(r.text) as ServiceListing;
    placed_now = 0;
    pending_reason = "";
    for (const svc of list.services) {
      placed_now += Math.min(svc.tasks_active, svc.spec.count);
      if (svc.pending_reason !== "") pending_reason = svc.pending_reason;
      if (svc.tasks_active >= svc.spec.count && !placed_at.has(svc.spec.name) && submitted_at.has(svc.spec.name)) placed_at.set(svc.spec.name, now);
    }
    if (placed_now !== placed_before) {
      placed_before = placed_now;
      progress_at = now;
    } else if (accepted_at.size === o.services && pending_reason !== "" && now - progress_at > stalled_ms) {
      throw new Error(`nothing placed for ${stalled_ms / 1000} s with ${placed_now} of ${tasks_total} tasks placed: ${pending_reason}`);
    }
    if (now - last_progress > 5_000) {
      last_progress = now;
      process.stderr.write(`  ${Math.round((now - t0) / 1000)} s: ${accepted_at.size}/${o.services} services accepted, ${placed_now}/${tasks_total} tasks placed, leader RSS ${procStatusMiB(leader_pid, "VmRSS")} MiB\n`);
    }
  }
  await submitting;
  const last_placed_ms = Math.max(...placed_at.values()) - t0;
  const cpu_s = servers.map((s, i) => round((cpuSeconds(s.proc.pid!) ?? 0) - cpu0[i]!, 2));
  rss.sample();
  rss.stop();

  const latencies = services.map((s) => placed_at.get(s.name)! - submitted_at.get(s.name)!).sort((a, b) => a - b);
  const accepts = services.map((s) => accepted_at.get(s.name)! - submitted_at.get(s.name)!).sort((a, b) => a - b);
  const memory = servers.map((s) => ({
    server: s.name,
    leader: s === leader,
    rss_mib_end: procStatusMiB(s.proc.pid!, "VmRSS"),
    rss_mib_peak_sampled: rss.peak_mib.get(s.proc.pid!),
    rss_mib_peak_kernel: procStatusMiB(s.proc.pid!, "VmHWM"),
  }));
  emit({
    bench: "placement",
    subject: `orch server${o.servers === 3 ? " ×3" : ""} (HTTP submit → place() → plan_apply through Raft)`,
    nodes: o.nodes,
    tasks: tasks_total,
    seconds_first_submit_to_last_placed: round(last_placed_ms / 1000, 2),
    placements_per_s: Math.round(tasks_total / (last_placed_ms / 1000)),
    submit_seconds: round(submit_done_ms / 1000, 2),
    submit_accept_ms_p50: Math.round(percentile(accepts, 50)),
    submit_accept_ms_p99: Math.round(percentile(accepts, 99)),
    service_submit_to_placed_ms_p50: Math.round(percentile(latencies, 50)),
    service_submit_to_placed_ms_p99: Math.round(percentile(latencies, 99)),
    latency_resolution_ms: o.poll_ms,
    // The poller's own load on the leader: each poll lists every service with its task counts.
    polls,
    poll_ms_mean: Math.round(poll_ms_total / Math.max(1, polls)),
    poll_ms_max: Math.round(poll_ms_max),
    retried_posts: Object.fromEntries(retried),
    // CPU the servers used from first submit to the poll that saw the last task placed (polls included):
    // steadier than wall time when other work shares the cores.
    leader_cpu_seconds: cpu_s[servers.indexOf(leader)],
    placements_per_leader_cpu_s: Math.round(tasks_total / cpu_s[servers.indexOf(leader)]!),
    ...(servers.length > 1 ? { follower_cpu_seconds: cpu_s.filter((_, i) => servers[i] !== leader) } : {}),
    load_avg_1m_end: round(os.loadavg()[0]!, 2),
    memory,
  });
  const logs = await digestLogs(servers.map((s) => s.log), (l) => / (WARN|ERROR) /.test(l));
  const snaps = await digestLogs(servers.map((s) => s.log), (l) => l.includes("snapshot taken"));
  emit({ bench: "placement", server_log_lines: logs.lines_total, warn_or_error: logs.warn_or_error, sample: logs.sample, snapshots_taken: snaps.warn_or_error });
  emit({
    bench: "placement",
    subject: "Nomad C1M (quoted, not measured here)",
    placements_per_s: nomad_quoted_placements_per_s,
    note: "figure quoted in the issue from HashiCorp's published large-cluster runs; Docker swarm cannot hold 10,000 nodes on this machine, so the in-process place() line is the measured anchor",
  });
}

main()
  .catch((err: unknown) => {
    emit({ bench: "placement", error: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
  })
  .finally(async () => {
    destroyAgents();
    await cleanupAll();
  });
