// Runs `orch agent` (through cli-entry.ts) as a child process that a test can kill -9, and reads its start-up line.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
/** `node --import tsx`, not the tsx CLI: the CLI forks a second process, and kill -9 must hit the agent itself. */
const node_args = ["--import", "tsx"];
/** tsx compiles on start; a loaded machine can take several seconds. */
export const process_start_timeout_ms = 30_000;

export interface AgentProcess {
  child: ChildProcess;
  node_id: string;
  http_addr: string;
  stderr: () => string;
}

export function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...node_args, path.join(here, "cli-entry.ts"), ...args], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

/** Starts `orch agent ARGS` and resolves once it logged "agent started". */
export function spawnAgent(args: string[]): Promise<AgentProcess> {
  const child = spawn(process.execPath, [...node_args, path.join(here, "cli-entry.ts"), "agent", ...args], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`agent did not start within ${process_start_timeout_ms} ms:\n${stderr}`));
    }, process_start_timeout_ms);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const line = /agent started node_id=(\S+) http_addr=(\S+)/.exec(stderr);
      if (line === null) return;
      clearTimeout(timer);
      resolve({ child, node_id: line[1] ?? "", http_addr: line[2] ?? "", stderr: () => stderr });
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`agent exited with ${String(code)} before starting:\n${stderr}`));
    });
  });
}

export async function kill9(agent: AgentProcess): Promise<void> {
  if (agent.child.exitCode !== null || agent.child.signalCode !== null) return;
  const exited = new Promise((resolve) => agent.child.once("exit", resolve));
  agent.child.kill("SIGKILL");
  await exited;
}
