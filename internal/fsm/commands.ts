// The replicated state machine's commands: one append-only list of types, one payload each.
// Never renumber or remove a type: the log on disk holds them forever.

export const CommandType = {
  kv_put: 1,
  kv_delete: 2,
  member_update: 3,
} as const;
export type CommandType = (typeof CommandType)[keyof typeof CommandType];

/** Payload of each command type. Bytes travel as base64 so commands stay JSON. */
export interface CommandPayloads {
  [CommandType.kv_put]: {
    key: string;
    value_b64: string;
    /** Compare-and-set: apply only if the key's modify index equals this (0: key absent). */
    cas?: number;
  };
  [CommandType.kv_delete]: { key: string; cas?: number };
  /** A server announces the addresses it serves on (kept beside Raft membership). */
  [CommandType.member_update]: { id: number; name: string; raft_addr: string; http_addr: string };
}

export type Command = { [T in CommandType]: { type: T } & CommandPayloads[T] }[CommandType];

/** What the log carries: the command, a request id for the proposer, and when it was made. */
export interface Envelope {
  /** Unique per proposal ("<node id>-<counter>"), so the proposer finds its result. */
  rid: string;
  /** Proposer's wall clock in ms: the only time the state machine ever sees. */
  at_ms: number;
  cmd: Command;
}
