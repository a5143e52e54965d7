// The operator routes on a loopback HTTP server over a state machine driven by real commands:
// statuses and texts for bad calls (which change nothing), the state document and its aliases,
// SUBSCRIBE's stream with its events and its bounds.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CommandType } from "../../fsm/commands.js";
import { streamLogger } from "../../log/logger.js";
import { getState } from "../../mesos/operator-build.js";
import { Cluster, mib, smallCluster } from "../../mesos/operator.test-util.js";
import { RecordIODecoder } from "../../mesos/recordio-decoder.js";
import type { RaftNode } from "../../raftnode/node.js";
import { mesosOperatorHandler, type OperatorOptions } from "./mesos-operator.js";
import { operatorInput } from "./mesos-operator-input.js";
import type { ServerView } from "./view.js";

interface Fixture {
  c: Cluster;
  base: string;
  reads: () => number;
  leader: { set(up: boolean): void };
  view: ServerView;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(options: Partial<OperatorOptions> = {}, c = smallCluster()): Promise<Fixture> {
  let reads = 0;
  let up = true;
  const node = { linearizableRead: async () => void reads++, failed: undefined } as unknown as RaftNode;
  const view = {
    node,
    fsm: c.fsm,
    cluster_id: "cluster-1",
    stopping: () => false,
    status: () => ({ self: { http_addr: "127.0.0.1:5050" } }),
    leaderMember: () => (up ? { id: 1, name: "s1", raft_addr: "127.0.0.1:5060", http_addr: "127.0.0.1:5050" } : null),
    notReady: () => (up ? null : "no leader is elected yet"),
    isLeader: () => up,
  } as unknown as ServerView;
  const handler = mesosOperatorHandler(view, streamLogger("error", () => undefined), options);
  const server = http.createServer((req, res) => {
    if (!handler(req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { c, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reads: () => reads, leader: { set: (x) => (up = x) }, view };
}

const api = (f: Fixture, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }, method = "POST"): Promise<Response> =>
  fetch(`${f.base}/api/v1`, { method, headers, ...(method === "GET" ? {} : { body: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)) }) });
// (Bytes, not a string: fetch would add its own Content-Type to a string body.)

describe("POST /api/v1", () => {
  it("answers GET_STATE with the state's builders after a linearizable read", async () => {
    const f = await serve();
    const res = await api(f, { type: "GET_STATE" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as { type: string; get_state: { get_tasks: { tasks: { task_id: { value: string } }[] } } };
    expect(body.type).toBe("GET_STATE");
    expect(body.get_state.get_tasks.tasks.map((t) => t.task_id.value)).toEqual(getState(operatorInput(f.view, 0)).get_tasks.tasks.map((t) => t.task_id.value));
    expect(f.reads()).toBe(1);
  });

  it("answers GET_HEALTH, GET_VERSION and GET_MASTER exactly", async () => {
    const f = await serve();
    expect(await (await api(f, { type: "GET_HEALTH" })).json()).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
    expect(await (await api(f, { type: "GET_VERSION" })).json()).toEqual({ type: "GET_VERSION", get_version: { version_info: { version: "1.11.0", git_tag: "orch-0.1.0" } } });
    const m = (await (await api(f, { type: "GET_MASTER" })).json()) as { get_master: { master_info: Record<string, unknown>; start_time: number } };
    expect(m.get_master.master_info).toMatchObject({ id: "cluster-1", port: 5050, hostname: "127.0.0.1", pid: "master@127.0.0.1:5050", address: { ip: "127.0.0.1", port: 5050 } });
    expect(m.get_master.start_time).toBeGreaterThan(1_600_000_000);
  });

  it("refuses bad calls with Mesos's status and a text saying why, and changes nothing", async () => {
    const f = await serve();
    const before = f.c.fsm.applied_index;
    const cases: [unknown, Record<string, string>, string, number, RegExp][] = [
      [{ type: "GET_STATE" }, { "content-type": "application/json" }, "GET", 405, /Expecting one of \{ 'POST' \}/],
      [{ type: "GET_STATE" }, {}, "POST", 400, /Expecting 'Content-Type' to be present/],
      [{ type: "GET_STATE" }, { "content-type": "text/plain" }, "POST", 415, /Expecting 'Content-Type' of application\/json/],
      ["{nope", { "content-type": "application/json" }, "POST", 400, /Failed to parse body into JSON/],
      [{ type: "NOPE" }, { "content-type": "application/json" }, "POST", 400, /Expecting 'type' to be present/],
      [{ type: "GET_STATE" }, { "content-type": "application/json", accept: "application/x-protobuf" }, "POST", 406, /Expecting 'Accept' to allow/],
      [{ type: "UNKNOWN" }, { "content-type": "application/json" }, "POST", 501, /not implemented/],
      [{ type: "MARK_AGENT_GONE", mark_agent_gone: { agent_id: { value: "n1" } } }, { "content-type": "application/json" }, "POST", 501, /does not implement/],
    ];
    for (const [body, headers, method, status, text] of cases) {
      const res = await api(f, body, headers, method);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await res.text()).toMatch(text);
    }
    const big = await api(f, JSON.stringify({ type: "GET_STATE", pad: "x".repeat(70_000) }));
    expect(big.status).toBe(413);
    expect(f.c.fsm.applied_index).toBe(before);
    expect(f.reads()).toBe(0);
  });

  it("answers 503 'No leader elected' while there is no leader", async () => {
    const f = await serve();
    f.leader.set(false);
    const res = await api(f, { type: "GET_TASKS" });
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/^No leader elected/);
    expect((await fetch(`${f.base}/master/state`)).status).toBe(503);
  });
});

describe("GET /master/state", () => {
  it("serves the state document on every alias, and JSONP for a plain callback name", async () => {
    const f = await serve();
    for (const p of ["/master/state", "/master/state.json", "/state", "/state.json"]) {
      const res = await fetch(`${f.base}${p}?unrelated=1`);
      expect(res.status, p).toBe(200);
      const s = (await res.json()) as { slaves: { id: string }[]; frameworks: { id: string }[] };
      expect(s.slaves.map((x) => x.id)).toEqual(["n1"]);
      expect(s.frameworks.map((x) => x.id)).toEqual(["services", "jobs", "fw-1"]);
    }
    const p = await fetch(`${f.base}/master/state?jsonp=ui.cb`);
    expect(p.headers.get("content-type")).toBe("text/javascript");
    expect(await p.text()).toMatch(/^ui\.cb\(\{"version":"1\.11\.0".*\}\);$/);
  });

  it("refuses another method (405) and a callback that is not a name (400)", async () => {
    const f = await serve();
    const post = await fetch(`${f.base}/master/state`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const bad = await fetch(`${f.base}/state.json?jsonp=${encodeURIComponent("alert(1)//")}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/'jsonp' must be a JavaScript function name/);
  });
});

/** Reads an operator stream's events as they come. */
class EventReader {
  readonly events: { type: string; [k: string]: unknown }[] = [];
  private readonly decoder = new RecordIODecoder(64 * 1024 * 1024);
  private waiters: (() => void)[] = [];
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  ended = false;

  constructor(res: Response) {
    this.reader = res.body!.getReader();
    void this.pump();
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }

  private async pump(): Promise<void> {
    for (;;) {
      const { value, done } = await this.reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) break;
      for (const r of this.decoder.push(value)) this.events.push(JSON.parse(r.toString("utf8")) as { type: string });
      for (const w of this.waiters.splice(0)) w();
    }
    this.ended = true;
    for (const w of this.waiters.splice(0)) w();
  }

  async until(what: string, ok: (evs: EventReader["events"]) => boolean, timeout_ms = 5_000): Promise<void> {
    const deadline = Date.now() + timeout_ms;
    while (!ok(this.events)) {
      if (this.ended || Date.now() > deadline) throw new Error(`${what}: got ${this.events.map((e) => e.type).join(", ")}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
}

describe("SUBSCRIBE", () => {
  it("streams SUBSCRIBED with the state, a HEARTBEAT, then events as the state changes (unreported status changes too)", async () => {
    const f = await serve({ operator_poll_ms: 50 });
    const res = await api(f, { type: "SUBSCRIBE" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const r = new EventReader(res);
    await r.until("SUBSCRIBED and HEARTBEAT", (e) => e.length >= 2);
    expect(r.events.map((e) => e.type).slice(0, 2)).toEqual(["SUBSCRIBED", "HEARTBEAT"]);
    const sub = r.events[0]!["subscribed"] as { heartbeat_interval_seconds: number; get_state: { get_agents: { agents: unknown[] } } };
    expect(sub.heartbeat_interval_seconds).toBe(15);
    expect(sub.get_state.get_agents.agents).toHaveLength(1);

    f.c.apply({ type: CommandType.plan_apply, tasks: [{ task_id: "web.9", service: "web", version: 2, node_id: "n1", spec: { task_id: "web.9", image: "busybox", cpus: 0.1, memory_bytes: 16 * mib } }], stops: [], services: [] });
    await r.until("TASK_ADDED", (e) => e.some((x) => x.type === "TASK_ADDED"));
    // A plain status change notifies no state machine listener: the poll finds it.
    f.c.status("web.9", "RUNNING", "running");
    await r.until("TASK_UPDATED", (e) => e.some((x) => x.type === "TASK_UPDATED"));
    const upd = r.events.find((x) => x.type === "TASK_UPDATED")!["task_updated"] as { state: string; status: { task_id: { value: string } } };
    expect(upd).toMatchObject({ state: "TASK_RUNNING", status: { task_id: { value: "web.9" } } });
    await r.cancel();
  });

  it("refuses one stream more than operator_streams_max with 503 and serves again once one closes", async () => {
    const f = await serve({ operator_streams_max: 1 });
    const first = await api(f, { type: "SUBSCRIBE" });
    expect(first.status).toBe(200);
    const second = await api(f, { type: "SUBSCRIBE" });
    expect(second.status).toBe(503);
    expect(await second.text()).toMatch(/operator_streams_max/);
    await first.body?.cancel();
    let again: Response | undefined;
    for (let i = 0; i < 50 && again?.status !== 200; i++) {
      await again?.body?.cancel();
      await new Promise((r) => setTimeout(r, 20));
      again = await api(f, { type: "SUBSCRIBE" });
    }
    expect(again?.status).toBe(200);
    await again?.body?.cancel();
  });

  it("cuts a stream whose reader falls behind the buffer bound", async () => {
    const f = await serve({ operator_stream_buffer_bytes_max: 1, operator_poll_ms: 20 });
    const res = await new Promise<http.IncomingMessage>((resolve) => {
      const req = http.request(`${f.base}/api/v1`, { method: "POST", headers: { "content-type": "application/json" } }, resolve);
      req.end(JSON.stringify({ type: "SUBSCRIBE" }));
    });
    res.pause(); // never read: the server's queue grows past the bound
    for (let i = 0; i < 200; i++) f.c.apply({ type: CommandType.plan_apply, tasks: [{ task_id: `web.x${i}`, service: "web", version: 2, node_id: "n1", spec: { task_id: `web.x${i}`, image: "busybox", cpus: 0.001, memory_bytes: mib, env: { PAD: "y".repeat(50_000) } } }], stops: [], services: [] });
    const closed = await new Promise<boolean>((resolve) => {
      res.on("close", () => resolve(true));
      res.on("end", () => resolve(true));
      setTimeout(() => resolve(false), 5_000);
      res.resume();
    });
    expect(closed).toBe(true);
  });
});
