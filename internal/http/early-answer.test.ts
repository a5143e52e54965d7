// Early answers are read by the client whatever it still sends; past the discard bounds the connection is cut, logged once.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Logger } from "../log/logger.js";
import { createHttpServer, type DiscardBounds } from "./early-answer.js";

const servers: http.Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

interface Logged {
  msg: string;
  fields: Record<string, unknown>;
}

/** A server that refuses every request at once, without reading its body. */
async function refusing(bounds?: DiscardBounds): Promise<{ port: number; warned: Logged[] }> {
  const warned: Logged[] = [];
  const ignore = (): void => undefined;
  const log: Logger = { debug: ignore, info: ignore, error: ignore, warn: (msg, fields = {}) => warned.push({ msg, fields }) };
  const s = createHttpServer(
    (_req, res) => {
      const body = JSON.stringify({ error: { code: "body_too_large", message: "the body is larger than 1 byte" } });
      res.writeHead(413, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
      res.end(body);
    },
    log,
    bounds,
  );
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { port: (s.address() as AddressInfo).port, warned };
}

interface Outcome {
  status?: number;
  connection?: string;
  body?: string;
  error?: string;
}

function put(port: number, body: Buffer, opts: { chunked: boolean; agent: http.Agent | false }): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = opts.chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(body.length) };
    const r = http.request({ host: "127.0.0.1", port, method: "PUT", path: "/v1/kv/big", headers, agent: opts.agent, timeout: 20_000 });
    r.on("timeout", () => r.destroy(new Error("no answer in 20 s")));
    r.on("error", (err) => resolve({ error: err.message }));
    r.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: String(res.headers["connection"]), body: text }));
    });
    if (opts.chunked) {
      for (let at = 0; at < body.length; at += 64 * 1024) r.write(body.subarray(at, at + 64 * 1024));
      r.end();
    } else r.end(body);
  });
}

describe("early answers", () => {
  it("are read whole by clients still sending 1.1 MB to 64 MB bodies, on fresh and kept-alive connections", async () => {
    const { port, warned } = await refusing();
    const keep = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const sizes = [1.1, 8, 64].map((mb) => Buffer.alloc(Math.round(mb * 1024 * 1024), 0x61));
    const outcomes: { what: string; o: Outcome }[] = [];
    for (let i = 0; i < 24; i++) {
      const body = sizes[i % 3]!;
      const chunked = i % 2 === 0;
      const agent = i % 4 < 2 ? keep : false;
      outcomes.push({ what: `${body.length} bytes ${chunked ? "chunked" : "sized"} ${agent === false ? "fresh" : "keep-alive"}`, o: await put(port, body, { chunked, agent }) });
    }
    keep.destroy();
    for (const { what, o } of outcomes) {
      expect(o.error, what).toBeUndefined();
      expect(o.status, what).toBe(413);
      expect(o.connection, `${what}: the answer marks the connection to close`).toBe("close");
      expect(JSON.parse(o.body ?? "")).toEqual({ error: { code: "body_too_large", message: "the body is larger than 1 byte" } });
    }
    expect(warned.map((w) => `${w.msg} ${JSON.stringify(w.fields)}`)).toEqual([]);
  }, 120_000);

  it("keep a connection whose body was read to its end open", async () => {
    const s = createHttpServer((req, res) => {
      req.resume();
      req.on("end", () => res.end("ok"));
    }, { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const keep = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const o = await put((s.address() as AddressInfo).port, Buffer.alloc(1024 * 1024), { chunked: false, agent: keep });
    keep.destroy();
    expect(o).toMatchObject({ status: 200, connection: "keep-alive", body: "ok" });
  });

  it("cut the connection past discard_bytes_max and log it once", async () => {
    const { port, warned } = await refusing({ discard_bytes_max: 256 * 1024, discard_ms_max: 10_000 });
    const o = await put(port, Buffer.alloc(32 * 1024 * 1024), { chunked: false, agent: false });
    // The client may or may not have read the answer before the cut; the cut itself is certain.
    expect(o.status === 413 || o.error !== undefined, JSON.stringify(o)).toBe(true);
    await expect.poll(() => warned.length, { timeout: 5_000 }).toBe(1);
    expect(warned[0]?.msg).toBe("cut a connection after an early answer");
    expect(String(warned[0]?.fields["why"])).toContain("discard_bytes_max");
    // A second cut within the log interval is counted, not logged again.
    await put(port, Buffer.alloc(32 * 1024 * 1024), { chunked: false, agent: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(warned.length).toBe(1);
  }, 60_000);

  it("cut a client that stops sending midway once discard_ms_max passes", async () => {
    const { port, warned } = await refusing({ discard_bytes_max: 1024 * 1024 * 1024, discard_ms_max: 300 });
    // A raw socket: it reads the answer but neither finishes the body nor closes its side.
    const s = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true }, () => {
      s.write(`PUT /x HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
      s.write(Buffer.alloc(64 * 1024));
    });
    s.on("error", () => undefined);
    const answer = await new Promise<string>((resolve) => {
      let got = "";
      s.setEncoding("utf8");
      s.on("data", (c: string) => (got += c));
      s.on("end", () => resolve(got));
    });
    await expect.poll(() => warned.length, { timeout: 5_000 }).toBe(1);
    s.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain("connection: close");
    expect(String(warned[0]?.fields["why"])).toContain("discard_ms_max");
  });
});
