// Part 1 of the launch benchmark: one container, orch (CLI and API) beside docker run and raw Engine API calls.
import { compileRun } from "../../../cmd/orch/run.js";
import { createOptions } from "../../../internal/driver/docker-create.js";
import { dockerOk, engineCreateStart, removeByLabel } from "./launch-docker.js";
import type { OrchDev, ServiceLite, TaskLite } from "./launch-orch.js";
import { nowMs, pollUntil } from "./launch-proc.js";
import type { Figures, Subject } from "./launch-report.js";

export interface Workload {
  image: string;
  command: string[];
  cpus: number;
  /** As the CLIs take it ("16m") and in bytes. */
  memory: string;
  memory_bytes: number;
}

/** Bound on one task reaching RUNNING; a healthy launch takes well under a second. */
const one_task_timeout_ms = 60_000;
/** How often the API subject looks: fine enough to see the latency, not a load on the server. */
const api_poll_ms = 10;
/** orch's stop grace for the benchmark's tasks (sleep ends on SIGTERM at once anyway). */
const grace = "2s";
const label_tag = "orch-bench.launch-tag";

/** Recorded timestamps of one task, turned into the steps of its launch. */
export function taskSteps(svc: ServiceLite, t: TaskLite): Record<string, number> {
  const at = (state: string): number | undefined => t.history.find((e) => e.state === state)?.at_ms;
  const placed = at("STAGING") ?? t.created_at_ms;
  const starting = at("STARTING");
  const running = at("RUNNING");
  if (running === undefined) throw new Error(`task ${t.task_id} has no RUNNING in its history: ${JSON.stringify(t.history)}`);
  return {
    submit_to_placed_ms: placed - svc.created_at_ms,
    ...(starting !== undefined ? { placed_to_starting_ms: starting - placed, starting_to_running_ms: running - starting } : {}),
    placed_to_running_ms: running - placed,
  };
}

export function runArgs(w: Workload, name: string, count: number, timeout: string): string[] {
  return ["run", "--name", name, "--count", String(count), "--cpus", String(w.cpus), "--mem", w.memory, "--grace", grace, "--timeout", timeout, "--quiet", w.image, "--", ...w.command];
}

async function recordedSteps(dev: OrchDev, name: string): Promise<Record<string, number>> {
  const [svc, tasks] = await Promise.all([dev.service(name), dev.tasks(name)]);
  if (tasks.length !== 1) throw new Error(`${name}: expected 1 task, orch ps shows ${tasks.length}`);
  return taskSteps(svc, tasks[0]!);
}

export function singleSubjects(dev: OrchDev, w: Workload, run_label: [string, string]): Subject[] {
  const labels = (tag: string): string[] => ["--label", `${run_label[0]}=${run_label[1]}`, "--label", `${label_tag}=${tag}`];
  const cleanDocker = async (tag: string): Promise<void> => void (await removeByLabel(label_tag, tag));
  const cleanOrch = (tag: string): Promise<void> => dev.stopService(tag, one_task_timeout_ms);
  return [
    {
      key: "docker_run",
      name: "docker run -d",
      launch: async (tag) => ({ wall_ms: (await dockerOk(["run", "-d", ...labels(tag), w.image, ...w.command], one_task_timeout_ms)).wall_ms }),
      clean: cleanDocker,
    },
    {
      key: "docker_run_opts",
      name: "docker run -d with orch's options (--init, --cpus, --memory, log rotation)",
      launch: async (tag) => {
        const opts = ["--init", "--cpus", String(w.cpus), "--memory", w.memory, "--memory-swap", w.memory, "--log-opt", `max-size=${16 * 1024 * 1024}`, "--log-opt", "max-file=2"];
        return { wall_ms: (await dockerOk(["run", "-d", ...opts, ...labels(tag), w.image, ...w.command], one_task_timeout_ms)).wall_ms };
      },
      clean: cleanDocker,
    },
    {
      key: "engine_api",
      name: "Engine API: image inspect, create, start, inspect (orch driver's calls and options)",
      launch: async (tag) => {
        const spec = { task_id: tag, image: w.image, command: w.command, cpus: w.cpus, memory_bytes: w.memory_bytes, labels: { [run_label[0]]: run_label[1], [label_tag]: tag } };
        const { name, ...create } = createOptions(spec, { node_id: "bench", init: true, log_file_bytes_max: 16 * 1024 * 1024, log_files_max: 2 });
        const t0 = nowMs();
        await engineCreateStart(w.image, name ?? `bench-${tag}`, create as Record<string, unknown>);
        return { wall_ms: nowMs() - t0 };
      },
      clean: cleanDocker,
    },
    {
      // Not a launch: the fixed cost every orch CLI call pays (Node start), to split orch run's wall time.
      key: "orch_version",
      name: "orch --version (CLI start-up alone, no launch)",
      launch: async () => {
        const r = await dev.cli(["--version"]);
        if (r.code !== 0) throw new Error(`orch --version exited ${r.code}: ${r.stderr.trim()}`);
        return { wall_ms: r.wall_ms };
      },
      clean: async () => undefined,
    },
    {
      key: "orch_run",
      name: "orch run (CLI, end to end)",
      launch: async (tag) => {
        const r = await dev.cli(runArgs(w, tag, 1, "60s"), one_task_timeout_ms + 5_000);
        if (r.code !== 0) throw new Error(`orch run ${tag} exited ${r.code} after ${Math.round(r.wall_ms)} ms: ${r.stderr.trim().slice(0, 400)}\n${dev.logTail()}`);
        return { wall_ms: r.wall_ms, ...(await recordedSteps(dev, tag)) };
      },
      clean: cleanOrch,
    },
    {
      key: "orch_api",
      name: `orch API: POST /v1/services, then GET every ${api_poll_ms} ms until RUNNING`,
      launch: async (tag) => {
        const body = compileRun(w.image, w.command, { name: tag, cpus: String(w.cpus), mem: w.memory, count: "1", env: [], port: [], constraint: [], grace, timeout: "60s" });
        const t0 = nowMs();
        await dev.api("POST", "/v1/services", body);
        await pollUntil(`${tag} to run`, async () => ((await dev.service(tag)).tasks_running >= 1 ? true : undefined), { interval_ms: api_poll_ms, timeout_ms: one_task_timeout_ms });
        const wall_ms = nowMs() - t0;
        return { wall_ms, ...(await recordedSteps(dev, tag)) } satisfies Figures;
      },
      clean: cleanOrch,
    },
  ];
}
