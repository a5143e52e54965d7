// What the per-peer parts (sender, snapshot stream, inbound connection) share with the Transport.
import type { Message, NodeId } from "../../raft/index.js";
import type { CounterBook } from "./counters.js";
import type { LocalIdentity } from "./handshake.js";
import type { TransportLimits } from "./limits.js";
import type { Logger } from "./logger.js";

export interface TransportContext {
  readonly local: LocalIdentity;
  readonly limits: TransportLimits;
  readonly logger: Logger;
  readonly counters: CounterBook;
  /** Uniform in [0, 1), for reconnect jitter. */
  readonly random: () => number;
  /** Wall-clock milliseconds (injected so backoff windows can be tested). */
  readonly now_ms: () => number;
  /** Tells the driver, outside of send(), that a peer could not be reached. */
  reportUnreachable(id: NodeId): void;
  /**
   * Tells the driver, outside of send(), that a MsgProp was discarded without ever being
   * handed to a socket: no server received it, nor ever will (see PeerSender).
   */
  reportDroppedProposal(m: Message): void;
}
