// The agent's small LevelDB store: node id, per-task status seq, unacknowledged status updates, stop intents.
import { randomBytes } from "node:crypto";
import { Level } from "level";
import type { StatusUpdate } from "../internal/api/agent.js";
import type { TaskState } from "../internal/driver/types.js";
import { crc32c } from "./crc32.js";
import { CorruptRecordError } from "./record.js";

/** What the agent last reported for a task; kept until the servers stop assigning it. */
export interface TaskRecord {
  task_id: string;
  /** Seq of the last update made for the task; the next one is seq + 1. */
  seq: number;
  state: TaskState;
  reason: string;
  /** The task ended on this node: it is never started here again. */
  terminal: boolean;
}

/** Unacknowledged updates kept; past it the queue is coalesced (newest per task, every terminal one). */
export const status_queue_max = 10_000;

/** The agent's data folder failed to open or holds damaged records; the message says what to do. */
export class AgentStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AgentStoreError";
  }
}

type Op = { type: "put"; key: string; value: Uint8Array } | { type: "del"; key: string };

const key_node_id = "m/node_id";
const key_cluster = "m/cluster";
const task_prefix = "t/";
const queue_prefix = "q/";
const stop_prefix = "s/";
/** Queue keys sort by arrival: a fixed-width counter. */
const order_digits = 16;

interface Queued {
  order: number;
  update: StatusUpdate;
  terminal: boolean;
}

/**
 * Everything lives in memory and is written through, one synced batch per change, so a
 * `kill -9` loses nothing that a caller saw resolve. Invariant: memory equals disk once
 * every write resolved (a stop intent shows in memory while its write is under way).
 */
export class AgentStore {
  private next_order = 0;

  private constructor(
    private readonly db: Level<string, Uint8Array>,
    readonly path: string,
    readonly node_id: string,
    private cluster: { cluster_id: string; index: number } | undefined,
    private readonly tasks: Map<string, TaskRecord>,
    private readonly queue: Map<string, Queued>,
    private readonly stops: Set<string>,
    private readonly queue_max: number,
  ) {
    for (const queued of queue.values()) this.next_order = Math.max(this.next_order, queued.order + 1);
  }

  static async open(dir: string, options: { status_queue_max?: number } = {}): Promise<AgentStore> {
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: "utf8", valueEncoding: "view" });
    try {
      await db.open();
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      const busy = /LOCK|lock|temporarily unavailable/.test(cause);
      throw new AgentStoreError(
        busy
          ? `agent data folder ${dir} is in use by another process (LevelDB lock held): stop the other orch agent or choose another --data-dir`
          : `cannot open the agent store in ${dir}: ${cause}`,
        { cause: err },
      );
    }
    try {
      return await AgentStore.load(db, dir, options.status_queue_max ?? status_queue_max);
    } catch (err) {
      await db.close();
      if (err instanceof CorruptRecordError) {
        throw new AgentStoreError(
          `the agent store in ${dir} is damaged (${err.message}). Stop the agent, move the folder aside and start again: ` +
            `the agent gets a new node id and its old tasks are reported LOST by the servers`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  /** Cluster the node last registered with and the highest assignment index seen there. */
  clusterState(): { cluster_id: string; index: number } | undefined {
    return this.cluster;
  }

  async setClusterState(state: { cluster_id: string; index: number }): Promise<void> {
    await this.write([{ type: "put", key: key_cluster, value: encodeChecked(state) }]);
    this.cluster = { ...state };
  }

  task(task_id: string): TaskRecord | undefined {
    return this.tasks.get(task_id);
  }

  taskIds(): string[] {
    return [...this.tasks.keys()];
  }

  /**
   * Records a new status for a task and queues its update, in one synced batch: the seq is
   * taken and the update made durable together, so seq never repeats across restarts.
   */
  async recordStatus(record: TaskRecord, update: StatusUpdate): Promise<void> {
    if (update.task_id !== record.task_id || update.seq !== record.seq) {
      throw new Error(`agent store invariant: update ${update.update_id} does not match record ${record.task_id}/${record.seq}`);
    }
    const before = this.tasks.get(record.task_id);
    if (before !== undefined && record.seq <= before.seq) {
      throw new Error(`agent store invariant: seq ${record.seq} of task ${record.task_id} is not above ${before.seq}`);
    }
    const ops: Op[] = [{ type: "put", key: task_prefix + record.task_id, value: encodeChecked(record) }];
    const queued: Queued = { order: this.next_order, update, terminal: record.terminal };
    const dropped = this.queue.size >= this.queue_max ? this.coalesced(queued) : [];
    for (const id of dropped) ops.push({ type: "del", key: queueKey(this.queue.get(id)?.order ?? -1) });
    if (this.queue.size - dropped.length >= this.queue_max) {
      throw new AgentStoreError(
        `${this.queue.size} status updates await acknowledgement (status_queue_max ${this.queue_max}) even after coalescing: ` +
          `the servers have not acknowledged updates for a long time; check that they are reachable`,
      );
    }
    ops.push({ type: "put", key: queueKey(queued.order), value: encodeChecked(queued) });
    await this.write(ops);
    this.next_order += 1;
    this.tasks.set(record.task_id, { ...record });
    for (const id of dropped) this.queue.delete(id);
    this.queue.set(update.update_id, queued);
  }

  /** Ids of older non-terminal updates of tasks that have a newer update queued (or `incoming`). */
  private coalesced(incoming: Queued): string[] {
    const newest = new Map<string, number>([[incoming.update.task_id, incoming.order]]);
    for (const q of this.queue.values()) newest.set(q.update.task_id, Math.max(newest.get(q.update.task_id) ?? -1, q.order));
    const ids: string[] = [];
    for (const [id, q] of this.queue) if (!q.terminal && newest.get(q.update.task_id) !== q.order) ids.push(id);
    return ids;
  }

  /** Unacknowledged updates, oldest first. */
  pending(): StatusUpdate[] {
    return [...this.queue.values()].sort((a, b) => a.order - b.order).map((q) => q.update);
  }

  pendingCount(): number {
    return this.queue.size;
  }

  /** Deletes acknowledged updates; unknown ids (already coalesced away) are ignored. */
  async ack(update_ids: readonly string[]): Promise<void> {
    const known = update_ids.flatMap((id) => {
      const q = this.queue.get(id);
      return q === undefined ? [] : [{ id, q }];
    });
    if (known.length === 0) return;
    await this.write(known.map(({ q }) => ({ type: "del" as const, key: queueKey(q.order) })));
    for (const { id } of known) this.queue.delete(id);
  }

  /** Forgets a task the servers no longer assign; queued updates for it are still sent. */
  async forgetTask(task_id: string): Promise<void> {
    if (!this.tasks.has(task_id)) return;
    await this.write([{ type: "del", key: task_prefix + task_id }]);
    this.tasks.delete(task_id);
  }

  hasStopIntent(task_id: string): boolean {
    return this.stops.has(task_id);
  }

  stopIntentCount(): number {
    return this.stops.size;
  }

  /**
   * Visible to hasStopIntent() at once, before the write lands: a driver signals right after
   * calling this and must see its own intent when it computes the exit status.
   */
  async addStopIntent(task_id: string): Promise<void> {
    if (this.stops.has(task_id)) return;
    this.stops.add(task_id);
    try {
      await this.write([{ type: "put", key: stop_prefix + task_id, value: encodeChecked(task_id) }]);
    } catch (err) {
      this.stops.delete(task_id);
      throw err;
    }
  }

  async deleteStopIntent(task_id: string): Promise<void> {
    if (!this.stops.has(task_id)) return;
    await this.write([{ type: "del", key: stop_prefix + task_id }]);
    this.stops.delete(task_id);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private async write(ops: Op[]): Promise<void> {
    await this.db.batch(ops, { sync: true });
  }

  /** Reads and checks every record; the first damaged one stops the load. */
  private static async load(db: Level<string, Uint8Array>, dir: string, queue_max: number): Promise<AgentStore> {
    let node_id: string | undefined;
    let cluster: { cluster_id: string; index: number } | undefined;
    const tasks = new Map<string, TaskRecord>();
    const queue = new Map<string, Queued>();
    const stops = new Set<string>();
    for await (const [key, value] of db.iterator()) {
      if (key === key_node_id) {
        const raw = decodeChecked(value, key);
        if (typeof raw !== "string" || !/^node-[0-9a-f]{16}$/.test(raw)) throw new CorruptRecordError(key, "not a node id");
        node_id = raw;
      } else if (key === key_cluster) {
        const raw = decodeChecked(value, key) as { cluster_id?: unknown; index?: unknown } | null;
        if (typeof raw?.cluster_id !== "string" || !Number.isSafeInteger(raw.index)) throw new CorruptRecordError(key, "not a cluster state");
        cluster = { cluster_id: raw.cluster_id, index: raw.index as number };
      } else if (key.startsWith(task_prefix)) {
        const raw = decodeChecked(value, key);
        if (!isTaskRecord(raw) || raw.task_id !== key.slice(task_prefix.length)) throw new CorruptRecordError(key, "not a task record");
        tasks.set(raw.task_id, raw);
      } else if (key.startsWith(queue_prefix)) {
        const raw = decodeChecked(value, key) as { order?: unknown; update?: unknown; terminal?: unknown } | null;
        if (raw === null || typeof raw.terminal !== "boolean" || !isStatusUpdate(raw.update) || queueKey(Number(raw.order)) !== key) {
          throw new CorruptRecordError(key, "not a queued status update");
        }
        queue.set(raw.update.update_id, { order: Number(raw.order), update: raw.update, terminal: raw.terminal });
      } else if (key.startsWith(stop_prefix)) {
        const raw = decodeChecked(value, key);
        if (raw !== key.slice(stop_prefix.length)) throw new CorruptRecordError(key, "not a stop intent");
        stops.add(raw);
      } else {
        throw new CorruptRecordError(key, "unknown key: is this folder an orch agent's?");
      }
    }
    if (node_id === undefined) {
      if (tasks.size + queue.size + stops.size > 0) throw new CorruptRecordError(key_node_id, "missing while other records exist");
      node_id = `node-${randomBytes(8).toString("hex")}`;
      await db.put(key_node_id, encodeChecked(node_id), { sync: true });
    }
    return new AgentStore(db, dir, node_id, cluster, tasks, queue, stops, queue_max);
  }
}

function queueKey(order: number): string {
  return queue_prefix + String(order).padStart(order_digits, "0");
}

/** A stored value: [crc32c of the JSON: u32][JSON utf-8]. */
function encodeChecked(value: unknown): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(value));
  const out = new Uint8Array(4 + json.length);
  out.set(json, 4);
  new DataView(out.buffer).setUint32(0, crc32c(json));
  return out;
}

function decodeChecked(bytes: Uint8Array, what: string): unknown {
  if (bytes.length < 4) throw new CorruptRecordError(what, `truncated (${bytes.length} bytes)`);
  const json = bytes.subarray(4);
  const want = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (crc32c(json) !== want) throw new CorruptRecordError(what, "checksum mismatch");
  try {
    return JSON.parse(new TextDecoder().decode(json)) as unknown;
  } catch (err) {
    throw new CorruptRecordError(what, `not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const task_states: ReadonlySet<string> = new Set<TaskState>(["STAGING", "STARTING", "RUNNING", "KILLING", "FINISHED", "FAILED", "KILLED", "LOST"]);

function isTaskRecord(raw: unknown): raw is TaskRecord {
  const r = raw as Partial<TaskRecord> | null;
  return (
    typeof r?.task_id === "string" &&
    Number.isSafeInteger(r.seq) &&
    typeof r.state === "string" &&
    task_states.has(r.state) &&
    typeof r.reason === "string" &&
    typeof r.terminal === "boolean"
  );
}

function isStatusUpdate(raw: unknown): raw is StatusUpdate {
  const u = raw as Partial<StatusUpdate> | null;
  return (
    typeof u?.update_id === "string" &&
    typeof u.task_id === "string" &&
    Number.isSafeInteger(u.seq) &&
    Number.isFinite(u.at_ms) &&
    typeof u.status === "object" &&
    u.status !== null &&
    u.status.task_id === u.task_id &&
    task_states.has(u.status.state)
  );
}
