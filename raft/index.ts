// The public API of the Raft core.
export { RawNode } from "./rawnode.js";
export { MemoryStorage } from "./storage.js";
export { SeededRand, newRand } from "./rand.js";
export { encodeConfChange, decodeConfChange } from "./confchange_codec.js";
export { entrySizeBytes, newMessage, isLocalMsg, isResponseMsg } from "./util.js";
export * from "./types.js";
