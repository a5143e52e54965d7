// Answers requests Node's HTTP parser refuses (bad request line, header too large) with the JSON error shape.
import type { Duplex } from "node:stream";

export function clientErrorAnswer(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (err.code === "ECONNRESET")) {
    socket.destroy();
    return;
  }
  const too_large = err.code === "HPE_HEADER_OVERFLOW";
  const status = too_large ? 431 : 400;
  const body = JSON.stringify({
    error: { code: too_large ? "headers_too_large" : "bad_request", message: too_large ? "the request line or headers are too large" : `the request is not valid HTTP (${err.code ?? "parse error"})` },
  });
  socket.end(`HTTP/1.1 ${status} ${too_large ? "Request Header Fields Too Large" : "Bad Request"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
