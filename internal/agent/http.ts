// The agent's own HTTP server: task logs as NDJSON for the servers to proxy (GET /v1/agent/tasks/:task_id/logs).
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpServer } from "../http/early-answer.js";
import { UnknownTaskError } from "../driver/errors.js";
import type { Driver } from "../driver/types.js";
import type { Logger } from "../log/logger.js";
import { logOptionsOf, QueryError } from "./log-query.js";

const logs_route = /^\/v1\/agent\/tasks\/([^/]+)\/logs$/;
const task_id_pattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Log requests served at once; more get 503 so a burst of followers cannot exhaust the agent. */
export const log_requests_parallel_max = 64;

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code, message } }));
}

export class AgentHttp {
  private active = 0;

  private constructor(private readonly server: Server) {}

  static async listen(driver: Driver, bind: string, port: number, logger: Logger): Promise<AgentHttp> {
    const server = createHttpServer((req, res) => {
      // Nothing a request carries may end the agent: any surprise becomes a JSON 500.
      self.handle(driver, req, res, logger).catch((err: unknown) => {
        logger.error("logs request failed", { error: err instanceof Error ? err.message : String(err) });
        sendError(res, 500, "internal", `internal error: ${err instanceof Error ? err.message : String(err)}`);
      });
    }, logger);
    const self = new AgentHttp(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err: NodeJS.ErrnoException) =>
        reject(err.code === "EADDRINUSE" ? new Error(`agent HTTP port ${bind}:${port} is in use: choose another --http-port`) : err),
      );
      server.listen(port, bind, resolve);
    });
    return self;
  }

  port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(driver: Driver, req: IncomingMessage, res: ServerResponse, logger: Logger): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://agent");
    } catch {
      return sendError(res, 400, "bad_url", "the request URL cannot be parsed: use GET /v1/agent/tasks/:task_id/logs");
    }
    const match = logs_route.exec(url.pathname);
    if (match === null) return sendError(res, 404, "not_found", `no route ${req.method ?? ""} ${url.pathname}: the agent serves GET /v1/agent/tasks/:task_id/logs`);
    if (req.method !== "GET") return sendError(res, 405, "method_not_allowed", `use GET for ${url.pathname}`);
    let task_id: string;
    try {
      task_id = decodeURIComponent(match[1] ?? "");
    } catch {
      return sendError(res, 400, "invalid_task_id", "the task id is not valid percent-encoding");
    }
    if (!task_id_pattern.test(task_id)) return sendError(res, 400, "invalid_task_id", `task id ${JSON.stringify(task_id)} is not valid`);
    if (this.active >= log_requests_parallel_max) {
      return sendError(res, 503, "busy", `${log_requests_parallel_max} log requests are open (log_requests_parallel_max); retry shortly`);
    }
    let options;
    try {
      options = logOptionsOf(url.searchParams);
    } catch (err) {
      if (err instanceof QueryError) return sendError(res, 400, err.code, err.message);
      throw err;
    }
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    this.active += 1;
    try {
      await driver.inspect(task_id);
      res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
      for await (const line of driver.logs(task_id, { ...options, signal: abort.signal })) {
        if (!res.write(`${JSON.stringify(line)}\n`)) await new Promise((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
        if (abort.signal.aborted) break;
      }
      res.end();
    } catch (err) {
      if (err instanceof UnknownTaskError) return sendError(res, 404, "unknown_task", `task ${task_id} is not on this node`);
      if (!abort.signal.aborted) logger.warn("log request failed", { task_id, error: err instanceof Error ? err.message : String(err) });
      sendError(res, 500, "internal", `reading the logs of ${task_id} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.active -= 1;
    }
  }
}
