// Every bound of the transport, named with units last, with defaults and one validation pass.
import { TransportConfigError } from "./errors.js";

export interface TransportLimits {
  /** Largest frame payload sent or accepted; keep raft's maxSizePerMsgBytes well below it. */
  readonly frame_bytes_max: number;
  /** Largest frame accepted before the handshake succeeds (a stranger gets no big buffers). */
  readonly handshake_frame_bytes_max: number;
  /** Time for TCP connect plus the handshake answer. */
  readonly dial_timeout_ms: number;
  /** Time an accepted connection has to send its hello. */
  readonly handshake_timeout_ms: number;
  /** Messages waiting per peer; beyond it a message is dropped and the peer reported unreachable. */
  readonly send_queue_messages_max: number;
  /** Encoded bytes waiting per peer; same policy as send_queue_messages_max. */
  readonly send_queue_bytes_max: number;
  /** First reconnect delay; doubles per failed attempt. */
  readonly reconnect_backoff_ms_min: number;
  /** Cap on the reconnect delay (before jitter). */
  readonly reconnect_backoff_ms_max: number;
  /** At most this many dial attempts per peer within reconnect_window_ms. */
  readonly reconnect_attempts_per_window_max: number;
  readonly reconnect_window_ms: number;
  /** Slice of snapshot data per chunk frame. */
  readonly snapshot_chunk_bytes: number;
  /** Largest snapshot accepted (and sent). */
  readonly snapshot_bytes_max: number;
  /** Whole snapshot send, from dial to the receiver's acknowledgement. */
  readonly snapshot_send_timeout_ms: number;
  /** Snapshot streams being received at once; more are refused at the handshake. */
  readonly snapshot_receives_max: number;
  /** Accepted connections at once; more are closed on accept. */
  readonly inbound_connections_max: number;
  /** TCP keepalive probe delay, so a silently dead peer is noticed. */
  readonly keepalive_ms: number;
}

const MiB = 1024 * 1024;

export const transport_limits_default: TransportLimits = {
  frame_bytes_max: 16 * MiB,
  handshake_frame_bytes_max: 4096,
  dial_timeout_ms: 3_000,
  handshake_timeout_ms: 3_000,
  send_queue_messages_max: 4096,
  send_queue_bytes_max: 64 * MiB,
  reconnect_backoff_ms_min: 50,
  reconnect_backoff_ms_max: 2_000,
  reconnect_attempts_per_window_max: 30,
  reconnect_window_ms: 60_000,
  snapshot_chunk_bytes: 1 * MiB,
  snapshot_bytes_max: 1024 * MiB,
  snapshot_send_timeout_ms: 5 * 60_000,
  snapshot_receives_max: 4,
  inbound_connections_max: 256,
  keepalive_ms: 10_000,
};

/** Fills defaults and checks every value; the error names the field and the bad value. */
export function compileLimits(partial: Partial<TransportLimits> = {}): TransportLimits {
  const l: TransportLimits = { ...transport_limits_default, ...partial };
  for (const [key, value] of Object.entries(l)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TransportConfigError(`${key} = ${String(value)} must be a positive integer`);
    }
  }
  const rel = (ok: boolean, text: string): void => {
    if (!ok) throw new TransportConfigError(text);
  };
  rel(l.frame_bytes_max <= 0xffff_ffff, `frame_bytes_max = ${l.frame_bytes_max} must fit the u32 length prefix`);
  rel(
    l.handshake_frame_bytes_max <= l.frame_bytes_max,
    `handshake_frame_bytes_max = ${l.handshake_frame_bytes_max} must be <= frame_bytes_max = ${l.frame_bytes_max}`,
  );
  rel(
    l.reconnect_backoff_ms_min <= l.reconnect_backoff_ms_max,
    `reconnect_backoff_ms_min = ${l.reconnect_backoff_ms_min} must be <= reconnect_backoff_ms_max = ${l.reconnect_backoff_ms_max}`,
  );
  rel(
    l.snapshot_chunk_bytes + 8 <= l.frame_bytes_max,
    `snapshot_chunk_bytes = ${l.snapshot_chunk_bytes} plus its 8-byte offset must fit frame_bytes_max = ${l.frame_bytes_max}`,
  );
  rel(l.snapshot_bytes_max <= 0xffff_ffff, `snapshot_bytes_max = ${l.snapshot_bytes_max} must be below 4 GiB`);
  return l;
}
