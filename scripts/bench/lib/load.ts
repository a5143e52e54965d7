// Closed-loop writers (each waits for its answer before the next write) and the open-loop probe used for failover.
import type { LoopbackClient } from "./http.js";
import { cpuSeconds, percentile, round } from "./stats.js";
import type { KvSystem, LoadTarget, Member } from "./system.js";

/**
 * A warm-up at the measured load before measuring: long enough for V8 to finish optimising orch's
 * hot code (traced: ~450 functions compiled in the first 5 s under load, a handful a second after
 * 20 s); the other system gets the same.
 */
export const jit_warmup = { duration_ms: 20_000, writes_max: 200_000 };

/** Bound on one write from the load generator. */
export const write_timeout_ms = 10_000;
/** Pause after a failed write so a down member is not hammered in a tight loop. */
const error_pause_ms = 20;

export interface ClosedLoopOptions {
  clients: number;
  duration_ms: number;
  writes_max: number;
  key_prefix: string;
  /** Key number → key; default: unique keys. */
  keyOf?: (n: number) => string;
  value: Buffer;
  /** Called after each completed write (for periodic sampling); must be cheap. */
  onProgress?: (writes_done: number) => void;
  /** Write only through this member (e.g. the leader, or one follower); default: spread over all. */
  through?: string;
}

export interface ClosedLoopResult {
  clients: number;
  writes: number;
  errors: number;
  elapsed_s: number;
  writes_per_s: number;
  p50_ms: number;
  p99_ms: number;
  error_sample: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU cores each member (and this load generator, "loadgen") kept busy while f ran. */
export async function withCpu<T>(sys: LoadTarget, f: () => Promise<T>): Promise<{ result: T; cpu_cores: Record<string, number> }> {
  const members = sys.members();
  const before = members.map((m) => (m.pid === undefined ? undefined : cpuSeconds(m.pid)));
  const gen_before = process.cpuUsage();
  const t0 = performance.now();
  const result = await f();
  const wall_s = (performance.now() - t0) / 1000;
  const cpu_cores: Record<string, number> = {};
  members.forEach((m, i) => {
    const a = before[i];
    const b = m.pid === undefined ? undefined : cpuSeconds(m.pid);
    if (a !== undefined && b !== undefined) cpu_cores[m.name] = round((b - a) / wall_s);
  });
  const g = process.cpuUsage(gen_before);
  cpu_cores["loadgen"] = round((g.user + g.system) / 1e6 / wall_s);
  return { result, cpu_cores };
}

/**
 * CPU per answered write in microseconds: all members together, and the load generator. From
 * cores (CPU seconds per second) and writes per second, so both cover the same interval.
 */
export function cpuPerWrite(cpu_cores: Record<string, number>, writes_per_s: number): { server_cpu_us_per_write: number; loadgen_cpu_us_per_write: number } {
  const servers = Object.entries(cpu_cores).reduce((sum, [name, c]) => (name === "loadgen" ? sum : sum + c), 0);
  const per = (cores: number): number => (writes_per_s > 0 ? Math.round((cores * 1e6) / writes_per_s) : NaN);
  return { server_cpu_us_per_write: per(servers), loadgen_cpu_us_per_write: per(cpu_cores["loadgen"] ?? 0) };
}

/** Client i writes through member i mod 3 (the load spread evenly), or all through `through`. */
export async function closedLoop(sys: LoadTarget, http: LoopbackClient, o: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const members = sys.members().filter((m) => o.through === undefined || m.name === o.through);
  if (members.length === 0) throw new Error(`no member named ${o.through ?? "?"} to write through`);
  const lat_ms = new Float64Array(o.writes_max);
  let issued = 0;
  let done = 0;
  let errors = 0;
  const error_sample: string[] = [];
  const note = (what: string): void => {
    errors++;
    if (error_sample.length < 5) error_sample.push(what);
  };
  const t0 = performance.now();
  const deadline = t0 + o.duration_ms;
  const client = async (i: number): Promise<void> => {
    const m: Member = members[i % members.length]!;
    while (performance.now() < deadline && issued < o.writes_max) {
      const n = issued++;
      const key = o.keyOf !== undefined ? o.keyOf(n) : `${o.key_prefix}/${n}`;
      const start = performance.now();
      try {
        const r = await http.send(sys.putRequest(m, key, o.value), write_timeout_ms);
        if (r.status === 200) lat_ms[done++] = performance.now() - start;
        else {
          note(`${m.name}: HTTP ${r.status} ${r.body.toString("utf8").slice(0, 160)}`);
          await sleep(error_pause_ms);
        }
      } catch (err) {
        note(`${m.name}: ${err instanceof Error ? err.message : String(err)}`);
        await sleep(error_pause_ms);
      }
      o.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: o.clients }, (_, i) => client(i)));
  const elapsed_s = (performance.now() - t0) / 1000;
  const sorted = lat_ms.subarray(0, done).sort();
  return {
    clients: o.clients,
    writes: done,
    errors,
    elapsed_s: round(elapsed_s),
    writes_per_s: round(done / elapsed_s, 0),
    p50_ms: round(percentile(sorted, 50)),
    p99_ms: round(percentile(sorted, 99)),
    error_sample,
  };
}

export interface FailoverOptions {
  /** Steady writing before the kill, to see the system healthy. */
  steady_ms: number;
  /** Gap between probe writes (open loop, so a stuck write does not hide a recovered leader). */
  interval_ms: number;
  /** Give up on one run after this long. */
  recover_max_ms: number;
  /** Bound on probe writes waiting for an answer. */
  inflight_max: number;
  probe_timeout_ms: number;
  value: Buffer;
  key_prefix: string;
}

export interface FailoverResult {
  killed: string;
  new_leader: string | undefined;
  failover_ms: number | undefined;
  writes_before_kill: number;
  failed_after_kill: number;
}

/**
 * Writes every interval_ms through the members that will survive, kills the leader with
 * SIGKILL, and reports the time from the kill to the first successful write sent after it.
 */
export async function failoverRun(sys: KvSystem, http: LoopbackClient, o: FailoverOptions): Promise<FailoverResult> {
  const leader = await sys.waitLeader();
  const survivors = sys.members().filter((m) => m.name !== leader);
  let ok_before = 0;
  let failed_after = 0;
  let inflight = 0;
  let kill_at = Infinity;
  let first_ok_at: number | undefined;
  let n = 0;
  const pending = new Set<Promise<void>>();
  const probe = (): void => {
    if (inflight >= o.inflight_max) return;
    const m = survivors[n % survivors.length]!;
    const sent_at = performance.now();
    const key = `${o.key_prefix}/${n++}`;
    inflight++;
    const p = http
      .send(sys.putRequest(m, key, o.value), o.probe_timeout_ms)
      .then((r) => r.status === 200)
      .catch(() => false)
      .then((ok) => {
        const at = performance.now();
        if (sent_at < kill_at) {
          if (ok) ok_before++;
        } else if (ok) {
          if (first_ok_at === undefined || at < first_ok_at) first_ok_at = at;
        } else failed_after++;
      })
      .finally(() => {
        inflight--;
        pending.delete(p);
      });
    pending.add(p);
  };
  const ticker = setInterval(probe, o.interval_ms);
  try {
    await sleep(o.steady_ms);
    kill_at = performance.now();
    sys.kill9(leader);
    const give_up = kill_at + o.recover_max_ms;
    while (first_ok_at === undefined && performance.now() < give_up) await sleep(5);
  } finally {
    clearInterval(ticker);
  }
  await Promise.all(pending);
  const new_leader = await sys.waitLeader().catch(() => undefined);
  return {
    killed: leader,
    new_leader,
    failover_ms: first_ok_at === undefined ? undefined : round(first_ok_at - kill_at, 0),
    writes_before_kill: ok_before,
    failed_after_kill: failed_after,
  };
}
