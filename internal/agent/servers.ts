// The agent's HTTP client for the servers: JSON requests tried on each --join server in turn, sticking to one that answers.

/** A request no server answered usefully; `status` is the last HTTP status seen (0: none reachable). */
export class ServersError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = "ServersError";
  }
}

export interface JsonAnswer {
  status: number;
  body: unknown;
  base: string;
}

/** "host:port" or "http://host:port" → base URL without a trailing slash. */
export function baseUrl(addr: string): string {
  return (/^https?:\/\//.test(addr) ? addr : `http://${addr}`).replace(/\/+$/, "");
}

export class ServerPool {
  readonly bases: readonly string[];
  private current = 0;

  constructor(
    addrs: readonly string[],
    private readonly request_timeout_ms: number,
  ) {
    if (addrs.length === 0) throw new Error("agent: no server addresses to join");
    this.bases = addrs.map(baseUrl);
  }

  /** The server to try first; moves on after a failure so every server gets its turn. */
  preferred(): string {
    return this.bases[this.current % this.bases.length] ?? "";
  }

  rotate(): void {
    this.current = (this.current + 1) % this.bases.length;
  }

  /**
   * POSTs JSON to each server from the preferred one on; an answer below 500 ends the
   * search (404 and 400 are the caller's to handle). Unreachable servers and 5xx (no leader,
   * shutting down) move on to the next one.
   */
  async post(path: string, json: unknown, signal?: AbortSignal): Promise<JsonAnswer> {
    const failures: string[] = [];
    let last_status = 0;
    let last_code = "unreachable";
    for (let tried = 0; tried < this.bases.length; tried += 1) {
      const base = this.preferred();
      try {
        const timeout = AbortSignal.timeout(this.request_timeout_ms);
        const res = await fetch(`${base}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(json),
          signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        });
        const body = await readBody(res);
        if (res.status < 500) return { status: res.status, body, base };
        last_status = res.status;
        last_code = errorCode(body) ?? "http_error";
        failures.push(`${base}: HTTP ${res.status} ${errorMessage(body) ?? ""}`.trim());
      } catch (err) {
        if (signal?.aborted === true) throw err;
        failures.push(`${base}: ${causeOf(err)}`);
      }
      this.rotate();
    }
    throw new ServersError(`POST ${path} failed on every server (${failures.join("; ")})`, last_status, last_code);
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text === "" ? null : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

export function errorCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === "string" ? code : undefined;
}

export function errorMessage(body: unknown): string | undefined {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === "string" ? message : undefined;
}

export function causeOf(err: unknown): string {
  if (err instanceof Error && err.cause instanceof Error) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
