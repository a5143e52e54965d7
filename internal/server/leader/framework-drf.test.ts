// DRF through offers: three frameworks with different demand shapes, all subscribed to a fixed
// cluster and each launching all it can on every offer, end with dominant shares within 5 % of each other (the DRF paper's result); a
// weight-2 role gets about twice the share; a suppressed framework gets nothing.
import { afterEach, describe, expect, it } from "vitest";
import { testFrameworkInfo } from "../../fsm/fixtures.test-util.js";
import { CommandType, type Command } from "../../fsm/commands.js";
import type { FrameworkInfoRecord } from "../../fsm/frameworks.js";
import { StateMachine, type ApplyResult } from "../../fsm/state.js";
import { isTerminalState } from "../../fsm/tasks.js";
import type { Logger } from "../../log/logger.js";
import { FrameworkHost } from "./framework-host.js";
import type { FrameworkConnection, HostEvent, HostOffer, LaunchRequest } from "./framework-types.js";
import { PlanApplier } from "./plan-applier.js";

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const GiB = 1024 ** 3;
const nodes = 100;
const node_cpus = 4;
const node_memory_bytes = 8 * GiB;
/** Offer rounds run; each framework accepts every offer it gets until nothing more fits. */
const rounds_max = 400;

class Greedy implements FrameworkConnection {
  readonly pending: HostOffer[] = [];
  id = "";
  launched = 0;
  suppressed = false;
  /** Launches refused (over a limit, or offers gone): with offers capped at the limit, none. */
  refused = 0;
  constructor(
    readonly name: string,
    readonly cpus: number,
    readonly memory_bytes: number,
  ) {}
  send(ev: HostEvent): void {
    if (ev.type === "OFFERS") this.pending.push(...ev.offers);
    if (ev.type === "UPDATE" && (ev.status.state === "LOST" || ev.status.state === "ERROR" || ev.status.state === "DROPPED")) this.refused += 1;
    if (ev.type === "RESCIND") this.pending.splice(0, this.pending.length, ...this.pending.filter((o) => o.offer_id !== ev.offer_id));
  }
  close(): void {}
  /** Launches as many tasks as fit on each pending offer (declining, for good, the ones where none fits). */
  async use(host: FrameworkHost): Promise<number> {
    let n = 0;
    for (const o of this.pending.splice(0)) {
      const count = Math.floor(Math.min(o.resources.cpus / this.cpus, o.resources.memory_bytes / this.memory_bytes) + 1e-9);
      if (count === 0) {
        host.decline(this.id, [o.offer_id], 3600);
        continue;
      }
      const launches: LaunchRequest[] = Array.from({ length: count }, () => {
        const task_id = `${this.name}-${++this.launched}`;
        return { task_id, name: task_id, node_id: o.node_id, resources: { cpus: this.cpus, memory_bytes: this.memory_bytes, disk_bytes: 0, ports: [] }, spec: { image: "busybox", cpus: this.cpus, memory_bytes: this.memory_bytes }, labels: [] };
      });
      await host.accept(this.id, [o.offer_id], launches, 0);
      n += count;
    }
    return n;
  }
}

const info = (name: string, role: string): FrameworkInfoRecord => testFrameworkInfo({ name, roles: [role] });

const hosts: FrameworkHost[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.stop();
});

/** A host with no nodes yet: frameworks subscribe first, then addNodes() brings the fixed cluster. */
async function cluster(roles: Record<string, number> = {}, cpu_limits: Record<string, number> = {}): Promise<{ fsm: StateMachine; host: FrameworkHost; addNodes: () => void }> {
  const fsm = new StateMachine();
  let index = 0;
  const apply = (cmd: Command): ApplyResult => fsm.apply(++index, { rid: `1-t-${index}`, at_ms: 1_000, cmd });
  const addNodes = (): void => {
    for (let i = 0; i < nodes; i++) {
      apply({ type: CommandType.node_register, node_id: `n${i}`, name: `n${i}`, http_addr: "127.0.0.1:1", resources: { cpus: node_cpus, memory_bytes: node_memory_bytes, disk_bytes: 0 }, attributes: {}, driver: "mock", version: "t" });
    }
  };
  for (const [role, weight] of Object.entries(roles)) apply({ type: CommandType.role_set, role, weight } as Command);
  for (const [role, cpus] of Object.entries(cpu_limits)) apply({ type: CommandType.role_set, role, limit: { cpus } } as Command);
  const node = { propose: (cmd: Command) => Promise.resolve(apply(cmd)), linearizableRead: () => Promise.resolve() };
  const plans = new PlanApplier(fsm, node, quiet);
  const host = new FrameworkHost(fsm, node, plans, quiet, { heartbeat_interval_ms: 3_600_000, allocation_interval_ms: 3_600_000, offer_timeout_ms: 0, update_retry_ms_min: 60_000, update_retry_ms_max: 60_000 }, 11);
  hosts.push(host);
  const epoch = { term: 1, signal: new AbortController().signal };
  plans.start(epoch);
  host.start(epoch);
  return { fsm, host, addNodes };
}

/** Runs offer rounds until no framework can launch anything more. */
async function run(host: FrameworkHost, fws: Greedy[], addNodes: () => void): Promise<void> {
  addNodes();
  (host as unknown as { tick(): void }).tick();
  for (let round = 0; round < rounds_max; round++) {
    let launched = 0;
    for (const f of fws) launched += await f.use(host);
    (host as unknown as { tick(): void }).tick();
    if (launched === 0 && fws.every((f) => f.pending.length === 0)) return;
  }
}

function dominantShare(fsm: StateMachine, framework_id: string): number {
  let cpus = 0;
  let memory_bytes = 0;
  for (const t of fsm.tasks.ofService(framework_id)) {
    if (isTerminalState(t.state)) continue;
    cpus += t.spec.cpus;
    memory_bytes += t.spec.memory_bytes;
  }
  return Math.max(cpus / (nodes * node_cpus), memory_bytes / (nodes * node_memory_bytes));
}

describe("DRF through offers", () => {
  it("three frameworks with different demand shapes reach dominant shares within 5 % of each other", async () => {
    const { fsm, host, addNodes } = await cluster();
    // CPU-heavy, memory-heavy and balanced tasks.
    const fws = [new Greedy("cpu", 1, GiB / 4), new Greedy("mem", 0.1, 2 * GiB), new Greedy("even", 0.5, GiB)];
    for (const f of fws) f.id = await host.subscribe({ info: info(f.name, "*") }, f);
    await run(host, fws, addNodes);
    const shares = fws.map((f) => dominantShare(fsm, f.id));
    const [lo, hi] = [Math.min(...shares), Math.max(...shares)];
    expect(lo, `shares ${shares.map((s) => s.toFixed(3)).join(", ")}`).toBeGreaterThan(0.3);
    expect(hi - lo, `shares ${shares.map((s) => s.toFixed(3)).join(", ")}`).toBeLessThanOrEqual(0.05);
  });

  it("a role of weight 2 ends with about twice the share of a role of weight 1", async () => {
    const { fsm, host, addNodes } = await cluster({ gold: 2, bronze: 1 });
    const fws = [new Greedy("gold", 0.5, GiB / 2), new Greedy("bronze", 0.5, GiB / 2)];
    fws[0]!.id = await host.subscribe({ info: info("gold", "gold") }, fws[0]!);
    fws[1]!.id = await host.subscribe({ info: info("bronze", "bronze") }, fws[1]!);
    await run(host, fws, addNodes);
    const [gold, bronze] = fws.map((f) => dominantShare(fsm, f.id)) as [number, number];
    expect(gold / bronze, `gold ${gold.toFixed(3)}, bronze ${bronze.toFixed(3)}`).toBeGreaterThan(1.8);
    expect(gold / bronze, `gold ${gold.toFixed(3)}, bronze ${bronze.toFixed(3)}`).toBeLessThan(2.2);
  });

  it("a suppressed framework gets no offers while the other takes the cluster", async () => {
    const { fsm, host, addNodes } = await cluster();
    const active = new Greedy("active", 1, GiB);
    const quietly = new Greedy("quiet", 1, GiB);
    quietly.id = await host.subscribe({ info: info("quiet", "*"), suppressed_roles: ["*"] }, quietly);
    active.id = await host.subscribe({ info: info("active", "*") }, active);
    await run(host, [active, quietly], addNodes);
    expect(quietly.launched).toBe(0);
    expect(dominantShare(fsm, active.id)).toBe(1);
  });

  it("a role with a limit is offered and given no more than its limit; the rest goes to the others", async () => {
    // capped may hold 40 CPUs of the cluster's 400.
    const { fsm, host, addNodes } = await cluster({ capped: 1, free: 1 }, { capped: 40 });
    const fws = [new Greedy("capped", 1, GiB / 4), new Greedy("free", 1, GiB / 4)];
    fws[0]!.id = await host.subscribe({ info: info("capped", "capped") }, fws[0]!);
    fws[1]!.id = await host.subscribe({ info: info("free", "free") }, fws[1]!);
    await run(host, fws, addNodes);
    const cpus = (id: string): number => fsm.tasks.ofService(id).filter((t) => !isTerminalState(t.state)).reduce((sum, t) => sum + t.spec.cpus, 0);
    expect(cpus(fws[0]!.id)).toBe(40);
    // It was never offered more than its limit: no launch of it had to be refused.
    expect(fws[0]!.refused).toBe(0);
    expect(cpus(fws[1]!.id)).toBe(nodes * node_cpus - 40);
  });
});
