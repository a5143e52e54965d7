// Errors of the server-to-server transport; each says what was wrong and what to check next.

export type TransportErrorCode =
  | "codec" // a message or handshake payload is malformed
  | "frame" // a frame header or checksum is wrong, or a frame is over the size limit
  | "handshake" // the other side is of another cluster, version or node id
  | "limit" // a configured bound would be exceeded
  | "config"; // invalid options

/** Base class so the driver can tell transport trouble from its own bugs. `code` is stable. */
export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A payload that does not decode; never a half-built message. */
export class CodecError extends TransportError {
  constructor(message: string) {
    super("codec", `transport codec: ${message}`);
  }
}

/** A frame that cannot be trusted: the connection that carried it must be closed. */
export class FrameError extends TransportError {
  constructor(message: string) {
    super("frame", `transport frame: ${message}`);
  }
}

/** The handshake was refused, by us or by the other side. */
export class HandshakeError extends TransportError {
  constructor(message: string) {
    super("handshake", `transport handshake: ${message}`);
  }
}

/** Invalid transport options; the message names the bad field and value. */
export class TransportConfigError extends TransportError {
  constructor(message: string) {
    super("config", `transport options: ${message}`);
  }
}

/** A short text for logs from anything thrown. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
