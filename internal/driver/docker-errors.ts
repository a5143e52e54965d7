// Reads the HTTP status and the daemon's own message out of a dockerode rejection.

export function engineStatusCode(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { statusCode?: unknown }).statusCode;
  return typeof code === "number" ? code : undefined;
}

/** The daemon's message without dockerode's "(HTTP code 500) server error -" prefix. */
export function engineMessage(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const json = (error as { json?: unknown }).json;
    if (typeof json === "object" && json !== null) {
      const message = (json as { message?: unknown }).message;
      if (typeof message === "string" && message !== "") return message.trim();
    }
  }
  if (error instanceof Error) return error.message.trim();
  return String(error);
}

export function isNotFound(error: unknown): boolean {
  return engineStatusCode(error) === 404;
}

export function isConflict(error: unknown): boolean {
  return engineStatusCode(error) === 409;
}

/** Kill or stop of a container that already exited: the goal is met. */
export function isNotRunning(error: unknown): boolean {
  return engineStatusCode(error) === 409 || engineStatusCode(error) === 304;
}
