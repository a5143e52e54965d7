// Doctor check: a Docker engine answers, speaks a new enough API, and can enforce limits.
import type Docker from "dockerode";
import type { CheckResult } from "./check.js";

/** Oldest engine API orch's driver is written against (Docker 20.10 speaks 1.41). */
export const docker_api_version_min = "1.40";
/** Bound on how long the engine may take to answer before it counts as unreachable. */
export const docker_ping_timeout_ms = 3_000;

export interface DockerTarget {
  /** Unix socket path of the engine; `DOCKER_HOST=unix://...` overrides the default. */
  socketPath: string;
}

export function dockerTargetFromEnv(env: NodeJS.ProcessEnv = process.env): DockerTarget {
  const host = env["DOCKER_HOST"];
  if (host !== undefined && host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  return { socketPath: "/var/run/docker.sock" };
}

function apiAtLeast(have: string, want: string): boolean {
  const [hMaj = 0, hMin = 0] = have.split(".").map(Number);
  const [wMaj = 0, wMin = 0] = want.split(".").map(Number);
  return hMaj > wMaj || (hMaj === wMaj && hMin >= wMin);
}

const start_hint =
  "start the Docker engine: `sudo systemctl start docker`, or `sudo dockerd &`; " +
  "on a fresh Debian machine first `sudo apt-get install -y docker.io` " +
  "(from a checkout of orch, `sudo bash scripts/docker-engine.sh` does all of it)";

export async function checkDocker(target: DockerTarget): Promise<CheckResult> {
  // Loaded on use: dockerode's dependency tree would otherwise slow every orch start.
  const { default: DockerClient } = await import("dockerode");
  const docker = new DockerClient({ socketPath: target.socketPath, timeout: docker_ping_timeout_ms });
  const where = `unix://${target.socketPath}`;
  let v: Docker.DockerVersion;
  let info: { MemoryLimit?: boolean; CpuCfsQuota?: boolean; CgroupVersion?: string };
  try {
    v = await docker.version();
    info = (await docker.info()) as typeof info;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      name: "docker",
      ok: false,
      detail: `no Docker engine answers at ${where} (${why})`,
      fix: start_hint,
      facts: { socket: target.socketPath },
    };
  }
  const facts = {
    socket: target.socketPath,
    api_version: v.ApiVersion,
    engine_version: v.Version,
    memory_limit: info.MemoryLimit === true,
    cpu_cfs_quota: info.CpuCfsQuota === true,
    cgroup_version: info.CgroupVersion ?? "unknown",
  };
  if (!apiAtLeast(v.ApiVersion, docker_api_version_min)) {
    return {
      name: "docker",
      ok: false,
      detail: `Docker ${v.Version} at ${where} speaks API ${v.ApiVersion}; orch needs ${docker_api_version_min} or newer`,
      fix: "upgrade the Docker engine (Debian 12's docker.io 20.10 is enough)",
      facts,
    };
  }
  if (!facts.memory_limit || !facts.cpu_cfs_quota) {
    return {
      name: "docker",
      ok: false,
      detail: `Docker ${v.Version} at ${where} cannot enforce ${!facts.memory_limit ? "memory" : "CPU"} limits`,
      fix: "enable the memory and cpu cgroup controllers in the kernel (cgroup_enable=memory swapaccount=1) and restart dockerd",
      facts,
    };
  }
  return {
    name: "docker",
    ok: true,
    detail: `API ${v.ApiVersion} (Docker ${v.Version}, cgroup v${facts.cgroup_version}) at ${where}; CPU and memory limits enforced`,
    facts,
  };
}
