// Request bodies, read once and bounded, straight from Node's IncomingMessage when there is one.
// The node adaptor would otherwise build a WHATWG Request and a web stream for every body:
// profiled under 64 writers, that cost more CPU than Raft, storage and the transport together.
import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { HttpError } from "./errors.js";

const bodies = new WeakMap<Context, Uint8Array>();

function incomingOf(c: Context): IncomingMessage | undefined {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming;
}

/** Reads a request body from Node, keeping at most max_bytes (else rejects with tooLarge()). */
export function readIncoming(incoming: IncomingMessage, max_bytes: number, tooLarge: () => HttpError): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const done = (err?: Error): void => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
      if (err !== undefined) reject(err);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      // Past the bound nothing more is kept; the adaptor drains (bounded) or closes the rest.
      if (bytes > max_bytes) return done(tooLarge());
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes));
    };
    const onError = (err: Error): void => done(new HttpError(400, "bad_request", `the request body could not be read: ${err.message}`));
    const onClose = (): void => {
      if (!incoming.readableEnded) done(new HttpError(400, "bad_request", "the connection closed before the request body ended"));
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

/** Reads the body (at most max_bytes, else tooLarge()) before the route runs; bodyOf(c) returns it. */
export function readBody(max_bytes: number, tooLarge: () => HttpError): MiddlewareHandler {
  return async (c, next) => {
    const declared = Number(c.req.header("content-length") ?? "NaN");
    if (declared > max_bytes) throw tooLarge();
    const incoming = incomingOf(c);
    let body: Uint8Array;
    if (incoming !== undefined && !incoming.readableDidRead) {
      body = await readIncoming(incoming, max_bytes, tooLarge);
    } else {
      // In-process requests (app.request in tests) have no IncomingMessage.
      body = new Uint8Array(await c.req.arrayBuffer());
      if (body.byteLength > max_bytes) throw tooLarge();
    }
    bodies.set(c, body);
    await next();
  };
}

/** The body readBody() read for this request. */
export function bodyOf(c: Context): Uint8Array {
  const b = bodies.get(c);
  if (b === undefined) throw new Error(`route ${c.req.method} ${c.req.path} reads a body without the readBody middleware`);
  return b;
}

/** The limit most JSON routes use: 413 body_too_large. */
export function jsonBodyLimit(max_bytes: number): MiddlewareHandler {
  return readBody(max_bytes, () => new HttpError(413, "body_too_large", `the body is larger than ${max_bytes} bytes`));
}
