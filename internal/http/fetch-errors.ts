// Whether a failed fetch() could have reached the server: what decides if a write may be sent again.

/**
 * True when fetch failed before the request could have left this process (no connection was
 * ever made: refused, no such host, connect timeout): a write is then safe to send elsewhere.
 * An error on an established connection (reset, closed, timed out) is not: the server may have
 * read the request and acted on it.
 */
export function failedBeforeSending(err: unknown): boolean {
  const causes: unknown[] = [];
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof AggregateError) causes.push(...(cause.errors as unknown[]));
  else causes.push(cause);
  return (
    causes.length > 0 &&
    causes.every((c) => {
      const e = c as { code?: unknown; syscall?: unknown } | undefined;
      return e !== undefined && e !== null && (e.syscall === "connect" || e.syscall === "getaddrinfo" || e.code === "UND_ERR_CONNECT_TIMEOUT");
    })
  );
}
