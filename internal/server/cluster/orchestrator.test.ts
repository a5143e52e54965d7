// The leader's loop over a state machine (commits applied at once): large batches place in one evaluation.
import { describe, expect, it } from "vitest";
import { CommandType, type Command } from "../../fsm/commands.js";
import type { ServiceSpec } from "../../fsm/services.js";
import { testServiceSpec } from "../../fsm/fixtures.test-util.js";
import { StateMachine } from "../../fsm/state.js";
import type { Logger } from "../../log/logger.js";
import { PlanApplier } from "../leader/plan-applier.js";
import { evaluate_tasks_max, Orchestrator } from "./orchestrator.js";

const spec = (name: string, strategy: ServiceSpec["strategy"]): ServiceSpec =>
  testServiceSpec({ name, cpus: 0.01, memory_bytes: 8 << 20, count: 10_000, strategy });

describe("Orchestrator", () => {
  it("places 140,000 tasks waiting at once, binpack then spread, on 100 nodes, each once, a bounded batch per evaluation", async () => {
    const fsm = new StateMachine();
    let index = 0;
    const apply = (cmd: Command): ReturnType<StateMachine["apply"]> => fsm.apply(++index, { rid: `r-${index}`, at_ms: 1_000 + index, cmd });
    // 1,400 tasks fill a node: under the 2,000 task records a node's assignment list may carry.
    for (let i = 0; i < 100; i++) {
      apply({
        type: CommandType.node_register,
        node_id: `n${i}`,
        name: `n${i}`,
        http_addr: "127.0.0.1:1",
        resources: { cpus: 14, memory_bytes: 2 ** 35, disk_bytes: 0 },
        attributes: {},
        driver: "mock",
        version: "t",
      });
    }
    // Over ~130,000 elements, push(...array) overflows the stack; many tasks on one node once cost O(n²).
    for (let i = 0; i < 13; i++) apply({ type: CommandType.service_put, spec: spec(`bin-${i}`, "binpack") });
    apply({ type: CommandType.service_put, spec: spec("spread", "spread") });
    const debug_lines: string[] = []; // failed evaluations and committed plans
    const log: Logger = { debug: (m, f) => debug_lines.push(`${m} ${JSON.stringify(f)}`), info: () => {}, warn: () => {}, error: () => {} };
    const node = { propose: (cmd: Command) => Promise.resolve(apply(cmd)) };
    const plans = new PlanApplier(fsm, node, log);
    const orch = new Orchestrator(fsm, plans, node, log, 1);
    const epoch = { term: 1, signal: new AbortController().signal };
    plans.start(epoch);
    orch.start(epoch);
    try {
      orch.poke();
      const deadline = Date.now() + 50_000;
      while (fsm.tasks.size < 140_000 && Date.now() < deadline && !debug_lines.some((f) => f.startsWith("plan not committed"))) await new Promise((r) => setTimeout(r, 50));
    } finally {
      orch.stop();
    }
    expect(debug_lines.filter((f) => f.startsWith("plan not committed"))).toEqual([]);
    expect(fsm.tasks.size).toBe(140_000);
    expect(fsm.services.all().map((s) => s.tasks_made)).toEqual(Array(14).fill(10_000));
    for (let i = 0; i < 100; i++) expect(fsm.tasks.onNode(`n${i}`).reduce((sum, t) => sum + t.spec.cpus, 0)).toBeCloseTo(14, 6);
    const batches = debug_lines.filter((f) => f.startsWith("plan committed")).map((f) => (JSON.parse(f.slice("plan committed ".length)) as { placed: number }).placed);
    expect(batches.length).toBe(140_000 / evaluate_tasks_max);
    expect(batches.every((n) => n === evaluate_tasks_max)).toBe(true);
  }, 60_000);

  it("makes no task past its role's limit and says why the rest wait", async () => {
    const fsm = new StateMachine();
    let index = 0;
    const apply = (cmd: Command): ReturnType<StateMachine["apply"]> => fsm.apply(++index, { rid: `1-t-${index}`, at_ms: 1_000 + index, cmd });
    apply({ type: CommandType.node_register, node_id: "n", name: "n", http_addr: "127.0.0.1:1", resources: { cpus: 8, memory_bytes: 2 ** 33, disk_bytes: 0 }, attributes: {}, driver: "mock", version: "t" });
    apply({ type: CommandType.role_set, role: "capped", limit: { cpus: 1 } });
    apply({ type: CommandType.service_put, spec: testServiceSpec({ name: "web", role: "capped", cpus: 0.5, memory_bytes: 8 << 20, count: 4 }) });
    const log: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const node = { propose: (cmd: Command) => Promise.resolve(apply(cmd)) };
    const plans = new PlanApplier(fsm, node, log);
    const orch = new Orchestrator(fsm, plans, node, log, 1);
    const epoch = { term: 1, signal: new AbortController().signal };
    plans.start(epoch);
    orch.start(epoch);
    try {
      const deadline = Date.now() + 10_000;
      while (fsm.services.get("web")!.pending_reason === "" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      orch.stop();
    }
    expect(fsm.tasks.ofService("web")).toHaveLength(2);
    expect(fsm.services.get("web")).toMatchObject({ pending_count: 2, pending_reason: "role capped is at its limit of 1 cpus (orch roles set capped --quota ... raises it)" });
  });
});
