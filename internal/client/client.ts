// The typed HTTP client the CLI and the tests use: tries each server address in turn.
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

/** How long a request keeps retrying while the cluster has no leader (an election takes about a second). */
export const no_leader_retry_ms = 10_000;
const no_leader_pause_ms = 250;

export class Client {
  /** Told once when requests wait for a leader, e.g. to print "no leader yet … retrying". */
  onWaiting: ((message: string) => void) | undefined;

  constructor(readonly addrs: readonly string[]) {}

  /**
   * Sends to each address in turn. A 503 "no_leader" or "version_unknown" (the request was not
   * applied) is tried on the next server, then again after a pause, for up to no_leader_retry_ms;
   * other answers return.
   */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const deadline = Date.now() + no_leader_retry_ms;
    let told = false;
    for (;;) {
      const { res, reachable } = await this.once(method, path, opts);
      if (res.status !== 503 || Date.now() > deadline) return res;
      const body = await res.clone().json().catch(() => null) as { error?: { code?: string } } | null;
      const code = body?.error?.code;
      // version_unknown: a server has not announced its command-set version yet (it just started).
      if (code !== "no_leader" && code !== "version_unknown") return res;
      if (!told) {
        this.onWaiting?.(
          code === "no_leader"
            ? `no leader yet: ${reachable} of ${this.addrs.length} server${this.addrs.length === 1 ? "" : "s"} reachable; retrying…`
            : "waiting for every server to announce its command-set version; retrying…",
        );
        told = true;
      }
      await new Promise((r) => setTimeout(r, no_leader_pause_ms));
    }
  }

  private async once(method: string, path: string, opts: RequestOptions): Promise<{ res: Response; reachable: number }> {
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
    let no_leader: Response | undefined;
    for (const base of this.addrs) {
      try {
        const res = await fetch(`${base}${path}${search}`, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(client_timeout_ms) });
        if (res.status !== 503 || this.addrs.length === 1) return { res, reachable: this.addrs.length - failures.length };
        // Another server may know the leader; keep this answer in case none does.
        no_leader = res;
      } catch (err) {
        const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
        failures.push(`${base}: ${cause}`);
      }
    }
    if (no_leader !== undefined) return { res: no_leader, reachable: this.addrs.length - failures.length };
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
