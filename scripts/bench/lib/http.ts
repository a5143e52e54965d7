// One HTTP/1.1 keep-alive client (node:http) that drives every system alike, loopback only.
import http from "node:http";

export interface HttpRequestSpec {
  method: "PUT" | "POST" | "GET";
  port: number;
  path: string;
  body?: Buffer;
  content_type?: string;
}

export interface HttpReply {
  status: number;
  body: Buffer;
}

/** Bound on one response body kept in memory (status replies are small; KV replies tiny). */
const reply_bytes_max = 1 << 20;

export class LoopbackClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });

  /** Rejects on a socket error or after timeout_ms; any HTTP status resolves. */
  send(spec: HttpRequestSpec, timeout_ms: number): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { "content-length": spec.body?.length ?? 0 };
      if (spec.content_type !== undefined) headers["content-type"] = spec.content_type;
      const req = http.request({ host: "127.0.0.1", port: spec.port, method: spec.method, path: spec.path, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on("data", (c: Buffer) => {
          bytes += c.length;
          if (bytes <= reply_bytes_max) chunks.push(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.setTimeout(timeout_ms, () => req.destroy(new Error(`no answer from 127.0.0.1:${spec.port}${spec.path} within ${timeout_ms} ms`)));
      req.on("error", reject);
      req.end(spec.body);
    });
  }

  /** JSON in, JSON out; undefined on any failure (for polling status). */
  async json<T>(spec: HttpRequestSpec, timeout_ms: number): Promise<T | undefined> {
    try {
      const r = await this.send(spec, timeout_ms);
      return r.status === 200 ? (JSON.parse(r.body.toString("utf8")) as T) : undefined;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.agent.destroy();
  }
}
