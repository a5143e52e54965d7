// Failover as a client sees it: one write through the system's own command-line client, issued
// at the moment the leader is killed with SIGKILL, timed until the client answers.
import { spawn } from "node:child_process";
import { emit, percentile, round } from "./stats.js";
import type { KvSystem } from "./system.js";

/** Bound on one client run (both clients give up well before: orch after 10 s of retries plus 5 s, etcdctl after 5 s). */
const client_run_ms_max = 60_000;
/** Bound on the client's output kept for the report. */
const output_chars_max = 300;

export interface ClientRun {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/** Runs argv to exit, timing it from `t0` (performance.now()). */
export function runClient(argv: readonly string[], t0: number): Promise<ClientRun> {
  return new Promise((resolve) => {
    const p = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: { PATH: "/usr/bin:/bin", HOME: "/tmp", ETCDCTL_API: "3" } });
    let stdout = "";
    let stderr = "";
    // The tail: a client's verdict comes last (etcdctl logs its retries before "Error: …").
    p.stdout.on("data", (d: Buffer) => (stdout = (stdout + d.toString()).slice(-output_chars_max)));
    p.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-output_chars_max)));
    const timer = setTimeout(() => p.kill("SIGKILL"), client_run_ms_max);
    p.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, ms: round(performance.now() - t0, 0), stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

/** Where the killed leader stands in the client's address list. */
export type KilledAt = "first" | "last";

export interface FailoverClientResult {
  killed: string;
  killed_at: KilledAt;
  /** Kill to the client's exit. */
  answered_ms: number;
  ok: boolean;
  exit_code: number | null;
  /** The client's message on failure. */
  error: string | undefined;
  /** Whether the key holds the value once a leader is back: a failed write that shows up here was indeterminate. */
  applied_after: boolean | undefined;
}

/**
 * Kills the leader and, in the same turn, starts the client's put with every member's address,
 * the killed leader first (as a client that remembered the leader would try it) or last.
 */
export async function failoverClientRun(sys: KvSystem, run: number, killed_at: KilledAt): Promise<FailoverClientResult> {
  const leader = await sys.waitLeader();
  const others = sys.members().map((m) => m.name).filter((n) => n !== leader);
  const order = killed_at === "first" ? [leader, ...others] : [...others, leader];
  const key = `failover-client/${run}`;
  const value = `v${run}`;
  const argv = sys.cliPut(order, key, value);
  const t0 = performance.now();
  sys.kill9(leader);
  const r = await runClient(argv, t0);
  await sys.waitLeader();
  const applied_after = await sys.holds(key, value);
  return {
    killed: leader,
    killed_at,
    answered_ms: r.ms,
    ok: r.code === 0,
    exit_code: r.code,
    error: r.code === 0 ? undefined : (r.stderr || r.stdout).split("\n").slice(-1)[0],
    applied_after,
  };
}

/** The client's start-up alone (a command that talks to no server), for the floor of answered_ms. */
export async function clientStartupMs(argv: readonly string[], reps: number): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < reps; i++) t.push((await runClient(argv, performance.now())).ms);
  return percentile(t.sort((a, b) => a - b), 50);
}

export function emitFailoverClientSummary(sys: KvSystem["name"], killed_at: KilledAt | "any", results: readonly FailoverClientResult[], startup_ms: number): void {
  const ok = results.filter((r) => r.ok).map((r) => r.answered_ms).sort((a, b) => a - b);
  const all = results.map((r) => r.answered_ms).sort((a, b) => a - b);
  emit({
    bench: "failover-client-summary",
    system: sys,
    killed_at,
    runs: results.length,
    ok: ok.length,
    failed_not_applied: results.filter((r) => !r.ok && r.applied_after === false).length,
    failed_but_applied: results.filter((r) => !r.ok && r.applied_after === true).length,
    p50_ms: percentile(all, 50),
    min_ms: all[0],
    max_ms: all[all.length - 1],
    ok_p50_ms: percentile(ok, 50),
    all_ms: results.map((r) => r.answered_ms),
    client_startup_p50_ms: startup_ms,
  });
}
