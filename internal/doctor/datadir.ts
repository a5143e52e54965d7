// Doctor check: the data folder can be created, written and synced, and LevelDB opens in it.
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { CheckResult } from "./check.js";

export async function checkDataDir(dataDir: string): Promise<CheckResult> {
  const dir = path.resolve(dataDir);
  const fail = (what: string, err: unknown): CheckResult => ({
    name: "data_dir",
    ok: false,
    detail: `${what} ${dir}: ${err instanceof Error ? err.message : String(err)}`,
    fix: `choose a folder this user can write with --data-dir, or give it access: sudo chown -R "$(id -un)" ${dir}`,
    facts: { path: dir },
  });
  // Doctor changes nothing: a folder that does not exist yet is probed through the
  // nearest ancestor that does, where orch would create it.
  const existing = await nearestExisting(dir);
  if (existing === null) return fail("no existing parent folder for", new Error("not found"));
  let probeDir: string;
  try {
    probeDir = await mkdtemp(path.join(existing, ".orch-doctor-"));
  } catch (err) {
    return fail(existing === dir ? "cannot write in" : "cannot create", err);
  }
  try {
    const fh = await open(path.join(probeDir, "probe"), "w");
    try {
      await fh.writeFile("orch doctor probe\n");
      await fh.sync();
    } finally {
      await fh.close();
    }
    // Opening LevelDB proves the native addon loads (in the single executable it is
    // an embedded asset) and that the folder's filesystem supports it.
    const { Level } = await import("level");
    const db = new Level<string, string>(path.join(probeDir, "leveldb"));
    try {
      await db.open();
      await db.batch([{ type: "put", key: "probe", value: "ok" }], { sync: true });
      const back = await db.get("probe");
      if (back !== "ok") throw new Error(`LevelDB read back ${JSON.stringify(back)} instead of "ok"`);
    } finally {
      await db.close();
    }
  } catch (err) {
    return fail("cannot use", err);
  } finally {
    await rm(probeDir, { recursive: true, force: true });
  }
  return {
    name: "data_dir",
    ok: true,
    detail: `${dir}${existing === dir ? "" : " (will be created)"} is writable, fsync works, LevelDB opens`,
    facts: { path: dir, leveldb: true },
  };
}

async function nearestExisting(dir: string): Promise<string | null> {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      if ((await stat(d)).isDirectory()) return d;
      return null;
    } catch {
      if (path.dirname(d) === d) return null;
    }
  }
}
