// API fuzzing: thousands of seeded bad requests against every endpoint of `orch dev --driver mock`;
// each must get a 4xx with a JSON error, the process must survive, and the state must not change.
// Replay a run with ORCH_FUZZ_SEED=<seed> (printed in every failure); ORCH_FUZZ_COUNT sets the size.
import { randomInt } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../support/cluster.js";
import { DevCluster } from "../support/dev.js";
import { generate } from "./generators.js";
import { pool, send, type Answer, type FuzzRequest } from "./send.js";
import { getJson, settledSnapshot, type Snapshot } from "./state.js";
import type { Target } from "./target.js";

function intFromEnv(name: string, fallback: () => number): number {
  const raw = process.env[name] ?? "";
  if (raw === "") return fallback();
  if (!/^\d{1,10}$/.test(raw)) throw new Error(`${name}=${JSON.stringify(raw)}: give a whole number`);
  return Number(raw);
}

const seed = intFromEnv("ORCH_FUZZ_SEED", () => randomInt(2 ** 31));
const request_count = intFromEnv("ORCH_FUZZ_COUNT", () => 4_000);
const requests_parallel_max = 16;
/** Longest request line sent: Node refuses headers over 16 KiB before orch sees them. */
const path_chars_max = 8 * 1024;
const failures_shown_max = 25;
const replay = `replay: ORCH_FUZZ_SEED=${seed} npx vitest run --config test/vitest.config.ts test/fuzz`;

let d: DevCluster;
let base: string;
let target: Target;
let before: Snapshot;

async function call(method: string, path: string, body?: unknown, raw?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : raw !== undefined ? { body: raw } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

interface TaskLite {
  task_id: string;
  service: string;
  state: string;
}

beforeAll(async () => {
  d = await DevCluster.start(["--driver", "mock"]);
  base = `http://${d.addr}`;
  const put = await call("PUT", "/v1/kv/fz/a", undefined, "hello");
  await call("PUT", "/v1/kv/fz/b%2Fc", undefined, "world");
  const mem = 16 * 1024 * 1024;
  await call("POST", "/v1/services", { name: "fz-web", image: "busybox:latest", count: 2, cpus: 0.1, memory_bytes: mem, command: ["mock", JSON.stringify({ output: [{ stream: "stdout", text: "fuzz" }] })] });
  await call("POST", "/v1/services", { name: "fz-job", kind: "job", image: "busybox:latest", cpus: 0.1, memory_bytes: mem, command: ["mock", JSON.stringify({ run_ms: 10, exit_code: 0 })] });
  // Refused (409) until the server has announced its command-set version, a moment after it starts.
  await until("the role to be set", () => call("PUT", "/v1/roles/fz-role", { weight: 2, guarantee: { cpus: 1 }, limit: { cpus: 4, memory_bytes: 1024 ** 3 } }).catch(() => undefined));
  const tasks = await until("fz-web running twice and fz-job finished", async () => {
    const { tasks } = await getJson<{ tasks: TaskLite[] }>(base, "/v1/tasks?all");
    const web = tasks.filter((x) => x.service === "fz-web" && x.state === "RUNNING");
    return web.length === 2 && tasks.some((x) => x.service === "fz-job" && x.state === "FINISHED") ? web : undefined;
  });
  before = await settledSnapshot(base);
  const { nodes } = await getJson<{ nodes: { node_id: string; name: string; resources: { cpus: number; memory_bytes: number } }[] }>(base, "/v1/nodes");
  const status = await getJson<{ self: { name: string; raft_addr: string } }>(base, "/v1/status");
  const node = nodes[0]!;
  target = {
    node_id: node.node_id,
    node_name: node.name,
    node_cpus: node.resources.cpus,
    node_memory_bytes: node.resources.memory_bytes,
    member_name: status.self.name,
    raft_addr: status.self.raft_addr,
    service: "fz-web",
    task_ids: tasks.map((x) => x.task_id),
    job: "fz-job",
    role: "fz-role",
    kv_key: "fz/a",
    kv_modify_index: put["modify_index"] as number,
  };
});

afterAll(async () => {
  await d?.destroy();
});

/** Why the answer is wrong for the request, or undefined when it is right. */
function judge(q: FuzzRequest, a: Answer): string | undefined {
  const text = a.body.toString("utf8");
  if (!q.expect.includes(a.status)) return `status ${a.status}, want ${q.expect.join(" or ")}${a.status >= 500 ? " (server error)" : a.status < 300 ? " (accepted a request designed to be invalid)" : ""}`;
  if (q.answer === "text" && a.status === 200 && q.expect.includes(200) && /^\d+\n\{"type":"ERROR","error":\{"message":"[^"]+/.test(text)) {
    // Mesos refuses a subscription it cannot take with a 200 stream of one ERROR event, then ends it.
    return undefined;
  }
  if (q.answer === "text" && a.status >= 400) {
    // Mesos's routes answer errors as Mesos does: a plain text saying what is wrong.
    if (!a.content_type.startsWith("text/plain")) return `content-type ${JSON.stringify(a.content_type)}, want text/plain`;
    return text.trim() === "" ? "an empty error text" : undefined;
  }
  if (!a.content_type.startsWith("application/json")) return `content-type ${JSON.stringify(a.content_type)}, want application/json`;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return "the body is not JSON";
  }
  if (a.status < 300) return typeof v === "object" && v !== null ? undefined : "the body is not a JSON object";
  const e = (v as { error?: { code?: unknown; message?: unknown } }).error;
  if (typeof e?.code !== "string" || e.code === "") return "no error.code";
  if (typeof e.message !== "string" || e.message.trim() === "") return "no error.message";
  return undefined;
}

function preview(s: string | Buffer | undefined, n = 160): string {
  if (s === undefined) return "";
  const text = Buffer.isBuffer(s) ? `<${s.length} bytes> ${s.subarray(0, n).toString("utf8")}` : s.length > n ? `<${s.length} chars> ${s.slice(0, n)}` : s;
  return JSON.stringify(text.slice(0, n + 20));
}

function describeFailure(q: FuzzRequest, i: number, why: string, a?: Answer): string {
  const sent = `${q.method} ${q.port === "agent" ? "agent:" : ""}${q.path.slice(0, 300)}${q.body !== undefined ? ` body=${preview(q.body)}` : ""}${q.headers?.["content-type"] !== undefined ? ` type=${q.headers["content-type"]}` : ""}${q.chunked ? " chunked" : ""}`;
  return `#${i} [${q.gen}] ${sent}\n    → ${a !== undefined ? `${a.status} ${preview(a.body.toString("utf8"), 240)}` : "no answer"}: ${why}`;
}

describe(`API fuzzing (seed ${seed})`, () => {
  it(`answers ${request_count} bad requests with 4xx JSON errors, stays up, and changes nothing`, async () => {
    const requests = generate(seed, request_count, target);
    for (const [i, q] of requests.entries()) {
      if (q.path.length > path_chars_max) throw new Error(`seed ${seed}: generator ${q.gen} made a ${q.path.length}-character path (#${i}); keep URLs under ${path_chars_max}`);
    }
    const ports = { server: d.ports.http, agent: d.ports.agent };
    const agent = new http.Agent({ keepAlive: true, maxSockets: requests_parallel_max });
    const failures: string[] = [];
    const per_gen = new Map<string, number>();
    const started_ms = Date.now();
    await pool(requests, requests_parallel_max, async (q, i) => {
      const family = q.gen.split(".").slice(0, 2).join(".");
      per_gen.set(family, (per_gen.get(family) ?? 0) + 1);
      let a: Answer;
      try {
        a = await send(agent, ports[q.port], q);
      } catch (err) {
        failures.push(describeFailure(q, i, err instanceof Error ? err.message : String(err)));
        return;
      }
      const why = judge(q, a);
      if (why !== undefined) failures.push(describeFailure(q, i, why, a));
    });
    agent.destroy();
    const elapsed_ms = Date.now() - started_ms;
    console.log(
      JSON.stringify({ fuzz: "api", seed, requests: requests.length, generators: per_gen.size, elapsed_ms, failures: failures.length, per_generator: Object.fromEntries([...per_gen].sort()) }),
    );

    const exited = d.proc?.exitCode ?? null;
    const log_tail = exited !== null || failures.length > 0 ? (await d.log()).split("\n").slice(-30).join("\n") : "";
    expect(exited, `seed ${seed}: orch dev exited with ${exited} during the fuzz run\n${log_tail}\n${replay}`).toBeNull();
    const shown = failures.sort((x, y) => Number(x.slice(1, x.indexOf(" "))) - Number(y.slice(1, y.indexOf(" ")))).slice(0, failures_shown_max);
    expect(failures.length, `seed ${seed}: ${failures.length} of ${requests.length} answers were wrong:\n${shown.join("\n")}\n${replay}\n--- orch dev log tail\n${log_tail}`).toBe(0);

    const health = await getJson<{ ok: boolean }>(base, "/v1/health");
    expect(health.ok).toBe(true);
    const after = await settledSnapshot(base).catch((err: unknown) => {
      throw new Error(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}; ${replay}`);
    });
    expect(after, `seed ${seed}: the cluster state changed during the fuzz run; ${replay}`).toEqual(before);
  }, 120_000);
});

/** Raw bytes on a socket, for request lines and headers a client library will not send; ends at close. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(text));
    let out = "";
    s.setEncoding("utf8");
    s.on("data", (c: string) => (out += c));
    s.setTimeout(5_000, () => s.destroy(new Error(`no answer to ${JSON.stringify(text.slice(0, 60))}`)));
    s.on("error", reject);
    s.on("close", () => resolve(out));
  });
}

/** Status and body of a raw HTTP/1.1 answer, chunked or not. */
function parseRaw(raw: string): { status: number; body: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
  const split = raw.indexOf("\r\n\r\n");
  let rest = split < 0 ? "" : raw.slice(split + 4);
  if (!/\r\ntransfer-encoding: chunked/i.test(raw.slice(0, split))) return { status, body: rest };
  let body = "";
  for (;;) {
    const eol = rest.indexOf("\r\n");
    const size = eol < 0 ? 0 : parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return { status, body };
    body += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

const json_error = /^\{"error":\{"code":"[^"]+","message":"[^"]+"/;

// Requests refused before any route runs (by Node's parser, the adaptor, the agent's URL
// decoding) still get the JSON error shape, and nothing they carry ends a process.
describe("requests the HTTP layers themselves refuse", () => {
  it("the server answers a request target or Host header it cannot turn into a URL with a JSON 400", async () => {
    // These never reach the app: @hono/node-server cannot build a Request from them, and the
    // server's errorHandler gives them the JSON error shape.
    const heads = ["GET /v1/health HTTP/1.1\r\nHost: [\r\n", "GET /v1\\health HTTP/1.1\r\nHost: x\r\n", "GET http://[ HTTP/1.1\r\nHost: x\r\n", "GET /v1/health HTTP/1.1\r\n"];
    for (const head of heads) {
      const { status, body } = parseRaw(await rawRequest(d.ports.http, `${head}Connection: close\r\n\r\n`));
      expect(status, head).toBe(400);
      expect(body, `${head} answered`).toMatch(json_error);
    }
  });

  it("the server answers requests Node's HTTP parser refuses with a JSON error", async () => {
    // Node's parser refuses these; the server's "clientError" handler answers in JSON.
    const cases: [string, number][] = [
      [`GET /v1/kv/${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n`, 431],
      ["FOO /v1/health HTTP/1.1\r\nHost: x\r\n", 400],
      ["POST /v1/services HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n", 400],
    ];
    for (const [head, want] of cases) {
      const { status, body } = parseRaw(await rawRequest(d.ports.http, `${head}Connection: close\r\n\r\n`));
      expect(status, head.slice(0, 60)).toBe(want);
      expect(body, `${head.slice(0, 60)} answered`).toMatch(json_error);
    }
  });

  // Last: today this request ends the whole `orch dev` process.
  it("the agent answers a task id with a malformed percent-escape with a JSON 400 and stays up", async () => {
    for (const path of ["/v1/agent/tasks/%E0%A4%A/logs", "/v1/agent/tasks/%ED%A0%80/logs", "/v1/agent/tasks/x%/logs"]) {
      const { status, body } = parseRaw(await rawRequest(d.ports.agent, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
      expect(status, path).toBe(400);
      expect(body, `${path} answered`).toMatch(json_error);
    }
    const r = parseRaw(await rawRequest(d.ports.agent, "GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    expect(r.status).toBe(400);
    await new Promise((res) => setTimeout(res, 300));
    expect(d.proc?.exitCode ?? null).toBeNull();
  });
});
