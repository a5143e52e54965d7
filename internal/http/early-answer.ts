// Answers given before the request body has arrived (413, 404, 405, 415, later 401): the client
// still reads them. Closing a socket while the peer is still writing makes the kernel answer its
// data with a reset, and a reset throws away the answer the client had not read yet: the client
// sees "write EPIPE" instead of "413: the value is too large". So such an answer says
// `connection: close`, the socket's write side ends after it, and what the client still sends is
// read and discarded, up to discard_bytes_max and discard_ms_max, before the socket closes.
import { createServer, ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "../log/logger.js";
import { clientErrorAnswer } from "./client-error.js";

export interface DiscardBounds {
  /** Bytes read and thrown away after an early answer before the connection is cut. */
  discard_bytes_max: number;
  /** Time given to the client to finish sending after an early answer before the connection is cut. */
  discard_ms_max: number;
}

/** Above the largest body the fuzz and limit tests send (64 MB), and seconds for a slow loaded client. */
export const discard_bounds_default: DiscardBounds = { discard_bytes_max: 128 * 1024 * 1024, discard_ms_max: 10_000 };

/** Cut connections are logged at most this often (the count of the rest goes with the next line). */
const cut_log_interval_ms = 60_000;

/** True while a request that carries a body has not been read to its end. */
export function bodyPending(req: IncomingMessage): boolean {
  if (req.complete || req.destroyed) return false;
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

interface Lingering {
  bounds: DiscardBounds;
  onCut: (why: string, discarded_bytes: number) => void;
}

/**
 * A response class that notices it is answered early: it adds `connection: close`, starts
 * discarding the rest of the body, and when Node closes the socket after it (destroySoon), the
 * socket's write side ends but the socket stays open until the client has sent everything.
 */
function earlyAwareResponse(l: Lingering): typeof ServerResponse {
  // The cast: Node's type is generic over the request class; orch's servers use the plain one.
  return class EarlyAwareResponse extends ServerResponse {
    override writeHead(status: number, reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
      if (bodyPending(this.req)) {
        this.setHeader("connection", "close");
        discardRest(this.req, l);
      }
      return typeof reason === "object" ? super.writeHead(status, reason) : super.writeHead(status, reason, headers);
    }
  } as unknown as typeof ServerResponse;
}

/**
 * Reads and throws away the rest of req's body within the bounds, and makes the socket's
 * destroySoon (Node's close after a `connection: close` answer) wait for the client to finish.
 */
function discardRest(req: IncomingMessage, l: Lingering): void {
  const socket = req.socket;
  let discarded_bytes = 0;
  const cut = (why: string): void => {
    if (socket.destroyed) return;
    l.onCut(why, discarded_bytes);
    socket.destroy();
  };
  const timer = setTimeout(() => cut(`the client was still sending ${l.bounds.discard_ms_max} ms after the answer (discard_ms_max)`), l.bounds.discard_ms_max);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  // Counted on the request, not the socket: a 'data' listener on the socket takes it away from
  // Node's HTTP parser, which then stops reading. Listening here also keeps Node from "dumping"
  // the request, after which the parser drops body bytes without a trace.
  req.removeAllListeners("data");
  req.on("data", (chunk: Buffer) => {
    discarded_bytes += chunk.length;
    if (discarded_bytes > l.bounds.discard_bytes_max) cut(`the client sent more than ${l.bounds.discard_bytes_max} bytes after the answer (discard_bytes_max)`);
  });
  socket.destroySoon = function lingeringClose(this: Socket): void {
    if (this.writableEnded) return;
    this.end();
    // The client ends its side once it has sent everything and read the answer.
    this.once("end", () => this.destroy());
  };
}

/**
 * Node's HTTP server as every orch port uses it: early answers are read by the client (above),
 * a request Node's parser refuses gets a JSON error, a request without Host reaches the handler.
 */
export function createHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  log: Logger,
  bounds: DiscardBounds = discard_bounds_default,
): Server {
  let last_log_ms = -Infinity;
  let unlogged = 0;
  const response = earlyAwareResponse({
    bounds,
    onCut: (why, discarded_bytes) => {
      const now = Date.now();
      if (now - last_log_ms < cut_log_interval_ms) {
        unlogged += 1;
        return;
      }
      log.warn("cut a connection after an early answer", { why, discarded_bytes, ...(unlogged > 0 ? { also_cut_since_last_line: unlogged } : {}) });
      last_log_ms = now;
      unlogged = 0;
    },
  });
  const server = createServer({ requireHostHeader: false, ServerResponse: response }, handler);
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => clientErrorAnswer(err, socket));
  return server;
}
