// The typed HTTP client the CLI and the tests use: tries each server address in turn.

/** Bound on one request, end to end. */
export const client_timeout_ms = 15_000;
export const addr_default = "127.0.0.1:4640";

export class ClientError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = "ClientError";
  }
}

/** Accepts "host:port", "http://host:port", comma-separated; returns base URLs. */
export function parseAddrs(raw: string): string[] {
  const out = raw
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "")
    .map((a) => (/^https?:\/\//.test(a) ? a : `http://${a}`).replace(/\/+$/, ""));
  for (const a of out) {
    try {
      new URL(a);
    } catch {
      throw new Error(`--addr ${JSON.stringify(a)} is not an address: give host:port, e.g. 127.0.0.1:4640`);
    }
  }
  if (out.length === 0) throw new Error("--addr is empty: give host:port of a server, e.g. 127.0.0.1:4640");
  return out;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: Uint8Array | string;
  json?: unknown;
}

export class Client {
  constructor(readonly addrs: readonly string[]) {}

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v === undefined || v === false) continue;
      qs.set(k, v === true ? "" : String(v));
    }
    const search = qs.toString() === "" ? "" : `?${qs.toString().replace(/=(&|$)/g, "$1")}`;
    const headers: Record<string, string> = {};
    let body: string | Blob | undefined;
    if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.json);
    } else if (opts.body !== undefined) {
      headers["content-type"] = "application/octet-stream";
      body = typeof opts.body === "string" ? opts.body : new Blob([opts.body as Uint8Array<ArrayBuffer>]);
    }
    const failures: string[] = [];
    for (const base of this.addrs) {
      try {
        return await fetch(`${base}${path}${search}`, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(client_timeout_ms) });
      } catch (err) {
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
        failures.push(`${base}: ${cause}`);
      }
    }
    throw new ClientError(
      `cannot reach ${failures.join("; ")}: is \`orch server\` (or \`orch dev\`) running there? set --addr or ORCH_ADDR`,
      0,
      "unreachable",
      null,
    );
  }

  /** A JSON answer, or a ClientError carrying the server's message. */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    return (await readJson(res)) as T;
  }
}

export async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    body = text;
  }
  if (!res.ok) throw errorOf(res.status, body);
  return body;
}

export function errorOf(status: number, body: unknown): ClientError {
  const e = (body as { error?: { code?: string; message?: string; leader?: { name?: string; http_addr?: string } | null } } | null)?.error;
  const leader = e?.leader?.http_addr !== undefined && e.leader.http_addr !== "" ? ` (leader: ${e.leader.name ?? "?"} at ${e.leader.http_addr})` : "";
  return new ClientError(`${e?.message ?? `HTTP ${status}`}${leader}`, status, e?.code ?? "http_error", body);
}
