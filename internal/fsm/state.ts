// The replicated state machine: applies committed commands in log order, deterministically.
// IDs and times arrive inside commands; nothing here reads a clock or makes randomness.
import { CommandType, command_introduced_in, command_set_version, command_set_version_baseline, type Command, type CommandPayloads, type Envelope } from "./commands.js";
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
} from "./framework-handlers.js";
import { FrameworkTable, type FrameworkRecord } from "./frameworks.js";
import { KvTable, type KvResult } from "./kv.js";
import { MemberTable, type Member } from "./members.js";
import { NodeTable, type NodeRecord } from "./nodes.js";
import { applyRoleSet, stampOwners } from "./owners.js";
import { RoleTable, type RoleRecord } from "./roles.js";
import { ServiceTable, type ServiceRecord } from "./services.js";
import { decodeSnapshot, encodeSnapshot } from "./snapshot.js";
import { TaskTable, type TaskRecord } from "./tasks.js";
import { CommandSetError, writerVersion } from "./version.js";

import type { ApplyResult, FrameworkUpdate, Tables } from "./tables.js";

export type { ApplyResult, FrameworkUpdate } from "./tables.js";

/** Told after each applied command which nodes' assignments may have changed. */
export type ChangeListener = (touched_nodes: ReadonlySet<string>, orchestration_changed: boolean, index: number) => void;

type Handler<T extends CommandType> = (s: StateMachine, index: number, cmd: CommandPayloads[T] & { type: T }, at_ms: number) => ApplyResult;

/** One handler per command type: a missing one is a type error. */
const handlers: { [T in CommandType]: Handler<T> } = {
  [CommandType.kv_put]: (s, index, c) => s.kv.put(index, c.key, c.value, c.cas),
  [CommandType.kv_delete]: (s, index, c) => s.kv.delete(index, c.key, c.cas),
  [CommandType.member_update]: (s, _index, c) => {
    if (s.members.get(c.id) === undefined) return { ok: false, code: "rejected", message: `server ${c.id} is not a member` };
    s.members.upsert({ id: c.id, name: c.name, raft_addr: c.raft_addr, http_addr: c.http_addr });
    s.members.announce(c.id, c.command_set_version);
    return { ok: true, member: s.members.get(c.id)! };
  },
  [CommandType.node_register]: (s, _index, c, at_ms) => applyNodeRegister(s, at_ms, c),
  [CommandType.node_status]: (s, index, c, at_ms) => applyNodeStatus(s, index, at_ms, c),
  [CommandType.task_status]: (s, index, c) => applyTaskStatus(s, index, c),
  [CommandType.service_put]: (s, index, c, at_ms) => applyServicePut(s, index, at_ms, c),
  [CommandType.service_stop]: (s, _index, c, at_ms) => applyServiceStop(s, at_ms, c),
  [CommandType.service_scale]: (s, _index, c, at_ms) => applyServiceScale(s, at_ms, c),
  [CommandType.plan_apply]: (s, _index, c, at_ms) => {
    const r = applyPlan(s, at_ms, c);
    stampOwners(s, c.tasks);
    return r;
  },
  [CommandType.task_stop]: (s, _index, c) => applyTaskStop(s, c),
  [CommandType.tasks_forget]: (s, _index, c) => applyTasksForget(s, c),
  [CommandType.role_set]: (s, index, c, at_ms) => applyRoleSet(s, index, at_ms, c),
  [CommandType.framework_put]: (s, _index, c, at_ms) => applyFrameworkPut(s, at_ms, c),
  [CommandType.framework_disconnect]: (s, _index, c, at_ms) => applyFrameworkDisconnect(s, at_ms, c),
  [CommandType.framework_remove]: (s, _index, c, at_ms) => applyFrameworkRemove(s, at_ms, c),
  [CommandType.framework_suppress]: (s, _index, c) => applyFrameworkSuppress(s, c),
  [CommandType.framework_decline]: (s, _index, c, at_ms) => applyFrameworkDecline(s, at_ms, c),
  [CommandType.framework_ack]: (s, _index, c) => applyFrameworkAck(s, c),
  [CommandType.task_kill]: (s, _index, c) => applyTaskKill(s, c),
};

export interface StateMachineOptions {
  /**
   * The command-set version this server applies (default: this build's). Lower only to stand in
   * for an older build in tests: types newer than it are met as unknown.
   */
  command_set_version?: number;
}

/** Told once, just before apply throws, that a committed entry holds a type this server does not know. */
export type StopListener = (err: CommandSetError) => void;

export type MembershipChange =
  | { type: "AddNode" | "AddLearnerNode"; id: number; name: string; raft_addr: string; http_addr: string }
  | { type: "RemoveNode"; id: number };

export class StateMachine implements Tables {
  readonly kv = new KvTable();
  readonly members = new MemberTable();
  readonly nodes = new NodeTable();
  readonly services = new ServiceTable();
  readonly tasks = new TaskTable();
  readonly frameworks = new FrameworkTable();
  readonly roles = new RoleTable();
  readonly command_set_version: number;
  /** Invariant: commands are applied once each, in strictly increasing index order. */
  applied_index = 0;
  private readonly listeners: ChangeListener[] = [];
  private readonly stopListeners: StopListener[] = [];
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

  constructor(options: StateMachineOptions = {}) {
    this.command_set_version = options.command_set_version ?? command_set_version;
  }

  apply(index: number, env: Envelope): ApplyResult {
    const cmd: Command = env.cmd;
    const handler = handlers[cmd.type] as Handler<CommandType> | undefined;
    const introduced = (command_introduced_in as Record<number, number | undefined>)[cmd.type];
    // Skipping an entry would leave this server's state behind every other's, silently:
    // stop before applying anything, so a newer build can pick up at this very entry.
    if (handler === undefined || introduced === undefined || introduced > this.command_set_version) this.stopOnUnknown(index, env, introduced);
    this.advance(index);
    const result = handler(this, index, cmd, env.at_ms);
    this.notify(index);
    return result;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Called when a committed entry holds a command type this server does not know (then apply throws). */
  onStop(listener: StopListener): void {
    this.stopListeners.push(listener);
  }

  private stopOnUnknown(index: number, env: Envelope, introduced: number | undefined): never {
    const announced = writerVersion(env.rid, this.members);
    const writer = Math.max(announced ?? 0, introduced ?? 0);
    const err = new CommandSetError(index, env.cmd.type, writer > this.command_set_version ? writer : undefined, this.command_set_version);
    for (const l of this.stopListeners) l(err);
    throw err;
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
      roles: this.roles.all(),
      frameworks: this.frameworks.all(),
      frameworks_completed: [...this.frameworks.completed()],
      command_set_version_needed: this.versionNeeded(),
    };
    return encodeSnapshot(tables, this.kv.entries());
  }

  /**
   * The lowest command-set version that reads this state in full: a server of an older one would
   * silently drop the tables it does not know, so it refuses such a snapshot (restore) instead.
   */
  private versionNeeded(): number {
    let needed = command_set_version_baseline;
    if (this.roles.all().length > 0) needed = Math.max(needed, command_introduced_in[CommandType.role_set]);
    const frameworks = this.frameworks.all().length > 0 || [...this.frameworks.completed()].length > 0;
    if (frameworks || [...this.tasks.all()].some((t) => t.framework !== undefined)) needed = Math.max(needed, command_introduced_in[CommandType.framework_put]);
    return needed;
  }

  restore(data: Uint8Array, index: number): void {
    const decoded = data.length === 0 ? undefined : decodeSnapshot(data);
    const needed = decoded?.tables.command_set_version_needed ?? command_set_version_baseline;
    // Checked before anything is cleared: a refused snapshot leaves the state as it was.
    if (needed > this.command_set_version) {
      const err = new CommandSetError(index, undefined, needed, this.command_set_version);
      for (const l of this.stopListeners) l(err);
      throw err;
    }
    this.kv.clear();
    this.members.clear();
    this.nodes.clear();
    this.services.clear();
    this.tasks.clear();
    this.roles.clear();
    this.frameworks.clear();
    this.applied_index = index;
    this.touched.clear();
    this.orchestration_changed = false;
    this.node_generation.clear();
    this.restored_generation = ++this.generation;
    if (decoded === undefined) {
      for (const l of this.listeners) l(new Set(), true, index);
      return;
    }
    const { tables, rows } = decoded;
    for (const [k, e] of rows) this.kv.restoreRow(k, e);
    for (const m of tables.members) this.members.upsert(m);
    this.members.max_id = tables.members_max_id;
    for (const n of tables.nodes) this.nodes.upsert(n);
    for (const svc of tables.services) this.services.upsert(svc);
    for (const t of tables.tasks) this.tasks.insert(t);
    for (const r of tables.roles ?? []) this.roles.upsert(r);
    // Tasks from snapshots written before tasks recorded their owners take their service's.
    stampOwners(this, tables.tasks);
    this.frameworks.restore(tables.frameworks ?? [], tables.frameworks_completed ?? []);
    // Every node's assignments may differ after a restore.
    for (const l of this.listeners) l(new Set(this.nodes.all().map((n) => n.node_id)), true, index);
  }
}

