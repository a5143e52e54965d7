// Bodies far over every limit, sized and chunked, on fresh and kept-alive connections: the client
// always reads the early answer (413, or the route's own refusal), never a broken pipe, and
// nothing changes. Replay a run with ORCH_FUZZ_SEED=<seed>.
import { randomInt } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DevCluster } from "../support/dev.js";
import { pool, send, type FuzzRequest } from "./send.js";
import { settledSnapshot, type Snapshot } from "./state.js";
import { Prng } from "../sim/prng.js";

const seed = process.env["ORCH_FUZZ_SEED"] !== undefined ? Number(process.env["ORCH_FUZZ_SEED"]) : randomInt(2 ** 31);
const request_count = 200;
const requests_parallel_max = 4;
const sizes_bytes = [Math.round(1.1 * 1024 * 1024), 8 * 1024 * 1024, 64 * 1024 * 1024];

interface Route {
  port: "server" | "agent";
  method: string;
  path: string;
  content_type?: string;
  expect: readonly number[];
  /** Mesos's routes answer errors in plain text, not orch's JSON. */
  text?: true;
}

/** Every route with a body limit, and refusals given before any body is read. */
const routes: readonly Route[] = [
  { port: "server", method: "PUT", path: "/v1/kv/oversized/a", expect: [413] },
  { port: "server", method: "POST", path: "/v1/services", content_type: "application/json", expect: [413] },
  { port: "server", method: "POST", path: "/v1/services/nothing-here/scale", content_type: "application/json", expect: [413] },
  { port: "server", method: "POST", path: "/v1/members", content_type: "application/json", expect: [413] },
  { port: "server", method: "PUT", path: "/v1/roles/oversized", content_type: "application/json", expect: [413] },
  { port: "server", method: "POST", path: "/v1/agent/register", content_type: "application/json", expect: [413] },
  { port: "server", method: "POST", path: "/v1/agent/heartbeat", content_type: "application/json", expect: [413] },
  { port: "server", method: "POST", path: "/v1/agent/status", content_type: "application/json", expect: [413] },
  { port: "server", method: "POST", path: "/api/v1", content_type: "application/json", expect: [413], text: true },
  { port: "server", method: "POST", path: "/master/api/v1", content_type: "application/json", expect: [413], text: true },
  // Refused before the body matters: no route, a wrong method, a wrong content type.
  { port: "server", method: "POST", path: "/v1/no-such-route", content_type: "application/json", expect: [404] },
  { port: "server", method: "PUT", path: "/v1/services", content_type: "application/json", expect: [404, 405] },
  { port: "server", method: "POST", path: "/v1/services", content_type: "text/plain", expect: [413, 415] },
  { port: "server", method: "POST", path: "/master/state", content_type: "application/json", expect: [405], text: true },
  { port: "agent", method: "POST", path: "/v1/agent/tasks/x/logs", expect: [405] },
  { port: "agent", method: "PUT", path: "/v1/no-such-route", expect: [404] },
];

let d: DevCluster;
let before: Snapshot;
const bodies = sizes_bytes.map((n) => Buffer.alloc(n, 0x7b));

beforeAll(async () => {
  d = await DevCluster.start(["--driver", "mock"]);
  before = await settledSnapshot(`http://${d.addr}`);
});

afterAll(async () => {
  await d?.destroy();
});

describe(`oversized bodies (seed ${seed})`, () => {
  it(`${request_count} requests of 1.1 MB, 8 MB and 64 MB: every early answer is read, nothing changes`, async () => {
    const r = new Prng(seed);
    const keep = new http.Agent({ keepAlive: true, maxSockets: requests_parallel_max });
    const plan = Array.from({ length: request_count }, (_, i) => ({
      route: routes[i % routes.length]!,
      body: bodies[Math.floor(i / routes.length) % bodies.length]!,
      chunked: r.chance(0.5),
      fresh: r.chance(0.5),
    }));
    const failures: string[] = [];
    const ports = { server: d.ports.http, agent: d.ports.agent };
    await pool(plan, requests_parallel_max, async (p, i) => {
      const q: FuzzRequest = {
        gen: "oversized",
        port: p.route.port,
        method: p.route.method,
        path: p.route.path,
        ...(p.route.content_type !== undefined ? { headers: { "content-type": p.route.content_type } } : {}),
        body: p.body,
        chunked: p.chunked,
        expect: p.route.expect,
      };
      const what = `#${i} ${q.method} ${q.port}:${q.path} ${p.body.length} bytes ${p.chunked ? "chunked" : "sized"} ${p.fresh ? "fresh" : "keep-alive"}`;
      try {
        const a = await send(p.fresh ? false : keep, ports[q.port], q);
        const text = a.body.toString("utf8");
        const message = p.route.text === true ? (text.trim() !== "" ? text : undefined) : (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
        if (!q.expect.includes(a.status) || typeof message !== "string") failures.push(`${what}: ${a.status} ${a.body.toString("utf8").slice(0, 200)}`);
      } catch (err) {
        failures.push(`${what}: no answer: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    keep.destroy();
    const replay = `replay: ORCH_FUZZ_SEED=${seed} npx vitest run --config test/vitest.config.ts test/fuzz/oversized`;
    expect(failures, `seed ${seed}: ${failures.length} of ${request_count} early answers were not read\n${failures.slice(0, 20).join("\n")}\n${replay}`).toEqual([]);
    expect(d.proc?.exitCode ?? null).toBeNull();
    expect(await settledSnapshot(`http://${d.addr}`), `seed ${seed}: the cluster state changed; ${replay}`).toEqual(before);
  }, 300_000);
});
