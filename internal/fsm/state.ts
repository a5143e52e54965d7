// The replicated state machine: applies committed commands in log order, deterministically.
// IDs and times arrive inside commands; nothing here reads a clock or makes randomness.
import { CommandType, type Command, type CommandPayloads, type Envelope } from "./commands.js";
import {
  applyNodeRegister,
  applyNodeStatus,
  applyPlan,
  applyServicePut,
  applyServiceScale,
  applyServiceStop,
  applyTaskStatus,
  applyTasksForget,
  applyTaskStop,
} from "./cluster.js";
import {
  applyFrameworkAck,
  applyFrameworkDecline,
  applyFrameworkDisconnect,
  applyFrameworkPut,
  applyFrameworkRemove,
  applyFrameworkSuppress,
  applyTaskKill,
  type FrameworkUpdate,
} from "./framework-handlers.js";
import { FrameworkTable, type FrameworkRecord } from "./frameworks.js";
import { KvTable, type KvResult } from "./kv.js";
import { MemberTable, type Member } from "./members.js";
import { NodeTable, type NodeRecord } from "./nodes.js";
import { ServiceTable, type ServiceRecord } from "./services.js";
import { decodeSnapshot, encodeSnapshot } from "./snapshot.js";
import { TaskTable, type TaskRecord } from "./tasks.js";

export type ApplyResult =
  | KvResult
  | { ok: true; member: Member }
  | { ok: true; node: NodeRecord }
  | { ok: true; acked: string[] }
  | { ok: true; service: ServiceRecord }
  | { ok: true; task: TaskRecord }
  | { ok: true; framework: FrameworkRecord }
  | { ok: true; placed: number; dropped?: { task_id: string; reason: string }[] }
  | { ok: false; code: "rejected" | "unknown"; message: string };

/** Told after each applied command which nodes' assignments may have changed. */
export type ChangeListener = (touched_nodes: ReadonlySet<string>, orchestration_changed: boolean, index: number) => void;

type Handler<T extends CommandType> = (s: StateMachine, index: number, cmd: CommandPayloads[T] & { type: T }, at_ms: number) => ApplyResult;

/** One handler per command type: a missing one is a type error. */
const handlers: { [T in CommandType]: Handler<T> } = {
  [CommandType.kv_put]: (s, index, c) => s.kv.put(index, c.key, c.value, c.cas),
  [CommandType.kv_delete]: (s, index, c) => s.kv.delete(index, c.key, c.cas),
  [CommandType.member_update]: (s, _index, c) => {
    if (s.members.get(c.id) === undefined) return { ok: false, code: "rejected", message: `server ${c.id} is not a member` };
    const m = { id: c.id, name: c.name, raft_addr: c.raft_addr, http_addr: c.http_addr };
    s.members.upsert(m);
    return { ok: true, member: m };
  },
  [CommandType.node_register]: (s, _index, c, at_ms) => applyNodeRegister(s, at_ms, c),
  [CommandType.node_status]: (s, index, c, at_ms) => applyNodeStatus(s, index, at_ms, c),
  [CommandType.task_status]: (s, index, c) => applyTaskStatus(s, index, c),
  [CommandType.service_put]: (s, index, c, at_ms) => applyServicePut(s, index, at_ms, c),
  [CommandType.service_stop]: (s, _index, c, at_ms) => applyServiceStop(s, at_ms, c),
  [CommandType.service_scale]: (s, _index, c, at_ms) => applyServiceScale(s, at_ms, c),
  [CommandType.plan_apply]: (s, _index, c, at_ms) => applyPlan(s, at_ms, c),
  [CommandType.task_stop]: (s, _index, c) => applyTaskStop(s, c),
  [CommandType.tasks_forget]: (s, _index, c) => applyTasksForget(s, c),
  [CommandType.framework_put]: (s, _index, c, at_ms) => applyFrameworkPut(s, at_ms, c),
  [CommandType.framework_disconnect]: (s, _index, c, at_ms) => applyFrameworkDisconnect(s, at_ms, c),
  [CommandType.framework_remove]: (s, _index, c, at_ms) => applyFrameworkRemove(s, at_ms, c),
  [CommandType.framework_suppress]: (s, _index, c) => applyFrameworkSuppress(s, c),
  [CommandType.framework_decline]: (s, _index, c, at_ms) => applyFrameworkDecline(s, at_ms, c),
  [CommandType.framework_ack]: (s, _index, c) => applyFrameworkAck(s, c),
  [CommandType.task_kill]: (s, _index, c) => applyTaskKill(s, c),
};

export type MembershipChange =
  | { type: "AddNode" | "AddLearnerNode"; id: number; name: string; raft_addr: string; http_addr: string }
  | { type: "RemoveNode"; id: number };

export class StateMachine {
  readonly kv = new KvTable();
  readonly members = new MemberTable();
  readonly nodes = new NodeTable();
  readonly services = new ServiceTable();
  readonly tasks = new TaskTable();
  readonly frameworks = new FrameworkTable();
  /** Invariant: commands are applied once each, in strictly increasing index order. */
  applied_index = 0;
  private readonly listeners: ChangeListener[] = [];
  private readonly framework_listeners: ((u: FrameworkUpdate) => void)[] = [];
  private readonly touched = new Set<string>();
  private orchestration_changed = false;
  /**
   * Counts touches and restores; per node, the count at its last touch. Derived (not in
   * snapshots): lets the leader rebuild only the node views that changed since it last looked.
   */
  private generation = 0;
  private restored_generation = 0;
  private readonly node_generation = new Map<string, number>();

  apply(index: number, env: Envelope): ApplyResult {
    this.advance(index);
    const cmd: Command = env.cmd;
    const handler = handlers[cmd.type] as Handler<CommandType> | undefined;
    if (handler === undefined) return { ok: false, code: "rejected", message: `unknown command type ${String(cmd.type)}` };
    const result = handler(this, index, cmd, env.at_ms);
    this.notify(index);
    return result;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Told of every status update a framework's task owes its framework, as it is applied. */
  onFrameworkUpdate(listener: (u: FrameworkUpdate) => void): void {
    this.framework_listeners.push(listener);
  }

  frameworkUpdated(u: FrameworkUpdate): void {
    for (const l of this.framework_listeners) l(u);
  }

  /** A node's assignments may have changed in the command being applied. */
  touch(node_id: string): void {
    this.touched.add(node_id);
    this.node_generation.set(node_id, ++this.generation);
    this.orchestration_changed = true;
  }

  /** Grows whenever a node's record or tasks change (or state is restored). */
  get change_generation(): number {
    return this.generation;
  }

  /** The change_generation of the node's last change: nothing of it changed since a reading at or after this. */
  nodeChangedAt(node_id: string): number {
    return Math.max(this.restored_generation, this.node_generation.get(node_id) ?? 0);
  }

  /** Services or tasks changed in a way the schedulers should look at. */
  changed(): void {
    this.orchestration_changed = true;
  }

  private notify(index: number): void {
    if (!this.orchestration_changed) return;
    const touched = new Set(this.touched);
    this.touched.clear();
    this.orchestration_changed = false;
    for (const l of this.listeners) l(touched, true, index);
  }

  /** Raft entries that carry no command (the leader's no-op, conf changes) still advance the index. */
  advance(index: number): void {
    if (index <= this.applied_index) throw new Error(`fsm: index ${index} applied after ${this.applied_index}`);
    this.applied_index = index;
  }

  /** A committed Raft membership change: the member table follows it at the same index. */
  applyMembership(index: number, change: MembershipChange): void {
    this.advance(index);
    if (change.type === "RemoveNode") {
      this.members.remove(change.id);
      return;
    }
    // A promotion may come without addresses: the member keeps the ones it has.
    const cur = this.members.get(change.id);
    this.members.upsert({
      id: change.id,
      name: change.name !== "" ? change.name : (cur?.name ?? `server-${change.id}`),
      raft_addr: change.raft_addr !== "" ? change.raft_addr : (cur?.raft_addr ?? ""),
      http_addr: change.http_addr,
    });
  }

  snapshot(): Uint8Array {
    const tables = {
      applied_index: this.applied_index,
      members: this.members.all(),
      members_max_id: this.members.max_id,
      nodes: this.nodes.all(),
      services: this.services.all(),
      tasks: [...this.tasks.all()],
      frameworks: this.frameworks.all(),
      frameworks_completed: [...this.frameworks.completed()],
    };
    return encodeSnapshot(tables, this.kv.entries());
  }

  restore(data: Uint8Array, index: number): void {
    this.kv.clear();
    this.members.clear();
    this.nodes.clear();
    this.services.clear();
    this.tasks.clear();
    this.frameworks.clear();
    this.applied_index = index;
    this.touched.clear();
    this.orchestration_changed = false;
    this.node_generation.clear();
    this.restored_generation = ++this.generation;
    if (data.length === 0) {
      for (const l of this.listeners) l(new Set(), true, index);
      return;
    }
    const { tables, rows } = decodeSnapshot(data);
    for (const [k, e] of rows) this.kv.restoreRow(k, e);
    for (const m of tables.members) this.members.upsert(m);
    this.members.max_id = tables.members_max_id;
    for (const n of tables.nodes) this.nodes.upsert(n);
    for (const svc of tables.services) this.services.upsert(svc);
    for (const t of tables.tasks) this.tasks.insert(t);
    this.frameworks.restore(tables.frameworks ?? [], tables.frameworks_completed ?? []);
    // Every node's assignments may differ after a restore.
    for (const l of this.listeners) l(new Set(this.nodes.all().map((n) => n.node_id)), true, index);
  }
}

