// Failover as a user sees it: `orch kv put` issued right after kill -9 of the leader, through the
// CLI's own client, is answered (not left to time out as "may or may not have taken effect").
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

const rounds = 3;

describe("a client during failover", () => {
  it("gets its put, issued right after kill -9 of the leader, applied — round after round — and no acknowledged write is lost", async () => {
    c = await TestCluster.create();
    const names = ["s1", "s2", "s3"];
    await c.bootstrap(names);
    const live = new Set(names);
    const load = startWrites(c, () => [...live], { writers: 4, prefix: "bg", writes_max: 3_000 });
    const written = new Map<string, string>();
    for (let round = 1; round <= rounds; round++) {
      const before = load.acked.size;
      await until("background writes under way", async () => (load.acked.size > before + 20 ? true : undefined));
      const leader = await c.waitLeader(names);
      // The leader first, as a client that remembered it would try it: refused, then the others.
      const addrs = [leader, ...names.filter((n) => n !== leader)].map((n) => `127.0.0.1:${c.servers.get(n)!.http_port}`).join(",");
      const proc = c.servers.get(leader)!.proc!;
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      live.delete(leader);
      c.kill9(leader);
      await exited;
      const key = `failover/${round}`;
      const started_ms = Date.now();
      const r = await cli(["--addr", addrs, "kv", "put", key, `v${round}`]);
      const what = `round ${round}: put through the CLI ${Date.now() - started_ms} ms after kill -9 of ${leader} (stderr: ${r.stderr.trim()})`;
      expect(r.code, what).toBe(0);
      expect(r.stdout, what).toContain(`${key} set at index`);
      written.set(key, `v${round}`);
      c.start(c.servers.get(leader)!, []);
      live.add(leader);
      await c.waitLeader(names);
    }
    await load.stop();
    expect(load.acked.size).toBeGreaterThan(rounds * 20);
    for (const name of names) {
      for (const [key, value] of written) expect(await c.get(name, key), `${key} on ${name}`).toEqual({ status: 200, text: value });
      for (const key of load.acked) expect((await c.get(name, key)).status, `${key} on ${name}`).toBe(200);
    }
  });
});
