// A server whose state trails the leader must not refuse a change with "not found": the chaos
// suite once saw DELETE /v1/services/NAME answer 404 from a follower that had not yet applied
// the service's creation, and the service ran on after its stop "failed" for good.
import { describe, expect, it } from "vitest";
import { CommandType, type Command } from "../../fsm/commands.js";
import { testServiceSpec } from "../../fsm/fixtures.test-util.js";
import { StateMachine } from "../../fsm/state.js";
import type { RaftNode } from "../../raftnode/node.js";
import { buildApp } from "./app.js";
import type { ServerView } from "./view.js";

/**
 * A follower in miniature: `committed` holds entries the leader has committed that this server
 * has not applied yet; a linearizable read applies them (as waiting for the read index does).
 */
function trailingServer(): { view: ServerView; fsm: StateMachine; committed: Command[]; reads: () => number } {
  const fsm = new StateMachine();
  const committed: Command[] = [];
  let index = 0;
  let reads = 0;
  const apply = (cmd: Command): ReturnType<StateMachine["apply"]> => fsm.apply(++index, { rid: `r${index}`, at_ms: 1_000 + index, cmd });
  const node = {
    linearizableRead: async () => {
      reads++;
      for (const cmd of committed.splice(0)) apply(cmd);
    },
    propose: async (cmd: Command) => {
      for (const c of committed.splice(0)) apply(c);
      return apply(cmd);
    },
    failed: undefined,
  } as unknown as RaftNode;
  const unused = (): never => {
    throw new Error("not used by these routes");
  };
  const view = {
    node,
    fsm,
    cluster_id: "c",
    liveness: undefined,
    hub: undefined,
    stopping: () => false,
    status: unused,
    leaderMember: () => null,
    notReady: () => null,
    isLeader: () => false,
    forwardToLeader: unused,
    addMember: unused,
    removeMember: unused,
  };
  return { view: view as unknown as ServerView, fsm, committed, reads: () => reads };
}

describe("changes on a server that trails the leader", () => {
  it("stops a service whose creation is committed but not yet applied here, instead of answering 404", async () => {
    const t = trailingServer();
    t.committed.push({ type: CommandType.service_put, spec: testServiceSpec({ name: "web" }) });
    expect(t.fsm.services.get("web")).toBeUndefined();
    const res = await buildApp(t.view).request("/v1/services/web", { method: "DELETE" });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(t.fsm.services.get("web")?.state).toBe("stopped");
  });

  it("scales such a service instead of answering 404", async () => {
    const t = trailingServer();
    t.committed.push({ type: CommandType.service_put, spec: testServiceSpec({ name: "web", count: 1 }) });
    const res = await buildApp(t.view).request("/v1/services/web/scale", { method: "POST", body: JSON.stringify({ count: 3 }), headers: { "content-type": "application/json" } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(t.fsm.services.get("web")?.spec.count).toBe(3);
  });

  it("answers 404 only after a linearizable read confirms the service does not exist, and changes nothing", async () => {
    const t = trailingServer();
    const res = await buildApp(t.view).request("/v1/services/ghost", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect(t.reads()).toBe(1);
    expect(t.fsm.services.all()).toEqual([]);
  });

  it("answers 404 for an unknown task only after a linearizable read", async () => {
    const t = trailingServer();
    const res0 = await buildApp(t.view).request("/v1/tasks/nope", { method: "DELETE" });
    expect(res0.status).toBe(404);
    expect(t.reads()).toBe(1);
  });
});
