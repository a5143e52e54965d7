// Mesos's v1 scheduler HTTP API against three real servers and Docker agents on loopback, driven by
// a client written from Mesos's published docs (scripts/examples/mesos-client.ts): subscribe,
// offers, launch with limits, updates until acknowledged, reconcile, kill, decline and suppress,
// bad calls; kill -9 of the leader mid-stream; an agent gone past its TTL; a failover timeout.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MesosScheduler, type MesosEvent } from "../../scripts/examples/mesos-client.js";
import { TestCluster, until } from "../support/cluster.js";
import { docker } from "../support/docker.js";
import { requireBinary, run } from "../support/binary.js";

const image = "orch-test/busybox:latest";
let c: TestCluster;
const schedulers: MesosScheduler[] = [];

const orch = (args: string[]) => run(requireBinary(), args, { env: { ORCH_ADDR: c.httpAddrs() } });

interface Offer {
  id: { value: string };
  agent_id: { value: string };
  hostname: string;
  resources: { name: string; type: string; scalar?: { value: number }; ranges?: { range: { begin: number; end: number }[] } }[];
}
interface Status {
  task_id: { value: string };
  state: string;
  source: string;
  reason?: string;
  uuid?: string;
  agent_id?: { value: string };
  message?: string;
}

const offersOf = (e: MesosEvent): Offer[] => (e["offers"] as { offers: Offer[] }).offers;
const statusOf = (e: MesosEvent): Status => (e["update"] as { status: Status }).status;
const isUpdate = (task: string, state?: string) => (e: MesosEvent): boolean => e.type === "UPDATE" && statusOf(e).task_id.value === task && (state === undefined || statusOf(e).state === state);

function framework(name: string, extra: Record<string, unknown> = {}): MesosScheduler {
  const s = new MesosScheduler(c.httpAddrs(), { user: "root", name, failover_timeout: 120, ...extra });
  schedulers.push(s);
  return s;
}

/** Acknowledges every update with a uuid as it arrives (what a framework does). */
function autoAck(s: MesosScheduler): void {
  s.onEvent((e) => {
    if (e.type === "UPDATE") void s.acknowledge(e);
  });
}

function taskInfo(task_id: string, offer: Offer, o: { cpus?: number; mem?: number; cmd?: string } = {}): Record<string, unknown> {
  return {
    name: task_id,
    task_id: { value: task_id },
    agent_id: offer.agent_id,
    resources: [
      { name: "cpus", type: "SCALAR", scalar: { value: o.cpus ?? 0.25 } },
      { name: "mem", type: "SCALAR", scalar: { value: o.mem ?? 64 } },
    ],
    command: { value: o.cmd ?? "sleep 600", shell: true },
    container: { type: "DOCKER", docker: { image, network: "HOST" } },
  };
}

async function launch(s: MesosScheduler, offer: Offer, tasks: Record<string, unknown>[]): Promise<void> {
  const a = await s.call("ACCEPT", { accept: { offer_ids: [offer.id], operations: [{ type: "LAUNCH", launch: { task_infos: tasks } }], filters: { refuse_seconds: 1 } } });
  expect(a.status, a.body).toBe(202);
}

/** The framework's containers, by the label orch gives each. */
async function containers(framework_id: string): Promise<string[]> {
  const r = await docker(["ps", "-q", "--filter", `label=framework=${framework_id}`]);
  return r.stdout.split("\n").filter((l) => l !== "");
}

beforeAll(async () => {
  c = await TestCluster.create();
  await c.bootstrap(["s1", "s2", "s3"], ["--heartbeat-ttl", "3s", "--heartbeat-interval", "500ms", "--framework-heartbeat", "1s"]);
  await c.startAgent("a1");
  await until("a ready node", async () => {
    const r = await orch(["nodes", "--json"]);
    return r.code === 0 && (JSON.parse(r.stdout) as { status: string }[]).some((n) => n.status === "ready") ? true : undefined;
  });
});

// A test that failed midway must not leave its framework holding the offers the next one needs.
afterEach(async () => {
  for (const s of schedulers.splice(0)) {
    if (!s.ended) await s.call("TEARDOWN").catch(() => undefined);
    s.close();
  }
});

afterAll(async () => {
  const ids = (await docker(["ps", "-aq", "--filter", "label=framework"])).stdout.split("\n").filter((l) => l !== "");
  await c?.destroy();
  if (ids.length > 0) await docker(["rm", "-f", ...ids]);
});

describe("Mesos v1 scheduler API", () => {
  it("subscribes, launches on Docker with limits, acknowledges, reconciles, kills, declines, suppresses and tears down", async () => {
    const s = framework("conformance");
    autoAck(s);
    const id = await s.subscribe();
    expect(s.stream_id).toMatch(/^[0-9a-f-]{36}$/);
    const subscribed = s.events.find((e) => e.type === "SUBSCRIBED")!;
    expect(subscribed["subscribed"]).toMatchObject({ framework_id: { value: id }, heartbeat_interval_seconds: 1, master_info: { port: expect.any(Number) as number } });
    await s.next((e) => e.type === "HEARTBEAT");
    const first_offers = await s.next((e) => e.type === "OFFERS");
    const offer = offersOf(first_offers)[0]!;
    expect(offer.resources.map((r) => [r.name, r.type])).toEqual(expect.arrayContaining([["cpus", "SCALAR"], ["mem", "SCALAR"], ["ports", "RANGES"]]));

    await launch(s, offer, [taskInfo("web-1", offer)]);
    const running = statusOf(await s.next(isUpdate("web-1", "TASK_RUNNING"), 60_000));
    expect(running).toMatchObject({ source: "SOURCE_EXECUTOR", agent_id: offer.agent_id });
    expect(Buffer.from(running.uuid!, "base64")).toHaveLength(16);
    const [container] = await containers(id);
    const inspect = JSON.parse((await docker(["inspect", container!])).stdout) as { HostConfig: { NanoCpus: number; Memory: number; NetworkMode: string } }[];
    expect(inspect[0]!.HostConfig).toMatchObject({ NanoCpus: 250_000_000, Memory: 64 * 1024 * 1024, NetworkMode: "host" });

    // Explicit reconciliation: the known task with its state, an unknown one as LOST; no uuid on either.
    const before = s.events.length;
    expect((await s.call("RECONCILE", { reconcile: { tasks: [{ task_id: { value: "web-1" } }, { task_id: { value: "ghost" } }] } })).status).toBe(202);
    const known = statusOf(await s.next(isUpdate("web-1"), 10_000, before));
    const ghost = statusOf(await s.next(isUpdate("ghost"), 10_000, before));
    expect(known).toMatchObject({ state: "TASK_RUNNING", reason: "REASON_RECONCILIATION", source: "SOURCE_MASTER" });
    expect(ghost).toMatchObject({ state: "TASK_LOST", reason: "REASON_RECONCILIATION" });
    expect(known.uuid).toBeUndefined();

    // KILL with a kill policy: the container gets SIGTERM, then TASK_KILLED.
    expect((await s.call("KILL", { kill: { task_id: { value: "web-1" }, kill_policy: { grace_period: { nanoseconds: 1e9 } } } })).status).toBe(202);
    await s.next(isUpdate("web-1", "TASK_KILLED"), 30_000);
    await until("the container gone", async () => ((await containers(id)).length === 0 ? true : undefined));

    // DECLINE for 30 s: with one agent, no offer comes back; REVIVE brings one at once.
    // Give back every offer still held (what the ACCEPT left came back after its 1 s filter, before
    // or after the kill), so that the next offer holds the whole node as it now is.
    const held = s.events.slice(s.events.indexOf(first_offers) + 1).filter((e) => e.type === "OFFERS").flatMap((e) => offersOf(e).map((o) => o.id));
    const returned = s.events.length;
    if (held.length > 0) expect((await s.call("DECLINE", { decline: { offer_ids: held, filters: { refuse_seconds: 0 } } })).status).toBe(202);
    const next = offersOf(await s.next((e) => e.type === "OFFERS", 20_000, returned))[0]!;
    expect((await s.call("DECLINE", { decline: { offer_ids: [next.id], filters: { refuse_seconds: 30 } } })).status).toBe(202);
    const after_decline = s.events.length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(s.events.slice(after_decline).filter((e) => e.type === "OFFERS")).toEqual([]);
    expect((await s.call("REVIVE", { revive: {} })).status).toBe(202);
    const revived = offersOf(await s.next((e) => e.type === "OFFERS", 10_000, after_decline))[0]!;
    // SUPPRESS: no new offers, whatever is free.
    expect((await s.call("DECLINE", { decline: { offer_ids: [revived.id], filters: { refuse_seconds: 0 } } })).status).toBe(202);
    expect((await s.call("SUPPRESS", { suppress: {} })).status).toBe(202);
    const after_suppress = s.events.length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(s.events.slice(after_suppress).filter((e) => e.type === "OFFERS")).toEqual([]);

    // Bad calls: Mesos's status codes, and nothing changes.
    const raw = (body: unknown, headers: Record<string, string>): Promise<Response> => fetch(`http://${s.master}/api/v1/scheduler`, { method: "POST", headers, body: JSON.stringify(body) });
    expect((await raw({ type: "REVIVE", framework_id: { value: id } }, { "content-type": "application/json" })).status).toBe(400); // no stream id
    expect((await raw({ type: "REVIVE", framework_id: { value: id } }, { "content-type": "text/plain", "mesos-stream-id": s.stream_id! })).status).toBe(415);
    expect((await raw({ type: "REVIVE", framework_id: { value: "nobody" } }, { "content-type": "application/json", "mesos-stream-id": s.stream_id! })).status).toBe(400);
    expect((await fetch(`http://${s.master}/api/v1/scheduler`)).status).toBe(405);
    const bad_offer = s.events.length;
    await s.call("ACCEPT", { accept: { offer_ids: [{ value: "no-such-offer" }], operations: [{ type: "LAUNCH", launch: { task_infos: [taskInfo("lost-1", next)] } }] } });
    expect(statusOf(await s.next(isUpdate("lost-1"), 10_000, bad_offer))).toMatchObject({ state: "TASK_LOST", reason: "REASON_INVALID_OFFERS", source: "SOURCE_MASTER" });

    // TEARDOWN: the stream ends with ERROR "Framework has been removed"; later calls are refused.
    expect((await s.call("TEARDOWN")).status).toBe(202);
    expect((await s.next((e) => e.type === "ERROR"))["error"]).toEqual({ message: "Framework has been removed" });
    const again = await fetch(`http://${s.master}/api/v1/scheduler`, { method: "POST", headers: { "content-type": "application/json", "mesos-stream-id": s.stream_id! }, body: JSON.stringify({ type: "REVIVE", framework_id: { value: id } }) });
    expect([403, 400]).toContain(again.status);
  }, 180_000);

  it("follows the 307 to a new leader after kill -9 of the leader, keeps its task, and gets its unacknowledged update again", async () => {
    const s = framework("failover");
    const id = await s.subscribe();
    const offer = offersOf(await s.next((e) => e.type === "OFFERS"))[0]!;
    await launch(s, offer, [taskInfo("keep-1", offer)]);
    // Acknowledge everything but TASK_RUNNING.
    s.onEvent((e) => {
      if (e.type === "UPDATE" && statusOf(e).state !== "TASK_RUNNING") void s.acknowledge(e);
    });
    const starting = await s.next(isUpdate("keep-1", "TASK_STARTING"), 60_000);
    await s.acknowledge(starting);
    const first = statusOf(await s.next(isUpdate("keep-1", "TASK_RUNNING"), 60_000));
    const leader = await c.waitLeader(["s1", "s2", "s3"]);
    c.kill9(leader);
    await until("the stream to end", async () => (s.ended ? true : undefined));
    const survivors = ["s1", "s2", "s3"].filter((n) => n !== leader);
    await c.waitLeader(survivors);
    expect(await s.subscribe()).toBe(id);
    const again = statusOf(await s.next((e) => isUpdate("keep-1", "TASK_RUNNING")(e) && statusOf(e).uuid === first.uuid, 40_000, s.events.length - 5));
    expect(again.uuid).toBe(first.uuid);
    await s.acknowledge({ type: "UPDATE", update: { status: again } });
    expect(await containers(id)).toHaveLength(1);
    // Its offers would stay held (offers never time out by default, as in Mesos): leave.
    expect((await s.call("TEARDOWN")).status).toBe(202);
    // Restart the old leader for the tests after this one.
    c.startNew(c.servers.get(leader)!, []);
    await c.waitLeader(["s1", "s2", "s3"]);
  }, 180_000);

  it("rescinds an agent's offers and reports its tasks lost (unreachable when partition-aware) when it stays down past the TTL", async () => {
    await c.startAgent("a2");
    await until("a2 ready", async () => {
      const nodes = JSON.parse((await orch(["nodes", "--json"])).stdout) as { name: string; status: string }[];
      return nodes.some((n) => n.name === "a2" && n.status === "ready") ? true : undefined;
    });
    const s = framework("partition", { capabilities: [{ type: "PARTITION_AWARE" }] });
    autoAck(s);
    await s.subscribe();
    const nodes = JSON.parse((await orch(["nodes", "--json"])).stdout) as { node_id: string; name: string }[];
    const a2 = nodes.find((n) => n.name === "a2")?.node_id;
    // Offers of other agents are declined until one of a2 comes.
    const on_a2 = async (): Promise<Offer> => {
      for (let from = 0; ; ) {
        const e = await s.next((x) => x.type === "OFFERS", 30_000, from);
        from = s.events.indexOf(e) + 1;
        const hit = offersOf(e).find((x) => x.agent_id.value === a2);
        if (hit !== undefined) return hit;
        for (const x of offersOf(e)) await s.call("DECLINE", { decline: { offer_ids: [x.id], filters: { refuse_seconds: 60 } } });
      }
    };
    const offer = await on_a2();
    const launched_at = s.events.length;
    await launch(s, offer, [taskInfo("edge-1", offer)]);
    await s.next(isUpdate("edge-1", "TASK_RUNNING"), 60_000);
    // What the task left free on a2 comes back as an offer after the ACCEPT's 1 s filter: held, not used.
    const held = await s.next((e) => e.type === "OFFERS" && offersOf(e).some((o) => o.agent_id.value === a2), 20_000, launched_at);
    const held_id = offersOf(held).find((o) => o.agent_id.value === a2)!.id.value;
    const from = s.events.length;
    c.killAgent9("a2");
    const lost = statusOf(await s.next(isUpdate("edge-1", "TASK_UNREACHABLE"), 30_000, from));
    expect(lost).toMatchObject({ source: "SOURCE_MASTER", reason: "REASON_AGENT_REMOVED" });
    expect(lost.uuid).toBeUndefined();
    await s.next((e) => e.type === "FAILURE", 10_000, from);
    await s.next((e) => e.type === "RESCIND" && (e["rescind"] as { offer_id: { value: string } }).offer_id.value === held_id, 10_000, from);
    expect((await s.call("TEARDOWN")).status).toBe(202);
  }, 180_000);

  it("kills a framework's tasks once its failover_timeout passes without it subscribing again", async () => {
    const s = framework("short-lived", { failover_timeout: 1 });
    autoAck(s);
    const id = await s.subscribe();
    const offer = offersOf(await s.next((e) => e.type === "OFFERS"))[0]!;
    await launch(s, offer, [taskInfo("brief-1", offer, { cpus: 0.1, mem: 32 })]);
    await s.next(isUpdate("brief-1", "TASK_RUNNING"), 60_000);
    s.close();
    await until("its container stopped", async () => ((await containers(id)).length === 0 ? true : undefined), 30_000);
    const r = await orch(["frameworks", "--json"]);
    expect((JSON.parse(r.stdout) as { framework_id: string }[]).some((f) => f.framework_id === id)).toBe(false);
  }, 120_000);
});
