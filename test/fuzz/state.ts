// The cluster state a user can read back, minus what moves on its own (Raft indexes, leader progress).
import { until } from "../support/cluster.js";

export interface Snapshot {
  kv: unknown;
  values: Record<string, string>;
  services: unknown;
  tasks: unknown;
  nodes: unknown;
  members: unknown;
  roles: unknown;
  frameworks: unknown;
  cluster: unknown;
}

export async function getJson<T>(base: string, path: string): Promise<T> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

export async function snapshot(base: string): Promise<Snapshot> {
  const kv = await getJson<{ keys: { key: string }[]; truncated: boolean; applied_index?: number }>(base, "/v1/kv?prefix=&limit=10000");
  delete kv.applied_index;
  const values: Record<string, string> = {};
  for (const { key } of kv.keys) {
    const res = await fetch(`${base}/v1/kv/${encodeURIComponent(key)}`, { signal: AbortSignal.timeout(10_000) });
    values[key] = Buffer.from(await res.arrayBuffer()).toString("base64");
  }
  const status = await getJson<{ cluster_id: string; leader: { id: number } | null; members: Record<string, unknown>[] }>(base, "/v1/status");
  return {
    kv,
    values,
    services: await getJson(base, "/v1/services"),
    tasks: await getJson(base, "/v1/tasks?all"),
    nodes: await getJson(base, "/v1/nodes"),
    // match_index is the leader's replication progress: it moves with every write, refused or not.
    members: status.members.map(({ match_index: _, ...m }) => m),
    roles: await getJson(base, "/v1/roles"),
    frameworks: await getJson(base, "/v1/frameworks"),
    cluster: { cluster_id: status.cluster_id, leader: status.leader?.id ?? null },
  };
}

/** Waits until two snapshots a moment apart agree: the cluster has settled. */
export async function settledSnapshot(base: string): Promise<Snapshot> {
  let last = "";
  return until("the cluster state to settle", async () => {
    const s = await snapshot(base);
    const text = JSON.stringify(s);
    if (text === last) return s;
    last = text;
    await new Promise((r) => setTimeout(r, 300));
    return undefined;
  });
}
