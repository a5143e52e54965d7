// The real state machine with the simulator watching: every index it applies and every snapshot
// it makes or restores is reported to the safety checks, without changing what it does.
import { CommandType, type Envelope } from "../../internal/fsm/commands.js";
import { StateMachine, type ApplyResult, type MembershipChange } from "../../internal/fsm/state.js";

export interface ApplyObserver {
  /** `what` names the command applied at index, the same text on every server for the same entry; `previous` is the index applied before. */
  onApply(nodeId: number, index: number, previous: number, what: string): void;
  onSnapshot(nodeId: number, index: number, data: Uint8Array): void;
}

const decoder = new TextDecoder();

/** The text a simulated client expects to find at the index of its acknowledged write. */
export function describeCommand(env: Envelope): string {
  const cmd = env.cmd;
  if (cmd.type === CommandType.kv_put) return `put ${cmd.key}=${decoder.decode(cmd.value)}${cmd.cas !== undefined ? ` cas=${cmd.cas}` : ""}`;
  if (cmd.type === CommandType.kv_delete) return `del ${cmd.key}${cmd.cas !== undefined ? ` cas=${cmd.cas}` : ""}`;
  return JSON.stringify(cmd);
}

export class TracedStateMachine extends StateMachine {
  /** What the entry being applied carries; advance() (called by every apply) reports it. */
  private applying: string | undefined;

  constructor(
    private readonly nodeId: number,
    private readonly observer: ApplyObserver,
  ) {
    super();
  }

  override apply(index: number, env: Envelope): ApplyResult {
    this.applying = `${describeCommand(env)} rid=${env.rid} at=${env.at_ms}`;
    try {
      return super.apply(index, env);
    } finally {
      this.applying = undefined;
    }
  }

  override applyMembership(index: number, change: MembershipChange): void {
    this.applying = `conf ${change.type} ${change.id}`;
    try {
      super.applyMembership(index, change);
    } finally {
      this.applying = undefined;
    }
  }

  override advance(index: number): void {
    const previous = this.applied_index;
    super.advance(index);
    this.observer.onApply(this.nodeId, index, previous, this.applying ?? "empty");
  }

  override snapshot(): Uint8Array {
    const data = super.snapshot();
    this.observer.onSnapshot(this.nodeId, this.applied_index, data);
    return data;
  }

  override restore(data: Uint8Array, index: number): void {
    super.restore(data, index);
    this.observer.onSnapshot(this.nodeId, index, data);
  }
}
