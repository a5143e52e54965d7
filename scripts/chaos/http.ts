// HTTP calls from the host to one server, classified as the workload and the checks need them.
import type { StatusLite } from "../../test/support/cluster.js";

/** Longer than a server's own request timeout (5 s), so its answer usually arrives before the abort. */
export const request_timeout_ms = 8_000;

export type Reply =
  | { kind: "ok"; status: number; body: string; headers: Headers }
  | { kind: "refused"; status: number; body: string } // a definite "no" (4xx)
  | { kind: "unknown"; reason: string }; // timeout, lost connection or 5xx: may or may not have happened

export async function call(addr: string, method: string, path: string, body?: string, timeout_ms = request_timeout_ms): Promise<Reply> {
  try {
    const r = await fetch(`http://${addr}${path}`, {
      method,
      ...(body !== undefined ? { body, headers: { "content-type": path.startsWith("/v1/kv") ? "application/octet-stream" : "application/json" } } : {}),
      signal: AbortSignal.timeout(timeout_ms),
    });
    const text = await r.text();
    if (r.status >= 200 && r.status < 300) return { kind: "ok", status: r.status, body: text, headers: r.headers };
    if (r.status >= 400 && r.status < 500) return { kind: "refused", status: r.status, body: text };
    return { kind: "unknown", reason: `HTTP ${r.status} ${errorCode(text)}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { kind: "unknown", reason: e.name === "TimeoutError" ? "timeout" : (e.cause?.code ?? e.message) };
  }
}

export function errorCode(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { code?: string } };
    return j.error?.code ?? "";
  } catch {
    return "";
  }
}

export async function getJson<T>(addr: string, path: string, timeout_ms = request_timeout_ms): Promise<T | undefined> {
  const r = await call(addr, "GET", path, undefined, timeout_ms);
  return r.kind === "ok" ? (JSON.parse(r.body) as T) : undefined;
}

/** GET /v1/status as the checks read it: the test harness's view plus the last log index. */
export type StatusBody = StatusLite & { last_index: number };
