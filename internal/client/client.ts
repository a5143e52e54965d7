// The typed HTTP client the CLI and the tests use: the last named leader first, then each address; retries what was not applied.
import { failedBeforeSending } from "../http/fetch-errors.js";
import type { RoleChange, RoleView } from "../api/roles.js";

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

/**
 * Bounds on retrying a request that definitely did not take effect (an election takes about a
 * second): how long in all, and the pause between passes over the servers (doubling from min
 * to max, with jitter).
 */
export const retry_window_ms = 10_000;
export const retry_pause_ms_min = 50;
export const retry_pause_ms_max = 250;

/**
 * Server answers that promise nothing was applied (and nothing will be): retried for any
 * method. `no_leader` and `not_applied` come from Raft refusing or losing the request before any
 * log held it; `overloaded`, from a bound reached before it was accepted; `version_unknown`, from
 * the version gate refusing to propose before every server announced its command-set version.
 */
const definite_codes: ReadonlySet<string> = new Set(["no_leader", "not_applied", "overloaded", "version_unknown"]);

/** A read changes nothing, so any failure of it may be retried (elsewhere). */
const safe_methods: ReadonlySet<string> = new Set(["GET", "HEAD"]);

interface ErrorHint {
  code?: string;
  message?: string;
  leader?: { name?: string; http_addr?: string } | null;
}

/** One pass over the servers ended without an answer to return. */
interface PassResult {
  /** An answer to return now (success, or a failure that must not be retried). */
  final?: Response;
  /** The last answer saying the request was not applied (retried until the window ends). */
  retryable?: Response;
  retryable_code?: string;
  reachable: number;
}

export class Client {
  /** Told once when requests wait for a leader, e.g. to print "no leader yet … retrying". */
  onWaiting: ((message: string) => void) | undefined;
  /** The leader's base URL as a server last named it: tried first. */
  private leader_base: string | undefined;

  constructor(readonly addrs: readonly string[]) {}

  /** The leader a server named most recently (base URL), if any. */
  get last_leader(): string | undefined {
    return this.leader_base;
  }

  /**
   * Sends to the leader a server last named, then to each address in turn. An answer that
   * says the request was definitely not applied (503 no_leader, not_applied, overloaded, version_unknown), or a
   * server that could not be connected to, moves on to the next server, and after a pass over all
   * of them to another pass after a pause, for up to retry_window_ms. Every other answer returns
   * as it is — a 504 `timeout` (indeterminate) among them: retrying a write that may have
   * taken effect could apply it twice. A read (GET, HEAD) is retried on any 5xx or broken
   * connection, since it changes nothing.
   */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const deadline = Date.now() + retry_window_ms;
    let told = false;
    for (let pass = 0; ; pass++) {
      const r = await this.pass(method, path, opts);
      if (r.final !== undefined) return r.final;
      const res = r.retryable!;
      if (Date.now() > deadline) return res;
      if (!told) {
        const what =
          r.retryable_code === "no_leader"
            ? "no leader yet"
            : r.retryable_code === "not_applied"
              ? "not applied (the leader changed or could not be reached)"
              : r.retryable_code === "overloaded"
                ? "the servers are busy"
                : r.retryable_code === "version_unknown"
                  ? "waiting for every server to announce its command-set version"
                  : `HTTP ${res.status}`;
        this.onWaiting?.(`${what}: ${r.reachable} of ${this.addrs.length} server${this.addrs.length === 1 ? "" : "s"} reachable; retrying…`);
        told = true;
      }
      const pause_ms = Math.min(retry_pause_ms_max, retry_pause_ms_min * 2 ** pass);
      await new Promise((resolve) => setTimeout(resolve, pause_ms * (0.5 + Math.random() / 2)));
    }
  }

  /** The order of one pass: the last named leader first, then the given addresses. */
  private order(): string[] {
    const l = this.leader_base;
    return l === undefined ? [...this.addrs] : [l, ...this.addrs.filter((a) => a !== l)];
  }

  private async pass(method: string, path: string, opts: RequestOptions): Promise<PassResult> {
    const init = requestInit(method, opts);
    const url_tail = `${path}${queryString(opts)}`;
    const safe = safe_methods.has(method);
    const failures: string[] = [];
    let retryable: Response | undefined;
    let retryable_code: string | undefined;
    const tried = new Set<string>();
    const queue = this.order();
    // Bounded: each base is tried at most once per pass, and a named leader joins at most once.
    while (queue.length > 0) {
      const base = queue.shift()!;
      if (tried.has(base)) continue;
      tried.add(base);
      let res: Response;
      try {
        res = await fetch(`${base}${url_tail}`, { ...init, signal: AbortSignal.timeout(client_timeout_ms) });
      } catch (err) {
        if (base === this.leader_base) this.leader_base = undefined;
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
        if (safe || failedBeforeSending(err)) {
          failures.push(`${base}: ${cause}`);
          continue;
        }
        throw new ClientError(
          `the connection to ${base} failed after the request was sent (${cause}): it may or may not have taken effect; read the state before retrying`,
          0,
          "indeterminate",
          null,
        );
      }
      if (res.status < 500) return { final: res, reachable: tried.size - failures.length };
      const hint = (await res.clone().json().catch(() => null) as { error?: ErrorHint } | null)?.error;
      const named = hint?.leader?.http_addr;
      if (typeof named === "string" && named !== "") {
        const leader = baseOf(named);
        if (leader !== undefined) {
          this.leader_base = leader;
          if (!tried.has(leader)) queue.unshift(leader);
        }
      }
      const definite = res.status === 503 && hint?.code !== undefined && definite_codes.has(hint.code);
      if (!definite && !safe) return { final: res, reachable: tried.size - failures.length };
      retryable = res;
      retryable_code = hint?.code;
    }
    const reachable = tried.size - failures.length;
    if (retryable !== undefined) return { retryable, ...(retryable_code !== undefined ? { retryable_code } : {}), reachable };
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

  /** Every configured role and every role a service uses, with what its tasks hold. */
  async roles(): Promise<RoleView[]> {
    return (await this.json<{ roles: RoleView[] }>("GET", "/v1/roles")).roles;
  }

  /** Changes a role's weight, guarantee or limit (fields left out are kept; null clears); answers the role as it now is. */
  setRole(role: string, change: RoleChange): Promise<RoleView> {
    return this.json<RoleView>("PUT", `/v1/roles/${encodeURIComponent(role)}`, { json: change });
  }
}

function queryString(opts: RequestOptions): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v === undefined || v === false) continue;
    qs.set(k, v === true ? "" : String(v));
  }
  return qs.toString() === "" ? "" : `?${qs.toString().replace(/=(&|$)/g, "$1")}`;
}

function requestInit(method: string, opts: RequestOptions): RequestInit {
  const headers: Record<string, string> = {};
  let body: string | Blob | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.body !== undefined) {
    headers["content-type"] = "application/octet-stream";
    body = typeof opts.body === "string" ? opts.body : new Blob([opts.body as Uint8Array<ArrayBuffer>]);
  }
  return { method, headers, ...(body !== undefined ? { body } : {}) };
}

/** A server's advertised "host:port" as a base URL, or undefined if it is not one. */
function baseOf(http_addr: string): string | undefined {
  try {
    return parseAddrs(http_addr)[0];
  } catch {
    return undefined;
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
