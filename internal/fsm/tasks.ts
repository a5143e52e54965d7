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

export interface TaskRecord {
  task_id: string;
  service: string;
  /** Spec version of the service this task was made from. */
  version: number;
  node_id: string;
  spec: TaskSpec;
  /**
   * The framework that owns the task ("services" or "jobs" for the built-in ones) and the role it
   * runs under, recorded when it is placed (fsm/owners.ts). Absent only on a task whose service
   * is unknown to the state machine.
   */
  framework?: string;
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
