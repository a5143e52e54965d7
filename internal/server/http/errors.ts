// HTTP errors as JSON: every failure has a status, a stable code, and a message saying what to do.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { NodeError } from "../../raftnode/errors.js";

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

/**
 * Status and JSON body for any error a route throws; no_leader, not_applied and timeout name the
 * leader this server knows (null if none), so a client can try it first.
 */
export function errorAnswer(err: unknown, leader?: () => Record<string, unknown> | null): { status: ContentfulStatusCode; body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.status, body: { error: { code: err.code, message: err.message, ...err.extra } } };
  if (err instanceof NodeError) {
    const extra = err.code === "no_leader" || err.code === "not_applied" || err.code === "timeout" ? { leader: leader?.() ?? null } : {};
    return { status: err.status as ContentfulStatusCode, body: { error: { code: err.code, message: err.message, ...extra } } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { error: { code: "internal", message: `internal error: ${message}` } } };
}

export function errorResponse(c: Context, err: unknown, leader?: () => Record<string, unknown> | null): Response {
  const a = errorAnswer(err, leader);
  return c.json<ErrorBody>(a.body, a.status);
}
