// Removes everything a chaos run makes, from records on disk alone: used after an interrupted run.
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { PrivateEngine } from "./engine.js";
import { teardownNetwork } from "./net.js";
import { sh } from "./sh.js";

/** Every process a run starts is listed here ("pid name" lines) until teardown. */
export const pids_path = "/run/orch-chaos.pids";
/** The tmpfs the disk-full fault fills is mounted with this source name. */
export const tmpfs_source = "orch-chaos";

function isOurs(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("chaos-node");
  } catch {
    return false;
  }
}

export async function teardownLeftovers(): Promise<string[]> {
  let lines: string[] = [];
  try {
    lines = readFileSync(pids_path, "utf8").split("\n");
  } catch {
    // no record: nothing of ours was started
  }
  for (const line of lines) {
    const pid = Number(line.split(" ")[0]);
    if (Number.isInteger(pid) && pid > 1 && isOurs(pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  await rm(pids_path, { force: true });
  await new PrivateEngine("/dev/null").destroy();
  for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
    const [source, target] = line.split(" ");
    if (source === tmpfs_source && target !== undefined) await sh("umount", ["-l", target]);
  }
  return teardownNetwork();
}
