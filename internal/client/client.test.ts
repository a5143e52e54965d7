// The client against fake servers on loopback: what it retries (answers that promise nothing was
// applied, refused connections), where (the leader a server named first), and what it never
// re-sends (a write after a 504, or after its connection broke once sent).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../test/support/ports.js";
import { Client, ClientError } from "./client.js";

interface Fake {
  base: string;
  addr: string;
  hits: string[];
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function fake(handler: Handler): Promise<Fake> {
  const f: Fake = { base: "", addr: "", hits: [] };
  const s = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      f.hits.push(`${req.method} ${req.url}`);
      handler(req, res, f.hits.length);
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  f.addr = `127.0.0.1:${(s.address() as AddressInfo).port}`;
  f.base = `http://${f.addr}`;
  return f;
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const notApplied = (leader: Fake | null) => ({ error: { code: "not_applied", message: "not applied", leader: leader === null ? null : { id: 2, name: "s2", http_addr: leader.addr } } });

describe("Client", () => {
  it("retries a write answered not_applied at the leader the server named, and remembers it", async () => {
    const leader = await fake((_q, res) => answer(res, 200, { ok: true }));
    const follower = await fake((_q, res) => answer(res, 503, notApplied(leader)));
    const refused = `127.0.0.1:${await freePort()}`;
    const c = new Client([`http://${refused}`, follower.base]);
    const res = await c.request("PUT", "/v1/kv/a", { body: "v" });
    expect(res.status).toBe(200);
    expect(follower.hits).toEqual(["PUT /v1/kv/a"]);
    expect(leader.hits).toEqual(["PUT /v1/kv/a"]);
    expect(c.last_leader).toBe(leader.base);
    // The next request goes to the remembered leader first.
    await c.request("PUT", "/v1/kv/b", { body: "v" });
    expect(leader.hits).toEqual(["PUT /v1/kv/a", "PUT /v1/kv/b"]);
    expect(follower.hits).toHaveLength(1);
  });

  it("keeps retrying no_leader until a leader answers", async () => {
    const s = await fake((_q, res, n) => (n < 4 ? answer(res, 503, { error: { code: "no_leader", message: "no leader", leader: null } }) : answer(res, 200, { ok: true })));
    const told: string[] = [];
    const c = new Client([s.base]);
    c.onWaiting = (m) => told.push(m);
    expect((await c.request("PUT", "/v1/kv/a", { body: "v" })).status).toBe(200);
    expect(s.hits).toHaveLength(4);
    expect(told).toHaveLength(1);
  });

  it("never re-sends a write answered 504 timeout (it may have taken effect)", async () => {
    const timeout = await fake((_q, res) => answer(res, 504, { error: { code: "timeout", message: "may or may not" } }));
    const other = await fake((_q, res) => answer(res, 200, { ok: true }));
    const res = await new Client([timeout.base, other.base]).request("PUT", "/v1/kv/a", { body: "v" });
    expect(res.status).toBe(504);
    expect(timeout.hits).toHaveLength(1);
    expect(other.hits).toHaveLength(0);
  });

  it("never re-sends a write whose connection broke after it was sent, but retries a read elsewhere", async () => {
    const breaks = await fake((req) => req.socket.destroy());
    const other = await fake((_q, res) => answer(res, 200, { ok: true }));
    const c = new Client([breaks.base, other.base]);
    const err = await c.request("PUT", "/v1/kv/a", { body: "v" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect(err).toMatchObject({ code: "indeterminate" });
    expect((err as Error).message).toContain("may or may not have taken effect");
    expect(other.hits).toHaveLength(0);
    expect((await c.request("GET", "/v1/kv/a")).status).toBe(200);
    expect(other.hits).toEqual(["GET /v1/kv/a"]);
  });

  it("returns an answer that is not a retryable refusal as it is", async () => {
    const s = await fake((_q, res) => answer(res, 503, { error: { code: "stopped", message: "shutting down" } }));
    const other = await fake((_q, res) => answer(res, 200, { ok: true }));
    expect((await new Client([s.base, other.base]).request("PUT", "/v1/kv/a", { body: "v" })).status).toBe(503);
    expect(other.hits).toHaveLength(0);
  });
});
