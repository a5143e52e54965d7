// Public API of the server-to-server transport.
export { Transport } from "./transport.js";
export type {
  TransportOptions,
  TransportStats,
  PeerStats,
  MessageHandler,
  UnreachableHandler,
  SnapshotStatusHandler,
} from "./transport.js";
export { transport_limits_default, compileLimits, type TransportLimits } from "./limits.js";
export { silentLogger, MemoryLogger, type Logger, type LogFields, type LogRecord } from "./logger.js";
export { encodeMessage, decodeMessage, CODEC_VERSION } from "./codec.js";
export { PROTOCOL_VERSION } from "./handshake.js";
export { TransportError, CodecError, FrameError, HandshakeError, TransportConfigError } from "./errors.js";
export type { PeerCounters } from "./counters.js";
