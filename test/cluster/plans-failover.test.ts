// Kill -9 of the leader while plans are in flight: two services of two roles compete for one
// node that cannot hold both, scaling up as the leader dies. Afterwards no node holds more than
// it has, and no task id appears twice: the plan applier and the state machine's re-check hold
// across the failover.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBinary, run } from "../support/binary.js";
import { TestCluster, until } from "../support/cluster.js";

let c: TestCluster;
const orch = (args: string[]) => run(requireBinary(), args, { env: { ORCH_ADDR: c.httpAddrs() } });

interface TaskJson {
  task_id: string;
  service: string;
  node_id: string;
  state: string;
  spec: { cpus: number; memory_bytes: number };
}
interface NodeJson {
  node_id: string;
  resources: { cpus: number; memory_bytes: number };
}

const terminal = new Set(["FINISHED", "FAILED", "KILLED", "LOST"]);

beforeAll(async () => {
  c = await TestCluster.create();
  await c.bootstrap(["s1", "s2", "s3"]);
  // One mock node of 4 CPUs: both services together want 8.
  await c.startAgent("a1", ["--driver", "mock", "--cpus", "4", "--mem", "4g"]);
  await until("a ready node", async () => {
    const r = await orch(["nodes", "--json"]);
    return r.code === 0 && (JSON.parse(r.stdout) as { status: string }[]).some((n) => n.status === "ready") ? true : undefined;
  });
});

afterAll(async () => {
  await c?.destroy();
});

describe("plans in flight across a leader's kill -9", () => {
  it("leave no node over-committed and no task placed twice", async () => {
    const mock = ["--", "mock", JSON.stringify({ run_ms: 600_000 })];
    for (const [name, role] of [["red", "team-red"], ["blue", "team-blue"]] as const) {
      const r = await orch(["run", "--detach", "--name", name, "--role", role, "--cpus", "0.25", "--mem", "64m", "--count", "2", "busybox:latest", ...mock]);
      expect(r.code, r.stderr).toBe(0);
    }
    // Both scale to 16 x 0.25 CPU = 4 CPUs each at once, and the leader dies while they place.
    const scaling = Promise.all(["red", "blue"].map((n) => orch(["scale", n, "16"])));
    await new Promise((r) => setTimeout(r, 150));
    const leader = await c.waitLeader(["s1", "s2", "s3"]);
    c.kill9(leader);
    const scaled = await scaling;
    for (const s of scaled) expect([0, 1]).toContain(s.code);
    const survivors = ["s1", "s2", "s3"].filter((n) => n !== leader);
    await c.waitLeader(survivors);
    // Settled: the node has no room for one more task (the agent keeps a reserve for the host).
    const node_cpus = (JSON.parse((await orch(["nodes", "--json"])).stdout) as NodeJson[])[0]!.resources.cpus;
    const settled = await until(
      "the node full and the rest waiting",
      async () => {
        const r = await orch(["ps", "--json"]);
        if (r.code !== 0) return undefined;
        const tasks = (JSON.parse(r.stdout) as TaskJson[]).filter((t) => !terminal.has(t.state));
        const cpus = tasks.reduce((sum, t) => sum + t.spec.cpus, 0);
        return cpus + 0.25 > node_cpus + 1e-9 ? tasks : undefined;
      },
      45_000,
    );
    const all = JSON.parse((await orch(["ps", "--json", "--all"])).stdout) as TaskJson[];
    expect(new Set(all.map((t) => t.task_id)).size, "a task id placed twice").toBe(all.length);
    const nodes = JSON.parse((await orch(["nodes", "--json"])).stdout) as NodeJson[];
    for (const n of nodes) {
      const on = settled.filter((t) => t.node_id === n.node_id);
      expect(on.reduce((sum, t) => sum + t.spec.cpus, 0)).toBeLessThanOrEqual(n.resources.cpus + 1e-9);
      expect(on.reduce((sum, t) => sum + t.spec.memory_bytes, 0)).toBeLessThanOrEqual(n.resources.memory_bytes);
    }
    // Both roles got room (neither starved the other entirely).
    expect(new Set(settled.map((t) => t.service))).toEqual(new Set(["red", "blue"]));
    // Restart the killed server; nothing changes on the node.
    c.startNew(c.servers.get(leader)!, []);
    await c.waitLeader(["s1", "s2", "s3"]);
  }, 120_000);
});
