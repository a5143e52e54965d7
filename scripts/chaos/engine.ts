// A private Docker engine for the agents: restarting it is a fault that touches nobody else's containers.
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { alive } from "./lock.js";
import { sh, shOk, sleep, waitFor } from "./sh.js";

export const engine_root = "/var/lib/orch-chaos/docker";
export const engine_run = "/run/orch-chaos";
export const engine_socket = `${engine_run}/docker.sock`;
const engine_pidfile = `${engine_run}/docker.pid`;
/** Bound on the engine answering after a start. */
const engine_start_timeout_ms = 60_000;
/** Bound on the engine exiting after SIGTERM (it stops its containers first). */
const engine_stop_timeout_ms = 30_000;
export const test_image = "orch-test/busybox:latest";
/** The private engine's own bridge, so it never touches the host's docker0. */
const engine_bridge = "orchc-dk0";
const engine_bridge_cidr = "10.214.7.1/24";

export class PrivateEngine {
  constructor(private readonly logPath: string) {}

  docker(args: readonly string[], timeout_ms?: number): Promise<{ code: number; stdout: string; stderr: string }> {
    return sh("docker", ["-H", `unix://${engine_socket}`, ...args], timeout_ms);
  }

  async answers(): Promise<boolean> {
    return (await this.docker(["version", "--format", "{{.Server.APIVersion}}"], 5_000)).code === 0;
  }

  async start(): Promise<void> {
    await mkdir(engine_run, { recursive: true });
    await mkdir(engine_root, { recursive: true });
    if ((await sh("ip", ["link", "show", engine_bridge])).code !== 0) {
      await shOk("ip", ["link", "add", engine_bridge, "type", "bridge"]);
      await shOk("ip", ["addr", "add", engine_bridge_cidr, "dev", engine_bridge]);
      await shOk("ip", ["link", "set", engine_bridge, "up"]);
    }
    const log = openSync(this.logPath, "a");
    const child = spawn(
      "dockerd",
      [
        "--data-root", engine_root,
        "--exec-root", `${engine_run}/exec`,
        "--pidfile", engine_pidfile,
        "-H", `unix://${engine_socket}`,
        // A bridge of its own and no iptables: the engine changes nothing on the host's network.
        // (--bridge=none would make dockerd delete the host's docker0, breaking the main engine.)
        `--bridge=${engine_bridge}`, "--iptables=false", "--ip-masq=false",
        "--containerd-namespace", "orch-chaos",
        "--containerd-plugins-namespace", "orch-chaos-plugins",
      ],
      { detached: true, stdio: ["ignore", log, log] },
    );
    child.unref();
    closeSync(log);
    const ok = await waitFor(async () => ((await this.answers()) ? true : undefined), engine_start_timeout_ms, 200);
    if (ok === undefined) throw new Error(`the private dockerd did not answer on ${engine_socket} within ${engine_start_timeout_ms} ms; see ${this.logPath}`);
  }

  pid(): number | undefined {
    if (!existsSync(engine_pidfile)) return undefined;
    const pid = Number(readFileSync(engine_pidfile, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** SIGTERM, wait for the exit, SIGKILL as a last resort. */
  async stop(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) return;
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      return;
    }
    const deadline = Date.now() + engine_stop_timeout_ms;
    while (Date.now() < deadline && alive(pid)) await sleep(100);
    if (alive(pid)) process.kill(pid, "SIGKILL");
    // Its containerd can outlive it and keep the metadata database locked, which makes the
    // next start hang; wait for it, then end it.
    for (let i = 0; i < 100 && ownContainerd().length > 0; i++) await sleep(100);
    for (const p of ownContainerd()) process.kill(p, "SIGKILL");
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Copies the test image from the machine's main engine, where scripts/docker-engine.sh built it. */
  async loadImage(): Promise<void> {
    if ((await this.docker(["image", "inspect", test_image])).code === 0) return;
    await shOk("bash", ["-c", `set -o pipefail; docker save ${test_image} | docker -H unix://${engine_socket} load`], 120_000);
  }

  /** Running containers that carry an orch task label: id, task, node, state. */
  async taskContainers(): Promise<{ id: string; task_id: string; node_id: string; running: boolean }[]> {
    const r = await this.docker(["ps", "-a", "--filter", "label=orch.task_id", "--format", '{{.ID}}\t{{.Label "orch.task_id"}}\t{{.Label "orch.node_id"}}\t{{.State}}']);
    if (r.code !== 0) throw new Error(`docker ps on the private engine failed: ${r.stderr.trim()}`);
    return r.stdout
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const [id = "", task_id = "", node_id = "", state = ""] = l.split("\t");
        return { id, task_id, node_id, running: state === "running" };
      });
  }

  /** Removes every container, stops the engine and deletes its folders. */
  async destroy(): Promise<void> {
    if (await this.answers()) {
      const ids = (await this.docker(["ps", "-aq"])).stdout.split("\n").filter((x) => x !== "");
      if (ids.length > 0) await this.docker(["rm", "-f", ...ids], 60_000);
    }
    await this.stop();
    await sh("umount", ["-R", `${engine_run}/exec`]);
    await rm(engine_run, { recursive: true, force: true });
    await sh("ip", ["link", "del", engine_bridge]);
  }
}

/** Pids of the containerd this engine started (its command line names our exec root). */
function ownContainerd(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmd.startsWith("containerd\0") && cmd.includes(`${engine_run}/exec/containerd`)) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
