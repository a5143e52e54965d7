// Part 2 of the launch benchmark: N replicas on one node — orch run --count N, swarm, N parallel docker run -d.
import { readFile } from "node:fs/promises";
import { dockerOk, removeByLabel, type LocalSwarm } from "./launch-docker.js";
import type { OrchDev } from "./launch-orch.js";
import { nowMs, runTimed } from "./launch-proc.js";
import type { Figures, Subject } from "./launch-report.js";
import { runArgs, type Workload } from "./launch-single.js";
import { cpuSeconds } from "./stats.js";

/** Bound on N replicas reaching running (swarm took ~7 s for 20 here). */
const fleet_timeout_ms = 180_000;
/** swarm: how often `docker service ls` is asked (each call costs the engine ~20 ms). */
const swarm_poll_ms = 100;
const label_tag = "orch-bench.launch-tag";
const dockerd_pidfile = "/var/run/docker.pid";

/** CPU seconds dockerd spends during f, beside what f reports: the engine's share of the work. */
async function withDockerdCpu(dockerd_pid: number | undefined, f: () => Promise<Figures>): Promise<Figures> {
  const before = dockerd_pid === undefined ? undefined : cpuSeconds(dockerd_pid);
  const figures = await f();
  const after = dockerd_pid === undefined ? undefined : cpuSeconds(dockerd_pid);
  return before !== undefined && after !== undefined ? { ...figures, dockerd_cpu_s: after - before } : figures;
}

/**
 * The engine behind the default socket: its pidfile, not `pgrep dockerd`, since other sessions
 * may run private engines beside it.
 */
export async function dockerdPid(): Promise<number | undefined> {
  const pid = Number((await readFile(dockerd_pidfile, "utf8").catch(() => "")).trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function fleetSubjects(o: { dev: OrchDev; swarm: LocalSwarm | undefined; w: Workload; count: number; run_label: [string, string]; dockerd_pid: number | undefined }): Subject[] {
  const { dev, w, count } = o;
  const subjects: Subject[] = [
    {
      key: "orch_run",
      name: `orch run --count ${count} (CLI, until all RUNNING)`,
      launch: (tag) =>
        withDockerdCpu(o.dockerd_pid, async () => {
          const cpu0 = dev.pid === undefined ? undefined : cpuSeconds(dev.pid);
          const r = await dev.cli(runArgs(w, tag, count, `${fleet_timeout_ms / 1000}s`), fleet_timeout_ms + 10_000);
          const cpu1 = dev.pid === undefined ? undefined : cpuSeconds(dev.pid);
          if (r.code !== 0) throw new Error(`orch run --count ${count} exited ${r.code} after ${Math.round(r.wall_ms)} ms: ${r.stderr.trim().slice(-400)}\n${dev.logTail()}`);
          const [svc, tasks] = await Promise.all([dev.service(tag), dev.tasks(tag)]);
          const running = tasks.map((t) => t.history.find((e) => e.state === "RUNNING")?.at_ms).filter((x) => x !== undefined);
          if (running.length !== count) throw new Error(`${tag}: orch run returned but orch ps shows ${running.length} of ${count} tasks with a RUNNING record`);
          const first_placed = Math.min(...tasks.map((t) => t.created_at_ms));
          const last_running = Math.max(...running);
          return {
            wall_ms: r.wall_ms,
            submit_to_placed_ms: first_placed - svc.created_at_ms,
            placed_to_all_running_ms: last_running - first_placed,
            ...(cpu0 !== undefined && cpu1 !== undefined ? { orch_cpu_s: cpu1 - cpu0 } : {}),
          };
        }),
      clean: (tag) => dev.stopService(tag, fleet_timeout_ms),
    },
    {
      key: "docker_parallel",
      name: `${count} × docker run -d in parallel (until all returned)`,
      launch: (tag) =>
        withDockerdCpu(o.dockerd_pid, async () => {
          const args = ["run", "-d", "--cpus", String(w.cpus), "--memory", w.memory, "--label", `${o.run_label[0]}=${o.run_label[1]}`, "--label", `${label_tag}=${tag}`, w.image, ...w.command];
          const t0 = nowMs();
          const runs = await Promise.all(Array.from({ length: count }, () => runTimed("docker", args, { timeout_ms: fleet_timeout_ms })));
          const wall_ms = nowMs() - t0;
          const failed = runs.filter((r) => r.code !== 0);
          if (failed.length > 0) throw new Error(`${failed.length} of ${count} docker run -d failed; first: ${failed[0]!.stderr.trim().slice(0, 300)}`);
          return { wall_ms, slowest_single_ms: Math.max(...runs.map((r) => r.wall_ms)) };
        }),
      clean: async (tag) => void (await removeByLabel(label_tag, tag)),
    },
  ];
  const swarm = o.swarm;
  if (swarm !== undefined) {
    subjects.push({
      key: "swarm",
      name: `docker service create --replicas ${count} (swarm mode, until ${count}/${count} in docker service ls)`,
      launch: (tag) =>
        withDockerdCpu(o.dockerd_pid, async () => {
          const r = await swarm.launch({ name: tag, replicas: count, image: w.image, command: w.command, cpus: w.cpus, memory: w.memory, labels: [o.run_label, [label_tag, tag]], interval_ms: swarm_poll_ms, timeout_ms: fleet_timeout_ms });
          return { wall_ms: r.wall_ms, polls: r.polls };
        }),
      clean: (tag) => swarm.remove(tag, [label_tag, tag], fleet_timeout_ms),
    });
  }
  return subjects;
}

/** Containers with the run label still present (should be none between subjects). */
export async function leftovers(run_label: [string, string]): Promise<number> {
  const r = await dockerOk(["ps", "-aq", "--filter", `label=${run_label[0]}=${run_label[1]}`]);
  return r.stdout.split("\n").filter((l) => l.trim() !== "").length;
}
