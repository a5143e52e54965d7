// The replicated table of tasks: desired and observed state, node, history; indexed by node and service.
import type { BoundPort, ReasonCode, TaskSpec, TaskState } from "../driver/types.js";

/** Status updates kept per task; older ones are dropped first. */
export const task_history_max = 16;

export interface TaskEvent {
  state: TaskState;
  reason: ReasonCode | "pending" | "node_down" | "node_unknown";
  message: string;
  at_ms: number;
}

/** A status update a framework has not acknowledged yet (Mesos: resent until ACKNOWLEDGE). */
export interface PendingUpdate {
  /** 16 bytes, standard base64: what the framework acknowledges. */
  uuid: string;
  state: TaskState;
  reason: TaskEvent["reason"];
  message: string;
  at_ms: number;
}

/** Updates kept unacknowledged per task; past it the oldest go (the latest state always stays). */
export const pending_updates_max = 8;

/** The Mesos side of a task an external framework launched. */
export interface FrameworkTask {
  framework_id: string;
  /** The framework's own TaskID.value (any text; orch's task_id is made by the leader). */
  task_id: string;
  name: string;
  role: string;
  labels: { key: string; value: string }[];
  /** Agent-originated updates not yet acknowledged, oldest first. */
  pending: PendingUpdate[];
}

export interface TaskRecord {
  task_id: string;
  /** The service or job it belongs to; for an external framework's task, the framework id. */
  service: string;
  /** Spec version of the service this task was made from. */
  version: number;
  node_id: string;
  spec: TaskSpec;
  /**
   * Who owns the task, for every task alike: the framework ("services" or "jobs" for the built-in
   * ones, the framework id for an external one) and the role it runs under. Recorded when it is
   * placed (fsm/owners.ts); absent only when its service or framework was unknown then.
   */
  framework_id?: string;
  role?: string;
  desired: "running" | "stopped";
  state: TaskState;
  reason: TaskEvent["reason"];
  message: string;
  exit_code?: number;
  container_id?: string;
  ports?: BoundPort[];
  /** Highest agent status seq applied (updates at or below it are duplicates). */
  last_seq: number;
  created_at_ms: number;
  updated_at_ms: number;
  /** When it reached a terminal state (0 while active). */
  ended_at_ms: number;
  history: TaskEvent[];
  /** Set for tasks of external frameworks. */
  framework?: FrameworkTask;
  /** Grace between SIGTERM and SIGKILL set by the task itself (a kill policy); else its service's. */
  grace_ms?: number;
}

const terminal: ReadonlySet<TaskState> = new Set<TaskState>(["FINISHED", "FAILED", "KILLED", "LOST"]);

export function isTerminalState(state: TaskState): boolean {
  return terminal.has(state);
}

export class TaskTable {
  private readonly rows = new Map<string, TaskRecord>();
  /** Rows by node and by service, in insertion order (the same objects as in `rows`). */
  private readonly byNode = new Map<string, Map<string, TaskRecord>>();
  private readonly byService = new Map<string, Map<string, TaskRecord>>();

  get(task_id: string): TaskRecord | undefined {
    return this.rows.get(task_id);
  }

  get size(): number {
    return this.rows.size;
  }

  all(): IterableIterator<TaskRecord> {
    return this.rows.values();
  }

  onNode(node_id: string): TaskRecord[] {
    return this.rowsOf(this.byNode.get(node_id));
  }

  ofService(service: string): TaskRecord[] {
    return this.rowsOf(this.byService.get(service));
  }

  /** The leader reads every service's tasks on each evaluation: one array, no lookups by id. */
  private rowsOf(m: Map<string, TaskRecord> | undefined): TaskRecord[] {
    return m === undefined ? [] : Array.from(m.values());
  }

  insert(t: TaskRecord): void {
    if (this.rows.has(t.task_id)) throw new Error(`fsm: task ${t.task_id} inserted twice`);
    this.rows.set(t.task_id, t);
    index(this.byNode, t.node_id, t);
    index(this.byService, t.service, t);
  }

  delete(task_id: string): void {
    const t = this.rows.get(task_id);
    if (t === undefined) return;
    this.rows.delete(task_id);
    unindex(this.byNode, t.node_id, task_id);
    unindex(this.byService, t.service, task_id);
  }

  /** Records a new state with its reason, keeping a bounded history. */
  transition(t: TaskRecord, ev: TaskEvent): void {
    t.state = ev.state;
    t.reason = ev.reason;
    t.message = ev.message;
    t.updated_at_ms = ev.at_ms;
    if (isTerminalState(ev.state)) {
      t.desired = "stopped";
      if (t.ended_at_ms === 0) t.ended_at_ms = ev.at_ms;
    }
    t.history.push(ev);
    if (t.history.length > task_history_max) t.history.splice(0, t.history.length - task_history_max);
  }

  clear(): void {
    this.rows.clear();
    this.byNode.clear();
    this.byService.clear();
  }
}

function index(m: Map<string, Map<string, TaskRecord>>, key: string, t: TaskRecord): void {
  let s = m.get(key);
  if (s === undefined) m.set(key, (s = new Map()));
  s.set(t.task_id, t);
}

function unindex(m: Map<string, Map<string, TaskRecord>>, key: string, id: string): void {
  const s = m.get(key);
  if (s === undefined) return;
  s.delete(id);
  if (s.size === 0) m.delete(key);
}
