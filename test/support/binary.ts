// Finds the built single executable for end-to-end tests and runs it as a user would.
import { execFile } from "node:child_process";
import { copyFile, mkdtemp } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repo_root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const binary_path = path.join(repo_root, "dist/orch");
/** Bound on one CLI invocation in tests. */
export const cli_timeout_ms = 30_000;

export function requireBinary(): string {
  if (!existsSync(binary_path)) {
    throw new Error(`${binary_path} is missing: run scripts/build-binary.sh first (scripts/test.sh does)`);
  }
  return binary_path;
}

/** Copies the executable alone into a fresh empty folder: no node_modules beside it. */
export async function isolatedBinary(): Promise<{ dir: string; bin: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "orch-bin-"));
  const bin = path.join(dir, "orch");
  await copyFile(requireBinary(), bin);
  return { dir, bin };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      {
        cwd: opts.cwd,
        // No PATH to a Node install and no NODE_* hints: the executable must stand alone.
        env: { PATH: "/usr/bin:/bin", HOME: os.tmpdir(), ...opts.env },
        timeout: cli_timeout_ms,
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
