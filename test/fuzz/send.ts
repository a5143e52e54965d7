// Sends fuzz requests over node:http (raw paths, any method, chunked or sized bodies) with bounded concurrency.
import http from "node:http";

export interface FuzzRequest {
  /** The generator that made it, named in every failure. */
  gen: string;
  port: "server" | "agent";
  method: string;
  /** Already encoded: sent on the request line as is. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
  /** Statuses that are right for this request. */
  expect: readonly number[];
  /** How its errors are written: orch's JSON (default), or Mesos's plain text on Mesos's own routes. */
  answer?: "json" | "text";
}

export interface Answer {
  status: number;
  content_type: string;
  body: Buffer;
}

/** Bound on one request: longer means the server hangs. */
export const request_timeout_ms = 10_000;
/** Bytes of an answer kept; error bodies are small, and nothing valid is asked for. */
const answer_bytes_max = 256 * 1024;

/**
 * One request and its answer. A kept-alive socket the server closed for idleness just as it was
 * reused fails with ECONNRESET before any answer: that request is sent once more on a new socket.
 */
export async function send(agent: http.Agent | false, port: number, req: FuzzRequest): Promise<Answer> {
  try {
    return await sendOnce(agent, port, req);
  } catch (err) {
    if (!(err instanceof StaleSocketError)) throw err;
    return sendOnce(false, port, req);
  }
}

class StaleSocketError extends Error {}

function sendOnce(agent: http.Agent | false, port: number, req: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, "utf8");
    const headers: Record<string, string> = { ...req.headers };
    if (body !== undefined && !req.chunked) headers["content-length"] = String(body.length);
    if (req.chunked) headers["transfer-encoding"] = "chunked";
    // A body refused early goes over the shared pool too: the answer says connection: close and
    // the server reads the rest of the body before closing (internal/http/early-answer.ts).
    const r = http.request({ host: "127.0.0.1", port, method: req.method, path: req.path, headers, agent, timeout: request_timeout_ms });
    let settled = false;
    const done = (f: () => void): void => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    r.on("timeout", () => {
      r.destroy();
      done(() => reject(new Error(`no answer in ${request_timeout_ms} ms`)));
    });
    r.on("error", (err: NodeJS.ErrnoException) => done(() => reject(r.reusedSocket && err.code === "ECONNRESET" ? new StaleSocketError(err.message) : err)));
    r.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size <= answer_bytes_max) chunks.push(c);
        else res.destroy();
      });
      const finish = (): void => done(() => resolve({ status: res.statusCode ?? 0, content_type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) }));
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
    });
    if (body === undefined) r.end();
    else if (req.chunked) {
      // Several chunks, so a limit is hit mid-stream rather than on a single write.
      const step = 64 * 1024;
      for (let i = 0; i < body.length; i += step) r.write(body.subarray(i, i + step));
      r.end();
    } else r.end(body);
  });
}

/** Runs `work` over items with at most `parallel` in flight; results keep the items' order. */
export async function pool<T, R>(items: readonly T[], parallel: number, work: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return out;
}
