// The replicated command format: what a Normal entry carries, as JSON bytes.
import type { KvInput } from "../lincheck/history.js";

/** One client request; (clientId, seq) identifies it across retries for deduplication. */
export interface KvCommand {
  readonly clientId: number;
  readonly seq: number;
  readonly op: KvInput;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeCommand(command: KvCommand): Uint8Array {
  return encoder.encode(JSON.stringify(command));
}

export function decodeCommand(data: Uint8Array): KvCommand {
  const parsed = JSON.parse(decoder.decode(data)) as KvCommand;
  if (typeof parsed.clientId !== "number" || typeof parsed.seq !== "number" || typeof parsed.op !== "object") {
    throw new Error(`sim: entry data is not a KvCommand: ${decoder.decode(data)}`);
  }
  return parsed;
}

export function requestKey(clientId: number, seq: number): string {
  return `${clientId}:${seq}`;
}
