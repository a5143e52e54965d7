// The role routes in-process: listing, changes with every bad value refused by name (and no state
// change), the guarantee/limit rule against what is kept, and the version gate's 409.
import { describe, expect, it } from "vitest";
import { CommandType, command_set_version, command_set_version_baseline, type Command } from "../../fsm/commands.js";
import { testServiceSpec } from "../../fsm/fixtures.test-util.js";
import { StateMachine } from "../../fsm/state.js";
import type { RaftNode } from "../../raftnode/node.js";
import { checkProposable } from "../version-gate.js";
import { buildApp } from "./app.js";
import type { RoleView } from "../../api/roles.js";
import type { ServerView } from "./view.js";

/** One server in miniature: proposals pass the version gate, then apply at once. */
function server(members_version: number | null = command_set_version): { app: ReturnType<typeof buildApp>; fsm: StateMachine; apply: (cmd: Command) => void } {
  const fsm = new StateMachine();
  let index = 0;
  const apply = (cmd: Command): ReturnType<StateMachine["apply"]> => fsm.apply(++index, { rid: `1-${index}`, at_ms: 1_000 + index, cmd });
  fsm.applyMembership(++index, { type: "AddNode", id: 1, name: "s1", raft_addr: "r1", http_addr: "" });
  fsm.applyMembership(++index, { type: "AddNode", id: 2, name: "s2", raft_addr: "r2", http_addr: "" });
  apply({ type: CommandType.member_update, id: 1, name: "s1", raft_addr: "r1", http_addr: "h1", command_set_version });
  apply({ type: CommandType.member_update, id: 2, name: "s2", raft_addr: "r2", http_addr: "h2", ...(members_version !== null ? { command_set_version: members_version } : {}) });
  const node = {
    linearizableRead: async () => {},
    propose: async (cmd: Command) => {
      checkProposable(fsm, cmd);
      return apply(cmd);
    },
    failed: undefined,
  } as unknown as RaftNode;
  const view = { node, fsm, cluster_id: "c", stopping: () => false, leaderMember: () => null, notReady: () => null, isLeader: () => true };
  return { app: buildApp(view as unknown as ServerView), fsm, apply };
}

const put = (app: ReturnType<typeof buildApp>, role: string, body: unknown, raw?: string) =>
  app.request(`/v1/roles/${role}`, { method: "PUT", body: raw ?? JSON.stringify(body), headers: { "content-type": "application/json" } });

async function errorOf(res: Response): Promise<[number, string, string]> {
  const b = (await res.json()) as { error: { code: string; message: string } };
  return [res.status, b.error.code, b.error.message];
}

describe("role routes", () => {
  it("sets a role, keeps what a change leaves out, clears with null, and lists it beside roles only services use", async () => {
    const { app, apply } = server();
    apply({ type: CommandType.service_put, spec: testServiceSpec({ name: "web", role: "frontend" }) });
    let res = await put(app, "batch", { weight: 2, limit: { cpus: 8, memory_bytes: 16 * 2 ** 30 } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ role: "batch", weight: 2, limit: { cpus: 8, memory_bytes: 16 * 2 ** 30 }, guarantee: {}, configured: true });
    res = await put(app, "batch", { guarantee: { cpus: 2 } });
    expect(await res.json()).toMatchObject({ weight: 2, guarantee: { cpus: 2 }, limit: { cpus: 8 } });
    res = await put(app, "batch", { limit: null });
    expect(await res.json()).toMatchObject({ weight: 2, guarantee: { cpus: 2 }, limit: {} });
    const info = { name: "spark", user: "u", roles: ["analytics"], multi_role: true, capabilities: [], failover_timeout_s: 60, checkpoint: false, hostname: "", principal: "", webui_url: "", labels: [] };
    apply({ type: CommandType.framework_put, framework_id: "fw-1", info, connect: true });
    const list = (await (await app.request("/v1/roles")).json()) as { roles: RoleView[] };
    expect(list.roles.map((r) => [r.role, r.weight, r.configured, r.services, r.frameworks])).toEqual([
      ["analytics", 1, false, 0, ["fw-1"]],
      ["batch", 2, true, 0, []],
      ["frontend", 1, false, 1, []],
    ]);
  });

  it("refuses every bad value with a 400 naming it, and changes nothing", async () => {
    const { app, fsm } = server();
    await put(app, "batch", { weight: 2, limit: { cpus: 4 } });
    const before = JSON.stringify(fsm.roles.all());
    const cases: [string, unknown, RegExp][] = [
      ["Batch", { weight: 1 }, /^role "Batch": use 1-63 lower-case/],
      ["batch", {}, /^give weight, guarantee or limit/],
      ["batch", { weight: 0 }, /^weight 0: give a number above 0 and at most 1000/],
      ["batch", { weight: -1 }, /^weight -1/],
      ["batch", { weight: "2" }, /^weight "2"/],
      ["batch", { weight: 1001 }, /^weight 1001/],
      ["batch", { weight: 1, colour: "red" }, /^unknown field "colour"; known fields: weight, guarantee, limit/],
      ["batch", { limit: [] }, /^limit must be an object/],
      ["batch", { limit: { gpus: 1 } }, /^limit\.gpus is not a resource; use cpus, memory_bytes, disk_bytes/],
      ["batch", { limit: { cpus: -1 } }, /^limit\.cpus -1 is out of range/],
      ["batch", { guarantee: { memory_bytes: 1.5 } }, /^guarantee\.memory_bytes must be a whole number of bytes, not 1\.5/],
      ["batch", { guarantee: { disk_bytes: "1g" } }, /^guarantee\.disk_bytes must be a number, not "1g"/],
      ["batch", { guarantee: { cpus: 1e7 } }, /^guarantee\.cpus 10000000 is out of range: give 0 to 1000000/],
      // Against the limit kept from before: 5 cpus promised where 4 may be held.
      ["batch", { guarantee: { cpus: 5 } }, /^guarantee\.cpus 5 is above limit\.cpus 4 \(its current limit\)/],
      ["batch", { guarantee: { cpus: 3 }, limit: { cpus: 2 } }, /^guarantee\.cpus 3 is above limit\.cpus 2: a role cannot/],
    ];
    for (const [role, body, message] of cases) {
      const [status, code, msg] = await errorOf(await put(app, role, body));
      expect([status, code], `${role} ${JSON.stringify(body)}: ${msg}`).toEqual([400, "bad_field"]);
      expect(msg).toMatch(message);
    }
    expect((await errorOf(await put(app, "batch", undefined, "{"))).slice(0, 2)).toEqual([400, "bad_json"]);
    expect((await errorOf(await app.request("/v1/roles/batch?force", { method: "PUT", body: "{}", headers: { "content-type": "application/json" } }))).slice(0, 2)).toEqual([400, "bad_query"]);
    const big = await put(app, "batch", undefined, JSON.stringify({ weight: 1, pad: "x".repeat(70_000) }));
    expect((await errorOf(big)).slice(0, 2)).toEqual([413, "body_too_large"]);
    expect(JSON.stringify(fsm.roles.all())).toBe(before);
  });

  it("answers 409 naming the member while some server's build does not know roles, and a retryable 503 while one has not said", async () => {
    const old = server(command_set_version_baseline);
    const [status, code, message] = await errorOf(await put(old.app, "batch", { weight: 2 }));
    expect([status, code]).toEqual([409, "upgrade_needed"]);
    expect(message).toBe(`server s2 knows command-set version ${command_set_version_baseline}, but role_set needs ${command_set_version}: upgrade s2 and every server below ${command_set_version}, then retry`);
    expect(old.fsm.roles.all()).toEqual([]);
    const silent = server(null);
    const [status2, code2, message2] = await errorOf(await put(silent.app, "batch", { weight: 2 }));
    expect([status2, code2]).toEqual([503, "version_unknown"]);
    expect(message2).toMatch(/^server s2 has not announced its command-set version yet .*: retry in a moment; if this lasts, upgrade s2$/);
    expect(silent.fsm.roles.all()).toEqual([]);
  });
});
