// Three real servers on loopback: election, replication, leader crash under writes,
// crash and restart, growth to five and back to three under load.
import { execFile } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { requireBinary } from "../support/binary.js";
import { TestCluster, until } from "../support/cluster.js";
import { startWrites } from "./workload.js";

let c: TestCluster;
afterEach(async () => {
  await c?.destroy();
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(requireBinary(), args, { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}

/** Every acknowledged key is readable (linearizably) on every named server. */
async function expectAll(keys: Iterable<string>, names: string[]): Promise<void> {
  for (const name of names) {
    for (const key of keys) {
      const r = await c.get(name, key);
      expect(r.status, `${key} on ${name}`).toBe(200);
    }
  }
}

describe("a three-server cluster", () => {
  it("elects one leader and replicates writes made on any server", async () => {
    c = await TestCluster.create();
    await c.bootstrap(["s1", "s2", "s3"]);
    for (const name of ["s1", "s2", "s3"]) expect((await c.put(name, `from-${name}`, name)).status).toBe(200);
    for (const name of ["s1", "s2", "s3"]) {
      for (const from of ["s1", "s2", "s3"]) expect(await c.get(name, `from-${from}`)).toEqual({ status: 200, text: from });
    }
    const addr = `127.0.0.1:${c.servers.get("s2")!.http_port}`;
    const members = await cli(["--addr", addr, "members"]);
    expect(members.code).toBe(0);
    expect(members.stdout).toMatch(/^NAME\s+ID\s+ROLE\s+STATE\s+TERM\s+COMMIT\s+APPLIED/);
    expect(members.stdout.match(/\bvoter\b/g)).toHaveLength(3);
    expect(members.stdout.match(/\bleader\b/g)).toHaveLength(1);
    const got = await cli(["--addr", addr, "kv", "get", "from-s3"]);
    expect(got).toMatchObject({ code: 0, stdout: "s3" });
  });

  it("survives kill -9 of the leader under writes and loses no acknowledged write", async () => {
    c = await TestCluster.create();
    const names = ["s1", "s2", "s3"];
    await c.bootstrap(names);
    const live = new Set(names);
    const load = startWrites(c, () => [...live], { writers: 8, prefix: "k", writes_max: 20_000 });
    await until("some writes", async () => (load.acked.size > 100 ? true : undefined));
    const leader = await c.waitLeader(names);
    c.kill9(leader);
    live.delete(leader);
    const rest = names.filter((n) => n !== leader);
    const next = await c.waitLeader(rest);
    expect(next).not.toBe(leader);
    const before = load.acked.size;
    await until("writes through the new leader", async () => (load.acked.size > before + 100 ? true : undefined));
    await load.stop();
    await expectAll(load.acked, rest);
    // The old leader comes back from its folder alone and catches up.
    c.start(c.servers.get(leader)!, []);
    await c.waitLeader(names);
    await expectAll(load.acked, [leader]);
  });

  it("restarts after kill -9 in the middle of heavy writes with nothing lost or damaged", async () => {
    c = await TestCluster.create();
    const names = ["s1", "s2", "s3"];
    await c.bootstrap(names);
    const load = startWrites(c, () => names, { writers: 32, prefix: "h", writes_max: 50_000 });
    await until("heavy writes under way", async () => (load.acked.size > 500 ? true : undefined));
    for (const n of names) c.kill9(n);
    await load.stop();
    for (const n of names) c.start(c.servers.get(n)!, []);
    await c.waitLeader(names);
    await expectAll(load.acked, names);
  });

  it("grows to five servers and shrinks back to three under load", async () => {
    c = await TestCluster.create();
    const names = ["s1", "s2", "s3"];
    await c.bootstrap(names);
    const live = new Set(names);
    const load = startWrites(c, () => [...live], { writers: 4, prefix: "g", writes_max: 20_000 });
    const join = `127.0.0.1:${c.servers.get("s1")!.http_port}`;
    for (const n of ["s4", "s5"]) {
      c.startNew(await c.add(n), ["--join", join]);
      await until(`${n} to become a voter`, async () => {
        const st = await c.status("s1");
        return st?.members.find((m) => m.name === n)?.role === "voter" ? true : undefined;
      });
      live.add(n);
    }
    const five = [...live];
    await c.waitLeader(five);
    for (const n of ["s4", "s1"]) {
      const via = [...live].find((x) => x !== n)!;
      const r = await cli(["--addr", `127.0.0.1:${c.servers.get(via)!.http_port}`, "members", "remove", n]);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain(`removed ${n}`);
      live.delete(n);
      // A removed server stops by itself.
      await until(`${n} to exit`, async () => (c.servers.get(n)!.proc?.exitCode !== null ? true : undefined));
    }
    await load.stop();
    const three = [...live];
    await c.waitLeader(three);
    const st = await c.status(three[0]!);
    expect(st?.members.map((m) => m.name).sort()).toEqual([...three].sort());
    await expectAll(load.acked, three);
  });
});
