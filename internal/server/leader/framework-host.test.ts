// The framework host against a real state machine and plan applier (commits land a moment later,
// as through Raft): subscribe, offers, launch, status updates until acknowledged, decline filters,
// invalid offers, failover of a stream, reconciliation, and the failover timeout.
import { testFrameworkInfo } from "../../fsm/fixtures.test-util.js";
import { afterEach, describe, expect, it } from "vitest";
import { CommandType, type Command } from "../../fsm/commands.js";
import { StateMachine, type ApplyResult } from "../../fsm/state.js";
import type { TaskStatus } from "../../driver/types.js";
import type { Logger } from "../../log/logger.js";
import { FrameworkHost } from "./framework-host.js";
import type { FrameworkConnection, HostEvent, HostOffer, LaunchRequest } from "./framework-types.js";
import { PlanApplier } from "./plan-applier.js";

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

class Conn implements FrameworkConnection {
  readonly events: HostEvent[] = [];
  closed: HostEvent | "closed" | undefined;
  send(ev: HostEvent): void {
    if (this.closed === undefined) this.events.push(ev);
  }
  close(last?: HostEvent): void {
    this.closed ??= last ?? "closed";
  }
  of<T extends HostEvent["type"]>(type: T): Extract<HostEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<HostEvent, { type: T }> => e.type === type);
  }
  offers(): HostOffer[] {
    return this.of("OFFERS").flatMap((e) => e.offers);
  }
}

const info = (o: Parameters<typeof testFrameworkInfo>[0] = {}) => testFrameworkInfo({ name: "test", failover_timeout_s: 3600, ...o });

const hosts: FrameworkHost[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.stop();
});

function setup(): { fsm: StateMachine; host: FrameworkHost; apply: (cmd: Command) => ApplyResult } {
  const fsm = new StateMachine();
  let index = 0;
  const apply = (cmd: Command): ApplyResult => fsm.apply(++index, { rid: `r${index}`, at_ms: Date.now(), cmd });
  const node = {
    propose: (cmd: Command) => new Promise<ApplyResult>((r) => setTimeout(() => r(apply(cmd)), 2)),
    linearizableRead: () => Promise.resolve(),
  };
  apply({ type: CommandType.node_register, node_id: "n1", name: "n1", http_addr: "127.0.0.1:4642", resources: { cpus: 2, memory_bytes: 1 << 30, disk_bytes: 0 }, attributes: { hostname: "host-1" }, driver: "mock", version: "t" });
  const plans = new PlanApplier(fsm, node, quiet);
  // Long intervals: the test drives allocation through the calls themselves.
  const host = new FrameworkHost(fsm, node, plans, quiet, { heartbeat_interval_ms: 60_000, allocation_interval_ms: 60_000, offer_timeout_ms: 0, update_retry_ms_min: 10, update_retry_ms_max: 40 }, 7);
  hosts.push(host);
  const epoch = { term: 1, signal: new AbortController().signal };
  plans.start(epoch);
  host.start(epoch);
  return { fsm, host, apply };
}

const launch = (task_id: string, cpus: number, memory_mb: number): LaunchRequest => ({
  task_id,
  name: task_id,
  node_id: "n1",
  resources: { cpus, memory_bytes: memory_mb << 20, disk_bytes: 0, ports: [] },
  spec: { image: "busybox", command: ["/bin/sh", "-c", "sleep 60"], cpus, memory_bytes: memory_mb << 20 },
  labels: [],
});

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("FrameworkHost", () => {
  it("subscribes, offers the node, launches a task and keeps its updates until acknowledged", async () => {
    const { fsm, host, apply } = setup();
    const c = new Conn();
    const id = await host.subscribe({ info: info() }, c);
    expect(c.events.slice(0, 2)).toEqual([{ type: "SUBSCRIBED", framework_id: id, heartbeat_interval_seconds: 60 }, { type: "HEARTBEAT" }]);
    const [offer] = c.offers();
    expect(offer).toMatchObject({ framework_id: id, node_id: "n1", hostname: "host-1", agent_addr: "127.0.0.1:4642", resources: { cpus: 2, memory_bytes: 1 << 30, ports: [[31000, 32000]] } });
    await host.accept(id, [offer!.offer_id], [launch("web-1", 1, 256)]);
    const t = fsm.tasks.ofService(id)[0]!;
    expect(t).toMatchObject({ node_id: "n1", state: "STAGING", framework: { framework_id: id, task_id: "web-1" } });
    // The agent reports it running: the framework gets an UPDATE with a uuid to acknowledge.
    apply({ type: CommandType.task_status, node_id: "n1", updates: [{ update_id: "u1", task_id: t.task_id, seq: 1, at_ms: 5, status: { task_id: t.task_id, node_id: "n1", state: "RUNNING", reason: "running", message: "running" } as TaskStatus }] });
    const [up] = c.of("UPDATE");
    expect(up!.status).toMatchObject({ task_id: "web-1", state: "RUNNING", source: "SOURCE_AGENT", node_id: "n1" });
    expect(up!.status.uuid).toBeDefined();
    // Not acknowledged: it is sent again (with backoff).
    await wait(30);
    (host as unknown as { tick(): void }).tick();
    expect(c.of("UPDATE").filter((e) => e.status.uuid === up!.status.uuid).length).toBeGreaterThanOrEqual(2);
    await host.acknowledge(id, "web-1", up!.status.uuid!);
    expect(t.framework!.pending).toEqual([]);
    const sent = c.of("UPDATE").length;
    await wait(50);
    (host as unknown as { tick(): void }).tick();
    expect(c.of("UPDATE").length).toBe(sent);
  });

  it("answers a launch on a used or unknown offer with TASK_LOST (TASK_DROPPED when partition-aware), REASON_INVALID_OFFERS", async () => {
    const { host } = setup();
    const c = new Conn();
    const id = await host.subscribe({ info: info() }, c);
    const [offer] = c.offers();
    host.decline(id, [offer!.offer_id], 0);
    await host.accept(id, [offer!.offer_id], [launch("late", 0.5, 64)]);
    expect(c.of("UPDATE").at(-1)!.status).toMatchObject({ task_id: "late", state: "LOST", reason: "REASON_INVALID_OFFERS", source: "SOURCE_MASTER" });
    const p = new Conn();
    const pid = await host.subscribe({ info: info({ capabilities: ["PARTITION_AWARE"] }) }, p);
    await host.accept(pid, ["no-such-offer"], [launch("x", 0.5, 64)]);
    expect(p.of("UPDATE").at(-1)!.status).toMatchObject({ task_id: "x", state: "DROPPED", reason: "REASON_INVALID_OFFERS" });
  });

  it("refuses a task asking for more than its offers with TASK_ERROR, and launches the rest", async () => {
    const { fsm, host } = setup();
    const c = new Conn();
    const id = await host.subscribe({ info: info() }, c);
    const [offer] = c.offers();
    await host.accept(id, [offer!.offer_id], [launch("a", 1.5, 128), launch("b", 1, 128), { task_id: "c", node_id: "n1", error: "LAUNCH_GROUP is not supported" }]);
    const updates = c.of("UPDATE").map((e) => [e.status.task_id, e.status.state, e.status.reason]);
    expect(updates).toEqual([
      ["b", "ERROR", "REASON_TASK_INVALID"],
      ["c", "ERROR", "REASON_TASK_INVALID"],
    ]);
    expect(fsm.tasks.ofService(id).map((t) => t.framework!.task_id)).toEqual(["a"]);
  });

  it("does not offer a declined node again before refuse_seconds", async () => {
    const { host } = setup();
    const c = new Conn();
    const id = await host.subscribe({ info: info() }, c);
    const [offer] = c.offers();
    host.decline(id, [offer!.offer_id], 0.2);
    (host as unknown as { tick(): void }).tick();
    expect(c.offers()).toHaveLength(1);
    await wait(250);
    (host as unknown as { tick(): void }).tick();
    expect(c.offers()).toHaveLength(2);
  });

  it("ends the first stream with 'Framework failed over' when the framework subscribes again", async () => {
    const { host } = setup();
    const first = new Conn();
    const id = await host.subscribe({ info: info() }, first);
    const second = new Conn();
    expect(await host.subscribe({ framework_id: id, info: info() }, second)).toBe(id);
    expect(first.closed).toEqual({ type: "ERROR", message: "Framework failed over" });
    expect(second.of("SUBSCRIBED")).toHaveLength(1);
    // The old stream's end changes nothing for the new one.
    host.disconnected(id, first);
    expect(host.connected(id)).toBe(true);
  });

  it("reconciles from the task table: known tasks with their state, unknown ones as LOST", async () => {
    const { host } = setup();
    const c = new Conn();
    const id = await host.subscribe({ info: info() }, c);
    const [offer] = c.offers();
    await host.accept(id, [offer!.offer_id], [launch("r1", 0.5, 64)]);
    await host.reconcile(id, [{ task_id: "r1" }, { task_id: "ghost" }]);
    expect(c.of("UPDATE").map((e) => [e.status.task_id, e.status.state, e.status.reconciliation])).toEqual([
      ["r1", "STAGING", true],
      ["ghost", "LOST", true],
    ]);
    await host.reconcile(id, []);
    expect(c.of("UPDATE").at(-1)!.status).toMatchObject({ task_id: "r1", state: "STAGING" });
  });

  it("removes a framework whose failover_timeout passes while disconnected, and kills its tasks", async () => {
    const { fsm, host } = setup();
    const c = new Conn();
    const id = await host.subscribe({ info: info({ failover_timeout_s: 0 }) }, c);
    const [offer] = c.offers();
    await host.accept(id, [offer!.offer_id], [launch("k1", 0.5, 64)]);
    host.disconnected(id, c);
    await wait(20);
    (host as unknown as { tick(): void }).tick();
    await wait(20);
    expect(fsm.frameworks.get(id)).toBeUndefined();
    expect(fsm.frameworks.completed().map((f) => f.framework_id)).toEqual([id]);
    expect(fsm.tasks.ofService(id)[0]!.desired).toBe("stopped");
    await expect(host.subscribe({ framework_id: id, info: info() }, new Conn())).rejects.toMatchObject({ status: 403, message: "Framework has been removed" });
  });
});
