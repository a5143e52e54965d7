// Roles, task owners and the version gate in the state machine: what every server applies alike.
import { describe, expect, it } from "vitest";
import { CommandType, command_set_version, command_set_version_baseline, type Command, type Envelope } from "./commands.js";
import { testServiceSpec } from "./fixtures.test-util.js";
import { decodeSnapshot, encodeSnapshot } from "./snapshot.js";
import { StateMachine } from "./state.js";
import { CommandSetError, proposalRefusal } from "./version.js";

let rid = 0;
const env = (cmd: Command, at_ms = 1_000, proposer = 1): Envelope => ({ rid: `${proposer}-${++rid}`, at_ms, cmd });

/** A state machine with members s1 (new build) and s2 (announced `s2_version`), a node and two services. */
function world(s2_version?: number, own = command_set_version): { s: StateMachine; next: () => number } {
  const s = new StateMachine({ command_set_version: own });
  let index = 0;
  const next = (): number => ++index;
  s.applyMembership(next(), { type: "AddNode", id: 1, name: "s1", raft_addr: "r1", http_addr: "" });
  s.applyMembership(next(), { type: "AddNode", id: 2, name: "s2", raft_addr: "r2", http_addr: "" });
  s.apply(next(), env({ type: CommandType.member_update, id: 1, name: "s1", raft_addr: "r1", http_addr: "h1", command_set_version }));
  s.apply(next(), env({ type: CommandType.member_update, id: 2, name: "s2", raft_addr: "r2", http_addr: "h2", ...(s2_version !== undefined ? { command_set_version: s2_version } : {}) }, 1_000, 2));
  s.apply(next(), env({ type: CommandType.node_register, node_id: "n1", name: "a", http_addr: "x:1", resources: { cpus: 4, memory_bytes: 4 * 2 ** 30, disk_bytes: 0 }, attributes: {}, driver: "mock", version: "t" }));
  s.apply(next(), env({ type: CommandType.service_put, spec: testServiceSpec({ name: "web", role: "frontend" }) }));
  s.apply(next(), env({ type: CommandType.service_put, spec: testServiceSpec({ name: "nightly", kind: "job", role: "batch", count: 1 }) }));
  return { s, next };
}

function place(s: StateMachine, index: number, tasks: [string, string][]): void {
  s.apply(
    index,
    env({
      type: CommandType.plan_apply,
      tasks: tasks.map(([task_id, service]) => ({ task_id, service, version: s.services.get(service)!.version, node_id: "n1", spec: { task_id, image: "busybox", cpus: 0.5, memory_bytes: 64 << 20 } })),
      stops: [],
      services: [],
    }),
  );
}

describe("roles", () => {
  it("sets weight, guarantee and limit, keeps what a change leaves out, clears on null, and refuses a guarantee over its limit", () => {
    const { s, next } = world(command_set_version);
    const set = (c: Omit<Extract<Command, { type: typeof CommandType.role_set }>, "type">) => s.apply(next(), env({ type: CommandType.role_set, ...c }, 5_000));
    expect(set({ role: "batch", weight: 2, limit: { cpus: 8, memory_bytes: 16 << 30 } })).toMatchObject({ ok: true });
    expect(set({ role: "batch", guarantee: { cpus: 2 } })).toMatchObject({ ok: true });
    expect(s.roles.get("batch")).toMatchObject({ weight: 2, guarantee: { cpus: 2 }, limit: { cpus: 8, memory_bytes: 16 << 30 }, updated_at_ms: 5_000 });
    const before = s.roles.get("batch");
    expect(set({ role: "batch", guarantee: { cpus: 9 } })).toEqual({
      ok: false,
      code: "rejected",
      message: "role batch: the guarantee of cpus (9) would exceed its limit (8); raise the limit or lower the guarantee",
    });
    expect(s.roles.get("batch")).toBe(before);
    expect(set({ role: "batch", limit: null })).toMatchObject({ ok: true, role: { weight: 2, guarantee: { cpus: 2 }, limit: {} } });
    expect(set({ role: "other" })).toMatchObject({ ok: true, role: { weight: 1, guarantee: {}, limit: {} } });
    expect(s.roles.all().map((r) => r.role)).toEqual(["batch", "other"]);
  });

  it("records the framework and role of each task when it is placed; a later role change leaves placed tasks alone", () => {
    const { s, next } = world(command_set_version);
    place(s, next(), [
      ["web.1", "web"],
      ["nightly.1", "nightly"],
    ]);
    expect([s.tasks.get("web.1"), s.tasks.get("nightly.1")].map((t) => [t?.framework_id, t?.role])).toEqual([
      ["services", "frontend"],
      ["jobs", "batch"],
    ]);
    s.apply(next(), env({ type: CommandType.service_put, spec: testServiceSpec({ name: "web", role: "other" }) }));
    place(s, next(), [["web.2", "web"]]);
    expect([s.tasks.get("web.1")?.role, s.tasks.get("web.2")?.role]).toEqual(["frontend", "other"]);
  });

  it("records an external framework's task under its framework id and the role it launched it with", () => {
    const { s, next } = world(command_set_version);
    const info = { name: "spark", user: "u", roles: ["analytics"], multi_role: true, capabilities: [], failover_timeout_s: 60, checkpoint: false, hostname: "", principal: "", webui_url: "", labels: [] };
    s.apply(next(), env({ type: CommandType.framework_put, framework_id: "fw-1", info, connect: true }));
    s.apply(
      next(),
      env({
        type: CommandType.plan_apply,
        tasks: [
          {
            task_id: "fw-1.1",
            service: "fw-1",
            version: 0,
            node_id: "n1",
            spec: { task_id: "fw-1.1", image: "busybox", cpus: 0.5, memory_bytes: 64 << 20 },
            framework: { framework_id: "fw-1", task_id: "t1", name: "t1", role: "analytics", labels: [] },
          },
        ],
        stops: [],
        services: [],
      }),
    );
    expect(s.tasks.get("fw-1.1")).toMatchObject({ framework_id: "fw-1", role: "analytics" });
  });

  it("keeps roles and owners through a snapshot, and loads a snapshot written before either existed", () => {
    const { s, next } = world(command_set_version);
    s.apply(next(), env({ type: CommandType.role_set, role: "batch", weight: 3, guarantee: { memory_bytes: 1 << 30 } }));
    place(s, next(), [["web.1", "web"]]);
    const t = new StateMachine();
    t.restore(s.snapshot(), s.applied_index);
    expect(t.roles.all()).toEqual(s.roles.all());
    expect(t.tasks.get("web.1")).toMatchObject({ framework_id: "services", role: "frontend" });

    // As an older build wrote it: no roles table, tasks without owners.
    const { tables, rows } = decodeSnapshot(s.snapshot());
    const { roles: _, command_set_version_needed: _needed, ...old_tables } = tables;
    const old_tasks = old_tables.tasks.map(({ framework_id: _f, role: _r, ...task }) => task);
    const old = encodeSnapshot({ ...old_tables, tasks: old_tasks } as unknown as typeof tables, rows);
    expect(new TextDecoder().decode(old)).not.toContain('"roles"');
    const u = new StateMachine();
    u.restore(old, s.applied_index);
    expect(u.roles.all()).toEqual([]);
    expect(u.tasks.get("web.1")).toMatchObject({ framework_id: "services", role: "frontend" });
  });
});

describe("version gate in the state machine", () => {
  it("an old build stops at an entry of a type it does not know, naming the version that wrote it; it applies nothing of it", () => {
    const { s, next } = world(command_set_version, command_set_version_baseline);
    const stops: string[] = [];
    s.onStop((e) => stops.push(e.message));
    const index = next();
    const cmd = env({ type: CommandType.role_set, role: "batch", weight: 2 });
    expect(() => s.apply(index, cmd)).toThrow(CommandSetError);
    const expected = `entry ${index} was written by command-set version ${command_set_version}; this server knows up to ${command_set_version_baseline}: upgrade this server (command type ${CommandType.role_set}, role_set, is unknown to it)`;
    expect(stops).toEqual([expected]);
    expect(s.applied_index).toBe(index - 1);
    expect(s.roles.all()).toEqual([]);
    // A type no build of this one knows: the proposer's announced version names the writer.
    const future = { rid: "1-x", at_ms: 0, cmd: { type: 99 } } as unknown as Envelope;
    expect(() => s.apply(index, future)).toThrow(/entry \d+ was written by command-set version 13; this server knows up to 12: upgrade this server/);
    // A proposer that never announced: the message still says to upgrade.
    const unknown_writer = { rid: "7-x", at_ms: 0, cmd: { type: 99 } } as unknown as Envelope;
    expect(() => new StateMachine().apply(1, unknown_writer)).toThrow(
      `entry 1 holds command type 99, written by a newer command-set version; this server knows up to ${command_set_version}: upgrade this server`,
    );
  });

  it("an old build refuses a snapshot holding state only a newer command set reads, and keeps its own state; it takes one without", () => {
    const { s, next } = world(command_set_version);
    const plain = s.snapshot();
    s.apply(next(), env({ type: CommandType.role_set, role: "batch", weight: 2 }));
    const with_roles = s.snapshot();
    const old = new StateMachine({ command_set_version: command_set_version_baseline });
    old.restore(plain, 7);
    expect(old.services.all().map((x) => x.spec.name)).toEqual(["nightly", "web"]);
    const stops: string[] = [];
    old.onStop((e) => stops.push(e.message));
    expect(() => old.restore(with_roles, 8)).toThrow(CommandSetError);
    expect(stops).toEqual([`the snapshot at index 8 holds state of command-set version ${command_set_version}; this server knows up to ${command_set_version_baseline}: upgrade this server`]);
    expect([old.applied_index, old.services.all().length, old.roles.all().length]).toEqual([7, 2, 0]);
    // The new build reads both.
    new StateMachine().restore(with_roles, 8);
  });

  it("members keep the version they announce; an entry without one (an older build's) counts as the baseline", () => {
    const { s, next } = world(command_set_version);
    expect(proposalRefusal(CommandType.role_set, command_set_version, s.members.all())).toBeUndefined();
    // A conf change (promotion, no version in it) keeps the announced version.
    s.applyMembership(next(), { type: "AddNode", id: 2, name: "s2", raft_addr: "r2", http_addr: "" });
    expect(s.members.get(2)?.command_set_version).toBe(command_set_version);
    // s2 restarted on an older build that does not announce: back to the baseline.
    s.apply(next(), env({ type: CommandType.member_update, id: 2, name: "s2", raft_addr: "r2", http_addr: "h2" }, 1_000, 2));
    expect(s.members.get(2)?.command_set_version).toBeUndefined();
    expect(proposalRefusal(CommandType.role_set, command_set_version, s.members.all())?.message).toBe(
      `server s2 has not announced its command-set version yet (it just started, or runs a build from before versions were announced), and role_set needs ${command_set_version}: retry in a moment; if this lasts, upgrade s2`,
    );
    s.apply(next(), env({ type: CommandType.member_update, id: 2, name: "s2", raft_addr: "r2", http_addr: "h2", command_set_version: command_set_version_baseline }, 1_000, 2));
    expect(proposalRefusal(CommandType.role_set, command_set_version, s.members.all())).toMatchObject({ announced: true, member: "s2", member_version: command_set_version_baseline });
    // Types every member knows pass.
    expect(proposalRefusal(CommandType.kv_put, command_set_version, s.members.all())).toBeUndefined();
    // A new member joins as a learner without a version: the gate closes until it announces.
    const { s: t } = world(command_set_version);
    t.applyMembership(100, { type: "AddLearnerNode", id: 4, name: "s4", raft_addr: "r4", http_addr: "" });
    expect(proposalRefusal(CommandType.role_set, command_set_version, t.members.all())?.member).toBe("s4");
  });
});
