// Helpers for tests that use the real Docker engine through its CLI.
import { execFile } from "node:child_process";

/** Bound on one docker CLI call in tests (an image build is the slowest). */
export const docker_cli_timeout_ms = 120_000;

export function docker(args: string[], input?: Buffer): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile("docker", args, { timeout: docker_cli_timeout_ms, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function dockerOk(args: string[], input?: Buffer): Promise<string> {
  const r = await docker(args, input);
  if (r.code !== 0) throw new Error(`docker ${args.join(" ")} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}
