// The checks after the faults heal: linearizability, lost writes, equal replicas, services, containers.
import { checkHistory, describeOperation, formatCheckResult, type Operation } from "../../test/lincheck/index.js";
import type { PrivateEngine } from "./engine.js";
import { call, getJson } from "./http.js";
import { kv_key_slots } from "./kv_workload.js";
import type { ServiceIntent } from "./service_workload.js";
import { sleep, waitFor } from "./sh.js";

export interface Verdict {
  name: string;
  ok: boolean;
  detail: string;
}

/** Bound on checker work; generous because keys are kept short (kv_ops_per_key_max). */
export const max_search_steps = 50_000_000;
/** Bound on services and containers settling after the faults heal. */
export const settle_timeout_ms = 120_000;

export function checkLinearizable(history: readonly Operation[]): Verdict {
  const r = checkHistory(history, { max_search_steps });
  return { name: "key-value history is linearizable", ok: r.result === "ok", detail: `${history.length} ops: ${formatCheckResult(r)}` };
}

/**
 * For each key, the final value must come from a write that nothing acknowledged later
 * superseded: the write that produced it did not return before an acknowledged write began.
 */
export function checkNoLostWrites(history: readonly Operation[], finalValues: ReadonlyMap<string, string | null>): Verdict {
  const writes = new Map<string, Operation[]>();
  for (const op of history) {
    if (op.input.kind === "get") continue;
    if (op.output?.kind === "cas" && !op.output.ok) continue;
    const list = writes.get(op.input.key) ?? [];
    list.push(op);
    writes.set(op.input.key, list);
  }
  const problems: string[] = [];
  let keysChecked = 0;
  for (const [key, finalValue] of finalValues) {
    const ws = writes.get(key) ?? [];
    keysChecked++;
    const acked = ws.filter((w) => w.returnTime !== null);
    const lastAckedStart = Math.max(-Infinity, ...acked.map((w) => w.callTime));
    const producers = ws.filter((w) => (finalValue === null ? w.input.kind === "del" : (w.input.kind === "put" || w.input.kind === "cas") && w.input.value === finalValue));
    if (finalValue !== null && producers.length === 0) {
      problems.push(`${key}: final value ${JSON.stringify(finalValue)} was never written by any client`);
      continue;
    }
    if (finalValue === null && producers.length === 0) {
      if (acked.length > 0) problems.push(`${key}: absent at the end, but ${acked.length} acknowledged writes were made and none deleted it (first: ${describeOperation(acked[0]!)})`);
      continue;
    }
    const survives = producers.some((w) => w.returnTime === null || w.returnTime >= lastAckedStart);
    if (!survives) {
      const later = acked.find((w) => w.callTime === lastAckedStart)!;
      problems.push(`${key}: final value ${JSON.stringify(finalValue)} is older than the acknowledged ${describeOperation(later)}: that write is missing`);
    }
  }
  return {
    name: "no acknowledged write is missing",
    ok: problems.length === 0,
    detail: problems.length === 0 ? `${keysChecked} keys, final values all from unsuperseded writes` : problems.slice(0, 5).join("; "),
  };
}

interface KvList {
  keys: { key: string; create_index: number; modify_index: number; size_bytes: number }[];
  truncated: boolean;
  applied_index: number;
}
interface ServiceView {
  spec: { name: string; count: number };
  state: string;
  version: number;
  tasks_made: number;
  tasks_running: number;
  tasks_active: number;
}
interface TaskView {
  task_id: string;
  service: string;
  node_id: string;
  state: string;
  desired: string;
  version: number;
}

/** One server's replicated state as plain text, read locally (?stale) so each replica speaks for itself. */
async function dumpState(addr: string, keys: readonly string[]): Promise<string | undefined> {
  const parts: string[] = [];
  for (let slot = 0; slot < kv_key_slots; slot++) {
    const l = await getJson<KvList>(addr, `/v1/kv?stale&limit=10000&prefix=${encodeURIComponent(`chaos/k${slot}-`)}`);
    if (l === undefined) return undefined;
    parts.push(...l.keys.map((k) => `kv ${k.key} c${k.create_index} m${k.modify_index}`));
  }
  for (const key of keys) {
    const r = await call(addr, "GET", `/v1/kv/${key}?stale`);
    if (r.kind === "unknown") return undefined;
    parts.push(`value ${key} ${r.kind === "ok" ? JSON.stringify(r.body) : "absent"}`);
  }
  const svcs = await getJson<{ services: ServiceView[] }>(addr, "/v1/services?stale");
  const tasks = await getJson<{ tasks: TaskView[] }>(addr, "/v1/tasks?all&stale");
  const nodes = await getJson<{ nodes: { node_id: string; name: string; status: string }[] }>(addr, "/v1/nodes?stale");
  if (svcs === undefined || tasks === undefined || nodes === undefined) return undefined;
  parts.push(...svcs.services.map((s) => `service ${s.spec.name} ${s.state} count=${s.spec.count} v${s.version} made=${s.tasks_made}`));
  parts.push(...tasks.tasks.map((t) => `task ${t.task_id} ${t.node_id} ${t.state} ${t.desired} v${t.version}`));
  parts.push(...nodes.nodes.map((n) => `node ${n.node_id} ${n.name} ${n.status}`));
  return parts.join("\n");
}

/** Bound on dump-and-compare rounds (about a second apart while the cluster is still writing). */
const same_state_attempts_max = 20;

/** Waits until all servers applied one index, dumps each, and compares; retried while the index moves. */
export async function checkSameState(addrs: ReadonlyMap<string, string>, keys: readonly string[], applied: () => Promise<number | undefined>): Promise<Verdict> {
  const name = "every server has the same state";
  let lastDiff = "no stable applied index";
  for (let attempt = 0; attempt < same_state_attempts_max; attempt++) {
    const before = await applied();
    if (before === undefined) continue;
    const dumps = new Map<string, string | undefined>();
    for (const [n, addr] of addrs) dumps.set(n, await dumpState(addr, keys));
    const after = await applied();
    if (after !== before) {
      // Still writing (a task restarting after the faults, say): let it settle, then look again.
      lastDiff = `applied index moved from ${before} to ${after} while reading`;
      await sleep(1_000);
      continue;
    }
    const [first, ...rest] = [...dumps];
    if (first === undefined || first[1] === undefined) continue;
    const diff = rest.find(([, d]) => d !== first[1]);
    if (diff === undefined) return { name, ok: true, detail: `${addrs.size} servers at applied index ${before}: ${first[1].split("\n").length} identical records` };
    if (diff[1] === undefined) {
      lastDiff = `${diff[0]} did not answer`;
      continue;
    }
    lastDiff = `${first[0]} and ${diff[0]} differ at applied index ${before}: ${firstDifference(first[1], diff[1])}`;
    await sleep(1_000);
  }
  return { name, ok: false, detail: lastDiff };
}

function firstDifference(a: string, b: string): string {
  const la = a.split("\n");
  const lb = b.split("\n");
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return `line ${i}: ${JSON.stringify(la[i] ?? "(none)")} vs ${JSON.stringify(lb[i] ?? "(none)")}`;
  return "equal";
}

interface Cluster {
  services: ServiceView[];
  tasks: TaskView[];
}

async function readCluster(addrs: readonly string[]): Promise<Cluster | undefined> {
  for (const addr of addrs) {
    const svcs = await getJson<{ services: ServiceView[] }>(addr, "/v1/services");
    const tasks = await getJson<{ tasks: TaskView[] }>(addr, "/v1/tasks");
    if (svcs !== undefined && tasks !== undefined) return { services: svcs.services, tasks: tasks.tasks };
  }
  return undefined;
}

function serviceProblems(c: Cluster): string[] {
  const problems: string[] = [];
  for (const s of c.services) {
    const tasks = c.tasks.filter((t) => t.service === s.spec.name);
    const running = tasks.filter((t) => t.state === "RUNNING" && t.desired === "running").length;
    const want = s.state === "running" ? s.spec.count : 0;
    if (running !== want || tasks.length !== want) problems.push(`${s.spec.name}: ${s.state}, count ${s.spec.count}, ${running} running of ${tasks.length} active tasks`);
  }
  return problems;
}

async function containerProblems(c: Cluster, engine: PrivateEngine): Promise<{ twice: string[]; orphans: string[]; missing: string[] }> {
  const containers = (await engine.taskContainers()).filter((x) => x.running);
  const byTask = new Map<string, number>();
  for (const x of containers) byTask.set(x.task_id, (byTask.get(x.task_id) ?? 0) + 1);
  const tasks = new Map(c.tasks.map((t) => [t.task_id, t]));
  const twice = [...byTask].filter(([, n]) => n > 1).map(([id, n]) => `${id} in ${n} containers`);
  const orphans = containers
    .filter((x) => {
      const t = tasks.get(x.task_id);
      return t === undefined || t.desired !== "running" || t.node_id !== x.node_id;
    })
    .map((x) => `${x.id} (task ${x.task_id} on ${x.node_id})`);
  const missing = c.tasks.filter((t) => t.state === "RUNNING" && !byTask.has(t.task_id)).map((t) => `${t.task_id} RUNNING but no container`);
  return { twice, orphans, missing };
}

/** Waits for services to reach their counts and containers to match tasks, then gives verdicts. */
export async function checkServicesAndContainers(addrs: readonly string[], engine: PrivateEngine, intents: ReadonlyMap<string, ServiceIntent>): Promise<Verdict[]> {
  let last: { c: Cluster; svc: string[]; twice: string[]; orphans: string[]; missing: string[] } | undefined;
  const settled = await waitFor(async () => {
    const c = await readCluster(addrs);
    if (c === undefined) return undefined;
    const svc = serviceProblems(c);
    const cont = await containerProblems(c, engine);
    last = { c, svc, ...cont };
    return svc.length + cont.twice.length + cont.orphans.length + cont.missing.length === 0 ? true : undefined;
  }, settle_timeout_ms, 2_000);
  const waited = settled === true ? "" : ` (still so after ${settle_timeout_ms / 1000} s)`;
  if (last === undefined) {
    const none = { ok: false, detail: "no server answered /v1/services and /v1/tasks" };
    return ["services are back at their desired counts", "no task runs in two containers", "no container is left that no task owns"].map((name) => ({ name, ...none }));
  }
  const kept: string[] = [];
  for (const it of intents.values()) {
    if (it.contradiction !== undefined) kept.push(`${it.name}: ${it.contradiction}`);
    if (!it.acknowledged) continue;
    const s = last.c.services.find((x) => x.spec.name === it.name);
    if (it.stopped && s !== undefined && s.state === "running") kept.push(`${it.name}: stop was acknowledged but it is running`);
    if (!it.stopped && (s === undefined || s.state !== "running" || s.spec.count !== it.count)) kept.push(`${it.name}: acknowledged count ${it.count}, cluster says ${s === undefined ? "no such service" : `${s.state} count ${s.spec.count}`}`);
  }
  const running = last.c.services.filter((s) => s.state === "running");
  return [
    {
      name: "services are back at their desired counts",
      ok: last.svc.length === 0 && last.missing.length === 0,
      detail: last.svc.length + last.missing.length === 0 ? `${running.length} running services, ${running.reduce((n, s) => n + s.spec.count, 0)} tasks running` : [...last.svc, ...last.missing].slice(0, 5).join("; ") + waited,
    },
    { name: "acknowledged service changes are kept", ok: kept.length === 0, detail: kept.length === 0 ? `${[...intents.values()].filter((i) => i.acknowledged).length} services whose last change was acknowledged` : kept.slice(0, 5).join("; ") },
    { name: "no task runs in two containers", ok: last.twice.length === 0, detail: last.twice.length === 0 ? "each task has at most one running container" : last.twice.slice(0, 5).join("; ") + waited },
    { name: "no container is left that no task owns", ok: last.orphans.length === 0, detail: last.orphans.length === 0 ? "every running container belongs to a task that should run there" : last.orphans.slice(0, 5).join("; ") + waited },
  ];
}
