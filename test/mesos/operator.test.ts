// Mesos's operator side against the built executable (`orch dev --driver mock`): an operator
// SUBSCRIBE open while a service is launched sees TASK_ADDED and TASK_UPDATED to TASK_RUNNING;
// /master/state and GET_STATE then show the service's task where DNS tools and UIs look for it.
// Then three servers: a follower answers the same, and its stream goes on through kill -9 of the leader.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordIODecoder } from "../../internal/mesos/recordio-decoder.js";
import { TestCluster, until } from "../support/cluster.js";
import { DevCluster } from "../support/dev.js";

let d: DevCluster;
let base: string;

type Json = Record<string, unknown>;

beforeAll(async () => {
  d = await DevCluster.start(["--driver", "mock"]);
  base = `http://${d.addr}`;
});

afterAll(async () => {
  await d?.destroy();
});

/** An operator SUBSCRIBE's events, read as they come. */
function subscribe(res: Response): { events: Json[]; stop: () => Promise<void> } {
  const events: Json[] = [];
  const decoder = new RecordIODecoder(64 * 1024 * 1024);
  const reader = res.body!.getReader();
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return;
      for (const r of decoder.push(value)) events.push(JSON.parse(r.toString("utf8")) as Json);
    }
  })();
  const stop = async (): Promise<void> => {
    await reader.cancel();
    await pump;
  };
  return { events, stop };
}

async function operator(body: Json, at = base): Promise<Response> {
  return fetch(`${at}/api/v1`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
}

describe("the operator API of orch dev", () => {
  it("streams TASK_ADDED and TASK_UPDATED for a launched service, and serves it in /master/state and GET_STATE", async () => {
    const res = await operator({ type: "SUBSCRIBE" });
    expect(res.status).toBe(200);
    const { events, stop } = subscribe(res);
    await until("SUBSCRIBED", async () => (events.length > 0 ? true : undefined));
    expect(events[0]!["type"]).toBe("SUBSCRIBED");
    const agents = ((events[0]!["subscribed"] as Json)["get_state"] as { get_agents: { agents: Json[] } }).get_agents.agents;
    expect(agents).toHaveLength(1);

    const launch = await fetch(`${base}/v1/services`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "op-web", image: "busybox:latest", count: 1, cpus: 0.25, memory_bytes: 32 * 1024 * 1024, ports: [{ container_port: 80, host_port: 31080, protocol: "tcp" }], command: ["mock", JSON.stringify({ output: [] })] }),
    });
    expect(launch.status, await launch.clone().text()).toBeLessThan(300);

    const taskEvent = (type: string): Json | undefined => events.find((e) => e["type"] === type);
    await until("TASK_ADDED and TASK_UPDATED to TASK_RUNNING", async () =>
      taskEvent("TASK_ADDED") !== undefined && events.some((e) => e["type"] === "TASK_UPDATED" && (e["task_updated"] as Json)["state"] === "TASK_RUNNING") ? true : undefined,
    );
    const added = (taskEvent("TASK_ADDED")!["task_added"] as { task: Json }).task;
    expect(added).toMatchObject({ name: "op-web", framework_id: { value: "services" } });
    const task_id = (added["task_id"] as { value: string }).value;
    const updated = events.find((e) => e["type"] === "TASK_UPDATED" && (e["task_updated"] as Json)["state"] === "TASK_RUNNING")!["task_updated"] as Json;
    expect(updated).toMatchObject({ framework_id: { value: "services" }, status: { task_id: { value: task_id }, state: "TASK_RUNNING" } });
    await stop();

    const state = (await (await fetch(`${base}/master/state`)).json()) as Json;
    expect(state).toMatchObject({ version: "1.11.0", activated_slaves: 1, leader: `master@${d.addr}` });
    const slave = (state["slaves"] as Json[])[0]!;
    expect(slave["pid"]).toMatch(/^slave\(1\)@127\.0\.0\.1:\d+$/);
    const services = (state["frameworks"] as Json[]).find((f) => f["id"] === "services")!;
    const task = (services["tasks"] as Json[]).find((t) => t["id"] === task_id)!;
    expect(task).toMatchObject({ name: "op-web", framework_id: "services", slave_id: slave["id"], state: "TASK_RUNNING", resources: { cpus: 0.25, mem: 32, ports: "[31080-31080]" } });
    expect((task["statuses"] as Json[]).map((s) => s["state"])).toContain("TASK_RUNNING");

    const gs = (await (await operator({ type: "GET_STATE" })).json()) as { type: string; get_state: { get_tasks: { tasks: Json[] }; get_frameworks: { frameworks: Json[] } } };
    expect(gs.type).toBe("GET_STATE");
    expect(gs.get_state.get_tasks.tasks.find((t) => (t["task_id"] as { value: string }).value === task_id)).toMatchObject({ state: "TASK_RUNNING", agent_id: { value: slave["id"] } });
    expect(gs.get_state.get_frameworks.frameworks.map((f) => (f["framework_info"] as { name: string }).name)).toEqual(["services", "jobs"]);
  }, 60_000);

  it("refuses a bad operator call with a 4xx text and keeps serving", async () => {
    const bad = await operator({ type: "NOT_A_CALL" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/Expecting 'type' to be present/);
    const health = (await (await operator({ type: "GET_HEALTH" })).json()) as Json;
    expect(health).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
  });
});

describe("the operator API of a three-server cluster", () => {
  let c: TestCluster;

  afterAll(async () => {
    await c?.destroy();
  });

  it("a follower answers /master/state and GET_STATE naming the leader, and its stream goes on through kill -9 of the leader", async () => {
    c = await TestCluster.create();
    await c.bootstrap(["s1", "s2", "s3"]);
    const leader = await c.waitLeader(["s1", "s2", "s3"]);
    const follower = ["s1", "s2", "s3"].find((n) => n !== leader)!;
    const at = `http://127.0.0.1:${c.servers.get(follower)!.http_port}`;
    const leader_addr = `127.0.0.1:${c.servers.get(leader)!.http_port}`;

    const res = await operator({ type: "SUBSCRIBE" }, at);
    expect(res.status).toBe(200);
    const { events, stop } = subscribe(res);
    await c.startAgent("a1", ["--driver", "mock"]);
    await until("AGENT_ADDED on the follower's stream", async () => (events.some((e) => e["type"] === "AGENT_ADDED") ? true : undefined));

    const state = (await (await fetch(`${at}/master/state`)).json()) as Json;
    expect(state).toMatchObject({ leader: `master@${leader_addr}`, leader_info: { port: c.servers.get(leader)!.http_port }, activated_slaves: 1 });
    const gs = (await (await operator({ type: "GET_AGENTS" }, at)).json()) as { get_agents: { agents: { agent_info: { hostname: string } }[] } };
    expect(gs.get_agents.agents).toHaveLength(1);

    c.kill9(leader);
    const rest = ["s1", "s2", "s3"].filter((n) => n !== leader);
    const next = await c.waitLeader(rest);
    const launch = await fetch(`http://127.0.0.1:${c.servers.get(next)!.http_port}/v1/services`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "after-failover", image: "busybox:latest", count: 1, cpus: 0.1, memory_bytes: 16 * 1024 * 1024, command: ["mock", JSON.stringify({ output: [] })] }),
    });
    expect(launch.status, await launch.clone().text()).toBeLessThan(300);
    await until("TASK_ADDED for the service launched after the failover, on the same stream", async () =>
      events.some((e) => e["type"] === "TASK_ADDED" && ((e["task_added"] as { task: { name: string } }).task.name === "after-failover")) ? true : undefined,
    );
    const after = (await (await fetch(`${at}/master/state`)).json()) as Json;
    expect(after["leader"]).toBe(`master@127.0.0.1:${c.servers.get(next)!.http_port}`);
    await stop();
  }, 90_000);
});
