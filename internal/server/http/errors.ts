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

export function errorResponse(c: Context, err: unknown, leader?: () => Record<string, unknown> | null): Response {
  if (err instanceof HttpError) return c.json<ErrorBody>({ error: { code: err.code, message: err.message, ...err.extra } }, err.status);
  if (err instanceof NodeError) {
    const extra = err.code === "no_leader" || err.code === "timeout" ? { leader: leader?.() ?? null } : {};
    return c.json<ErrorBody>({ error: { code: err.code, message: err.message, ...extra } }, err.status as ContentfulStatusCode);
  }
  const message = err instanceof Error ? err.message : String(err);
  return c.json<ErrorBody>({ error: { code: "internal", message: `internal error: ${message}` } }, 500);
}
