// Opens an outgoing connection and runs the dialer's side of the handshake, bounded by dial_timeout_ms.
import net from "node:net";
import { formatAddress, type PeerAddress } from "./address.js";
import { errorText, HandshakeError, TransportError } from "./errors.js";
import { FrameDecoder, FrameType, encodeFrame } from "./frame.js";
import { PROTOCOL_VERSION, decodeAccept, decodeReject, encodeHello, type Hello, type Reject } from "./handshake.js";
import type { TransportLimits } from "./limits.js";

/** A dial that did not end in an accepted handshake; `refused` is set when the peer said no. */
export class DialError extends TransportError {
  constructor(
    message: string,
    readonly refused?: Reject,
  ) {
    super(refused ? "handshake" : "limit", message);
  }
}

export interface Dialed {
  /** Paused: the caller attaches its listeners, then resumes it. */
  readonly socket: net.Socket;
  /** Holds any bytes that came after the accept frame. */
  readonly decoder: FrameDecoder;
}

export interface Dialing {
  /** Destroying it cancels the dial (done then rejects). */
  readonly socket: net.Socket;
  readonly done: Promise<Dialed>;
}

type DialLimits = Pick<TransportLimits, "dial_timeout_ms" | "handshake_frame_bytes_max" | "frame_bytes_max">;

export function dial(address: PeerAddress, hello: Omit<Hello, "version">, limits: DialLimits): Dialing {
  const where = `node ${hello.to} at ${formatAddress(address)}`;
  const socket = net.connect({ host: address.host, port: address.port });
  socket.setNoDelay(true);
  const decoder = new FrameDecoder(limits.handshake_frame_bytes_max);
  const done = new Promise<Dialed>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off("connect", onConnect);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
      if (err !== null) {
        socket.destroy();
        reject(err);
        return;
      }
      socket.pause();
      decoder.frame_bytes_max = limits.frame_bytes_max;
      resolve({ socket, decoder });
    };
    const onConnect = (): void => {
      socket.write(encodeFrame(FrameType.hello, encodeHello({ ...hello, version: PROTOCOL_VERSION })));
    };
    const onData = (chunk: Buffer): void => {
      try {
        const frames = decoder.push(chunk);
        const first = frames[0];
        if (first === undefined) return;
        if (first.type === FrameType.hello_accept) {
          const a = decodeAccept(first.payload);
          if (a.node_id !== hello.to || a.version !== PROTOCOL_VERSION) {
            throw new HandshakeError(`${where} accepted as node ${a.node_id} with protocol ${a.version}`);
          }
          if (frames.length > 1) throw new HandshakeError(`${where} sent frames right after accepting`);
          finish(null);
        } else if (first.type === FrameType.hello_reject) {
          const r = decodeReject(first.payload);
          finish(new DialError(`${where} refused the handshake (${r.reason}): ${r.text}`, r));
        } else {
          throw new HandshakeError(`${where} answered the hello with frame type ${first.type}`);
        }
      } catch (err) {
        finish(new DialError(`${where}: bad handshake answer: ${errorText(err)}`));
      }
    };
    const onError = (err: Error): void => finish(new DialError(`cannot connect to ${where}: ${err.message}`));
    const onClose = (): void => finish(new DialError(`${where} closed the connection during the handshake`));
    const timer = setTimeout(
      () => finish(new DialError(`no handshake answer from ${where} within dial_timeout_ms = ${limits.dial_timeout_ms}`)),
      limits.dial_timeout_ms,
    );
    socket.on("connect", onConnect);
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
  });
  return { socket, done };
}
