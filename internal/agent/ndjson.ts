// Reads an HTTP body as NDJSON lines, with a bound on line length and on silence between chunks.

export class StreamSilentError extends Error {
  constructor(silence_ms: number) {
    super(`the stream sent nothing for ${silence_ms} ms (not even a keepalive)`);
    this.name = "StreamSilentError";
  }
}

/**
 * Yields each non-empty line parsed as JSON. Aborts the body when nothing arrives for
 * `silence_ms`, and throws when one line grows past `line_bytes_max`.
 */
export async function* ndjsonLines(
  body: ReadableStream<Uint8Array>,
  options: { silence_ms: number; line_bytes_max: number; abort: AbortController },
): AsyncGenerator<unknown> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let silent = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      silent = true;
      options.abort.abort(new StreamSilentError(options.silence_ms));
    }, options.silence_ms);
  };
  let pending = "";
  try {
    arm();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (silent) throw new StreamSilentError(options.silence_ms);
        throw err;
      }
      if (chunk.done) break;
      arm();
      pending += decoder.decode(chunk.value, { stream: true });
      let newline = pending.indexOf("\n");
      while (newline >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line !== "") yield JSON.parse(line) as unknown;
        newline = pending.indexOf("\n");
      }
      if (pending.length > options.line_bytes_max) {
        throw new Error(`a stream line is longer than ${options.line_bytes_max} bytes (assignment_line_bytes_max)`);
      }
    }
    const rest = pending.trim();
    if (rest !== "") yield JSON.parse(rest) as unknown;
  } finally {
    clearTimeout(timer);
    // Closes the connection when the caller stops early (reconnect, shutdown).
    void reader.cancel().catch(() => undefined);
  }
}
