// The Docker side of the launch benchmark: CLI calls, raw Engine API calls, and removal by label.
import http from "node:http";
import { nowMs, pollUntil, runOk, runTimed, type Ran } from "./launch-proc.js";

export const docker_socket = process.env["DOCKER_SOCKET"] ?? "/var/run/docker.sock";
/** dockerd 20.10 here; orch's driver (dockerode) speaks the same version. */
const engine_api_prefix = "/v1.41";
/** Bound on one docker CLI call or Engine API request. */
export const docker_call_timeout_ms = 60_000;
/** Bound on removing a batch of containers (50 running ones take a few seconds). */
const remove_timeout_ms = 120_000;
const engine_reply_bytes_max = 4 * 1024 * 1024;

export function docker(args: string[], timeout_ms = docker_call_timeout_ms): Promise<Ran> {
  return runTimed("docker", args, { timeout_ms });
}

export function dockerOk(args: string[], timeout_ms = docker_call_timeout_ms): Promise<Ran> {
  return runOk("docker", args, { timeout_ms });
}

/** Ids of containers (any state) carrying label key=value. */
export async function containersWithLabel(key: string, value: string): Promise<string[]> {
  const r = await dockerOk(["ps", "-aq", "--filter", `label=${key}=${value}`]);
  return r.stdout.split("\n").filter((id) => id.trim() !== "");
}

/** Someone else (orch's agent, swarm) removing the same container at the same time is not a failure. */
const removal_race = /No such container|removal of container \S+ is already in progress/;

/**
 * Force-removes every container carrying label key=value and waits until none is left, so the
 * next measurement does not share the engine with removals; returns how many there were.
 */
export async function removeByLabel(key: string, value: string): Promise<number> {
  const first = await containersWithLabel(key, value);
  await pollUntil(`containers with label ${key}=${value} to be gone`, async () => {
    const ids = await containersWithLabel(key, value);
    if (ids.length === 0) return true;
    const r = await docker(["rm", "-f", ...ids], remove_timeout_ms);
    const real = r.stderr.split("\n").filter((l) => l.trim() !== "" && !removal_race.test(l));
    if (r.code !== 0 && real.length > 0) throw new Error(`docker rm -f (${ids.length} containers) failed: ${real.slice(0, 3).join("; ")}`);
    return undefined;
  }, { interval_ms: 200, timeout_ms: remove_timeout_ms });
  return first.length;
}

export interface EngineReply {
  status: number;
  body: unknown;
}

/** One Engine API request over the local socket, bounded in time and reply size. */
export function engine(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<EngineReply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        socketPath: docker_socket,
        method,
        path: engine_api_prefix + path,
        headers: payload === undefined ? {} : { "content-type": "application/json", "content-length": payload.length },
        timeout: docker_call_timeout_ms,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
          if (bytes > engine_reply_bytes_max) req.destroy(new Error(`engine reply to ${method} ${path} over ${engine_reply_bytes_max} bytes`));
          else chunks.push(c);
        });
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = text === "" ? undefined : (JSON.parse(text) as unknown);
          } catch {
            // Plain-text replies (start returns an empty 204) stay as text.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`engine ${method} ${path}: no answer within ${docker_call_timeout_ms} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

async function engineOk(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<unknown> {
  const r = await engine(method, path, body);
  if (r.status < 200 || r.status >= 300) throw new Error(`engine ${method} ${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body;
}

/**
 * The engine calls orch's docker driver makes for one start (image inspect, create, start,
 * inspect), with its exact create options, straight over the socket: the floor under orch's
 * STARTING→RUNNING step. Returns the container id.
 */
export async function engineCreateStart(image: string, name: string, create: Record<string, unknown>): Promise<string> {
  await engineOk("GET", `/images/${encodeURIComponent(image)}/json`);
  const created = (await engineOk("POST", `/containers/create?name=${encodeURIComponent(name)}`, create)) as { Id?: unknown };
  if (typeof created.Id !== "string") throw new Error(`engine create of ${name} returned no Id: ${JSON.stringify(created).slice(0, 200)}`);
  await engineOk("POST", `/containers/${created.Id}/start`);
  const state = (await engineOk("GET", `/containers/${created.Id}/json`)) as { State?: { Running?: unknown } };
  if (state.State?.Running !== true) throw new Error(`container ${name} is not running right after start: ${JSON.stringify(state.State).slice(0, 200)}`);
  return created.Id;
}

/** Swarm mode on the local engine: joined only if this run made it, and always left again. */
export class LocalSwarm {
  private constructor(private readonly gwbridge_existed: boolean) {}

  /** Undefined when the engine is already in a swarm that is not ours: the caller skips swarm. */
  static async join(): Promise<LocalSwarm | undefined> {
    const state = (await dockerOk(["info", "--format", "{{.Swarm.LocalNodeState}}"])).stdout.trim();
    if (state !== "inactive") return undefined;
    const networks = (await dockerOk(["network", "ls", "--format", "{{.Name}}"])).stdout.split("\n");
    const swarm = new LocalSwarm(networks.includes("docker_gwbridge"));
    await dockerOk(["swarm", "init", "--advertise-addr", "127.0.0.1"]);
    return swarm;
  }

  /**
   * Creates a replicated service and returns once `replicas` tasks run: the wall time from
   * `docker service create` to `docker service ls` showing N/N, polled every interval_ms.
   */
  async launch(o: { name: string; replicas: number; image: string; command: string[]; cpus: number; memory: string; labels: [string, string][]; interval_ms: number; timeout_ms: number }): Promise<{ wall_ms: number; polls: number }> {
    const t0 = nowMs();
    await dockerOk([
      "service", "create", "--detach", "--no-resolve-image", "--quiet",
      "--name", o.name, "--replicas", String(o.replicas),
      "--limit-cpu", String(o.cpus), "--limit-memory", o.memory,
      "--stop-grace-period", "2s",
      ...o.labels.flatMap(([k, v]) => ["--container-label", `${k}=${v}`]),
      o.image, ...o.command,
    ]);
    let polls = 0;
    const want = `${o.replicas}/${o.replicas}`;
    await pollUntil(`swarm service ${o.name} to show ${want} running`, async () => {
      polls += 1;
      const r = await dockerOk(["service", "ls", "--filter", `name=${o.name}`, "--format", "{{.Name}} {{.Replicas}}"]);
      return r.stdout.split("\n").some((l) => l.trim() === `${o.name} ${want}`) ? true : undefined;
    }, { interval_ms: o.interval_ms, timeout_ms: o.timeout_ms });
    return { wall_ms: nowMs() - t0, polls };
  }

  /** Removes the service, waits for swarm to take its containers away, then forces what is left. */
  async remove(name: string, label: [string, string], timeout_ms: number): Promise<void> {
    await docker(["service", "rm", name]);
    try {
      await pollUntil(`swarm to remove the containers of ${name}`, async () => ((await containersWithLabel(...label)).length === 0 ? true : undefined), { interval_ms: 250, timeout_ms });
    } finally {
      await removeByLabel(...label);
    }
  }

  async leave(): Promise<void> {
    await docker(["swarm", "leave", "--force"]);
    // swarm init makes docker_gwbridge and leave keeps it: remove it when this run made it.
    if (!this.gwbridge_existed) await docker(["network", "rm", "docker_gwbridge"]);
  }
}
