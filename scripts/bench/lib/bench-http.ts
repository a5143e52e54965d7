// Loopback HTTP for the scheduler benchmarks: bounded replies and timeouts, retries of 503s, a bounded worker pool.
import http from "node:http";

const MiB = 1024 ** 2;
/** Bound on one HTTP call; a server's own request timeout is 5 s. */
export const http_timeout_ms = 30_000;
/** Bound on one reply kept in memory (the service list of 10,000 services is a few MiB). */
const reply_bytes_max = 64 * MiB;
/** Retries of one call refused with 503 (overloaded, no leader) before giving up. */
export const retries_max = 20;
/** Sockets one agent opens at most (submitters in flight at once). */
export const sockets_max = 512;

/**
 * Connections are opened before timing starts and kept: a connection opened while the leader is
 * busy placing waited seconds for its first answer (seen with orch's HTTP stack, not with a bare
 * node:http server), which would measure connection set-up under load rather than placement.
 */
export const agent = new http.Agent({ keepAlive: true, maxSockets: sockets_max });
/** The poller's own connection, so it never waits for a submitter's. */
export const poll_agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

export function destroyAgents(): void {
  agent.destroy();
  poll_agent.destroy();
}

export function request(port: number, method: "GET" | "POST", p: string, body?: unknown, via = agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      { host: "127.0.0.1", port, method, path: p, agent: via, headers: { "content-length": data?.length ?? 0, ...(data !== undefined ? { "content-type": "application/json" } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
          if (bytes > reply_bytes_max) req.destroy(new Error(`reply from ${p} is larger than ${reply_bytes_max} bytes`));
          else chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(http_timeout_ms, () => req.destroy(new Error(`no answer from 127.0.0.1:${port}${p} within ${http_timeout_ms} ms`)));
    req.on("error", reject);
    req.end(data);
  });
}

/** Answers other than 200 that a POST got and retried, by status and error code. */
export const retried = new Map<string, number>();

/** POST with retries on 503 (overloaded, no leader yet); any other non-200 is fatal. */
export async function postOk(port: number, p: string, body: unknown, what: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await request(port, "POST", p, body);
    if (r.status === 200) return;
    if (r.status !== 503 || attempt >= retries_max) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    const code = /"code":"([a-z_]+)"/.exec(r.text)?.[1] ?? "?";
    retried.set(`${r.status} ${code}`, (retried.get(`${r.status} ${code}`) ?? 0) + 1);
    await sleep(50 * (attempt + 1));
  }
}

/** Runs f over items with at most `inflight` at once; fails once the deadline (epoch ms) passes. */
export async function pool<T>(items: readonly T[], inflight: number, deadline_ms: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (Date.now() > deadline_ms) throw new Error("the run's --timeout-s passed");
      await f(items[next++]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inflight, items.length) }, worker));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
