// Throwaway: 3 servers from /tmp/ab/prof, 64 writers, warm 20 s, perf record 15 s of all servers.
import { randomBytes } from "node:crypto";
import { copyFileSync, renameSync, existsSync } from "node:fs";
import { spawn } from "node:child_process";
import { closedLoop, withCpu } from "./lib/load.js";
import { OrchCluster } from "./lib/orch.js";
import { runBench } from "./lib/run.js";
import { binary_path } from "../../test/support/binary.js";

const orig = binary_path + ".orig";
if (!existsSync(orig)) copyFileSync(binary_path, orig);
function use(p: string): void { copyFileSync(p, binary_path + ".swap"); renameSync(binary_path + ".swap", binary_path); }
runBench("prof", async (http) => {
  const value = randomBytes(1024);
  use(process.argv[2] ?? "/tmp/ab/prof");
  try {
    const c = await OrchCluster.start(3);
    try {
      const leader = await c.waitLeader();
      console.log(JSON.stringify({ leader, members: c.members() }));
      await closedLoop(c, http, { clients: 64, duration_ms: 20000, writes_max: 400000, key_prefix: "w", value });
      const pids = c.members().map((m) => m.pid).join(",");
      const perf = spawn("perf", (process.env["PERF_ARGS"] ?? "").split(" ").concat(["-p", pids, "--", "sleep", "15"]), { stdio: "inherit" });
      const { result, cpu_cores } = await withCpu(c, () => closedLoop(c, http, { clients: 64, duration_ms: 15000, writes_max: 400000, key_prefix: "m", value }));
      console.log(JSON.stringify({ wps: result.writes_per_s, cpu_cores }));
      await new Promise((r) => perf.on("exit", r));
    } finally { await c.destroy(); }
  } finally { use(orig); }
});
