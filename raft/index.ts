// The public API of the Raft core: a pure, deterministic Raft state machine with no I/O.
/**
 * Usage (see rawnode.ts for the full Ready contract):
 *
 *   const storage = MemoryStorage.bootstrap([1, 2, 3]);   // or your durable Storage
 *   const node = new RawNode({ id: 1, electionTicks: 10, heartbeatTicks: 1, storage, rand: newRand(seed) });
 *   every tick:        node.tick()
 *   every message:     node.step(msg)
 *   client write:      node.propose(bytes)      → throws ErrProposalDropped (typed reason) if refused
 *   client read:       node.readIndex(ctx)      → a ReadState { index, requestCtx } in a later Ready
 *   membership:        node.proposeConfChange({ type: "AddNode", nodeId: 4 }) at the leader
 *   then:              while (node.hasReady()) { rd = node.ready(); persist; send; apply; node.advance(rd) }
 *
 * Nothing here reads a clock, a disk, the network or Math.random: replaying the same inputs
 * (ticks, messages, proposals, seed) gives the same outputs.
 */
export { RawNode } from "./rawnode.js";
export { MemoryStorage } from "./storage.js";
export { SeededRand, newRand } from "./rand.js";
export { encodeConfChange, decodeConfChange } from "./confchange_codec.js";
export { entrySizeBytes, newMessage, isLocalMsg, isResponseMsg } from "./util.js";
export * from "./types.js";
