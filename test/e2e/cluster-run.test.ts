// Three servers and two agents on loopback, the real Docker engine: a service survives a killed
// container, a dead agent and a dead leader, and ends with exactly its replicas, each in one container.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBinary, run } from "../support/binary.js";
import { TestCluster, until } from "../support/cluster.js";
import { docker } from "../support/docker.js";
import { containersOf } from "../support/dev.js";

const image = "orch-test/busybox:latest";
const service = `svc-${randomBytes(3).toString("hex")}`;
/** Settling bound for a whole failover (TTL 3 s, then placement and a container start). */
const settle_ms = 45_000;
let c: TestCluster;

interface TaskJson {
  task_id: string;
  node_name: string;
  state: string;
  reason: string;
}

const orch = (args: string[]) => run(requireBinary(), args, { env: { ORCH_ADDR: c.httpAddrs() } });

async function tasks(all = false): Promise<TaskJson[]> {
  const r = await orch(["ps", "--json", "--service", service, ...(all ? ["--all"] : [])]);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as TaskJson[];
}

/** The service's running containers, with the node label the driver puts on each. */
async function running(): Promise<{ task_id: string; node: string }[]> {
  const r = await docker(["ps", "--filter", `label=service=${service}`, "--format", '{{.Label "orch.task_id"}} {{.Label "orch.node_id"}}']);
  return r.stdout.split("\n").filter((l) => l !== "").map((l) => ({ task_id: l.split(" ")[0]!, node: l.split(" ")[1]! }));
}

/** Exactly `n` tasks RUNNING in orch, each in exactly one running container. */
async function settled(n: number): Promise<TaskJson[] | undefined> {
  const ts = (await tasks()).filter((t) => t.state === "RUNNING");
  const cs = await running();
  const ids = cs.map((x) => x.task_id).sort();
  if (ts.length !== n || cs.length !== n || new Set(ids).size !== n) return undefined;
  return ids.join() === ts.map((t) => t.task_id).sort().join() ? ts : undefined;
}

beforeAll(async () => {
  c = await TestCluster.create();
  await c.bootstrap(["s1", "s2", "s3"], ["--heartbeat-ttl", "3s", "--heartbeat-interval", "500ms"]);
  await c.startAgent("a1");
  await c.startAgent("a2");
  await until("two ready nodes", async () => {
    const r = await orch(["nodes", "--json"]);
    return r.code === 0 && (JSON.parse(r.stdout) as { status: string }[]).filter((n) => n.status === "ready").length === 2 ? true : undefined;
  });
});

afterAll(async () => {
  await c?.destroy();
  const ids = (await containersOf(service, false)).map((x) => x.id);
  if (ids.length > 0) await docker(["rm", "-f", ...ids]);
});

describe("a service across two agents", () => {
  it("spreads 3 replicas over both agents", async () => {
    const r = await orch(["run", "--name", service, "--count", "3", "--spread", "--cpus", "0.1", "--mem", "16m", image, "--", "sleep", "3600"]);
    expect(r.code, r.stderr).toBe(0);
    const ts = await until("3 settled", () => settled(3), settle_ms);
    expect(new Set(ts.map((t) => t.node_name))).toEqual(new Set(["a1", "a2"]));
  });

  it("replaces a container killed from outside", async () => {
    const [victim] = await running();
    const id = (await docker(["ps", "-q", "--filter", `label=orch.task_id=${victim!.task_id}`])).stdout.trim();
    await docker(["kill", id]);
    await until("the killed task replaced", async () => ((await settled(3)) !== undefined && !(await running()).some((x) => x.task_id === victim!.task_id) ? true : undefined), settle_ms);
  });

  it("moves the replicas of an agent that stays dead past the TTL, and stops its stale containers when it returns", async () => {
    c.killAgent9("a1");
    const moved = await until("all replicas on a2", async () => {
      const ts = (await tasks()).filter((t) => t.state === "RUNNING");
      return ts.length === 3 && ts.every((t) => t.node_name === "a2") ? ts : undefined;
    }, settle_ms);
    expect(moved).toHaveLength(3);
    const lost = (await tasks(true)).filter((t) => t.state === "LOST");
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((t) => t.reason === "node_down")).toBe(true);
    // a1's containers still run while its agent is dead; back, it stops them: one container per task.
    await c.startAgent("a1");
    await until("a1's stale containers stopped", () => settled(3), settle_ms);
  });

  it("survives kill -9 of the leader while scaling, with nothing lost or duplicated", async () => {
    const names = ["s1", "s2", "s3"];
    const leader = await c.waitLeader(names);
    c.kill9(leader);
    const rest = names.filter((n) => n !== leader);
    await c.waitLeader(rest);
    const r = await orch(["scale", service, "5"]);
    expect(r.code, r.stderr).toBe(0);
    c.start(c.servers.get(leader)!, []);
    await c.waitLeader(names);
    await until("5 settled", () => settled(5), settle_ms);
    // Every server agrees.
    for (const s of names) {
      const view = await run(requireBinary(), ["ps", "--json", "--service", service], { env: { ORCH_ADDR: `127.0.0.1:${c.servers.get(s)!.http_port}` } });
      expect((JSON.parse(view.stdout) as TaskJson[]).filter((t) => t.state === "RUNNING")).toHaveLength(5);
    }
  });
});
