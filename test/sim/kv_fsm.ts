// The replicated key-value state machine, with client sessions so a retried command runs once.
import type { KvInput, KvOutput } from "../lincheck/history.js";
import type { KvCommand } from "./command.js";

/** Bound on the sessions kept; clients in the simulator are far fewer. */
export const kv_sessions_max = 1024;

interface Session {
  readonly lastSeq: number;
  readonly lastOutput: KvOutput;
}

export type ApplyOutcome =
  /** Ran now, or a retry of the latest command (answered from the session). */
  | { readonly kind: "applied"; readonly output: KvOutput; readonly duplicate: boolean }
  /** Older than the client's latest command: the client moved on, nobody waits for it. */
  | { readonly kind: "stale" };

interface SnapshotShape {
  readonly data: Array<[string, string]>;
  readonly sessions: Array<[number, Session]>;
}

export class KvStateMachine {
  private readonly data = new Map<string, string>();
  private readonly sessions = new Map<number, Session>();

  /** Applies a committed command exactly once per (clientId, seq). */
  apply(command: KvCommand): ApplyOutcome {
    const session = this.sessions.get(command.clientId);
    if (session !== undefined && command.seq < session.lastSeq) return { kind: "stale" };
    if (session !== undefined && command.seq === session.lastSeq) {
      return { kind: "applied", output: session.lastOutput, duplicate: true };
    }
    const output = this.execute(command.op);
    if (!this.sessions.has(command.clientId) && this.sessions.size >= kv_sessions_max) {
      throw new Error(`kv fsm: more than kv_sessions_max=${kv_sessions_max} client sessions`);
    }
    this.sessions.set(command.clientId, { lastSeq: command.seq, lastOutput: output });
    return { kind: "applied", output, duplicate: false };
  }

  /** A read served outside the log (ReadIndex): no session, no change. */
  read(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  serialize(): Uint8Array {
    const shape: SnapshotShape = {
      data: [...this.data.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      sessions: [...this.sessions.entries()].sort((a, b) => a[0] - b[0]),
    };
    return new TextEncoder().encode(JSON.stringify(shape));
  }

  /** Rebuilds from a snapshot; empty bytes mean the empty initial state. */
  static restore(bytes: Uint8Array): KvStateMachine {
    const fsm = new KvStateMachine();
    if (bytes.byteLength === 0) return fsm;
    const shape = JSON.parse(new TextDecoder().decode(bytes)) as SnapshotShape;
    for (const [key, value] of shape.data) fsm.data.set(key, value);
    for (const [clientId, session] of shape.sessions) fsm.sessions.set(clientId, session);
    return fsm;
  }

  private execute(op: KvInput): KvOutput {
    const current = this.data.get(op.key) ?? null;
    switch (op.kind) {
      case "get":
        return { kind: "get", value: current };
      case "put":
        this.data.set(op.key, op.value);
        return { kind: "put" };
      case "del":
        this.data.delete(op.key);
        return { kind: "del" };
      case "cas": {
        const ok = current === op.expected;
        if (ok) this.data.set(op.key, op.value);
        return { kind: "cas", ok };
      }
    }
  }
}
