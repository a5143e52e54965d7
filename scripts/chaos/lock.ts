// One chaos run per machine: the namespaces, bridge and private engine have fixed names.
import { readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";

const lock_path = "/run/orch-chaos.lock";

export async function acquireLock(): Promise<void> {
  await mkdir("/run", { recursive: true });
  try {
    await writeFile(lock_path, String(process.pid), { flag: "wx" });
    return;
  } catch {
    const holder = Number(readFileSync(lock_path, "utf8").trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw new Error(`chaos: another chaos run (pid ${holder}) holds ${lock_path}; wait for it to finish`);
    }
    await writeFile(lock_path, String(process.pid));
  }
}

export async function releaseLock(): Promise<void> {
  await rm(lock_path, { force: true });
}

/** Whether a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
