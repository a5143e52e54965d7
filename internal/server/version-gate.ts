// The proposing half of the version gate: a server never puts a command type into the log that
// some member's build does not know (fsm/version.ts decides; this refuses with a 409).
import type { Command } from "../fsm/commands.js";
import type { ApplyResult, StateMachine } from "../fsm/state.js";
import { proposalRefusal } from "../fsm/version.js";
import { RaftNode, type RaftNodeOptions } from "../raftnode/node.js";
import { HttpError } from "./http/errors.js";

/**
 * Throws the error a proposal of this type gets while some member (or this server) does not know
 * it: 409 upgrade_needed for a member that announced an older version, 503 version_unknown (which
 * clients retry for a while) for one that has not announced yet, as just after a start.
 */
export function checkProposable(fsm: StateMachine, cmd: Command): void {
  // Checked against this server's applied member table: a member added by an entry not yet
  // applied here is missed, and stops on the entry instead (the other half of the gate).
  const refusal = proposalRefusal(cmd.type, fsm.command_set_version, fsm.members.all());
  if (refusal === undefined) return;
  const { message, announced, ...extra } = refusal;
  throw announced ? new HttpError(409, "upgrade_needed", message, extra) : new HttpError(503, "version_unknown", message, extra);
}

/** A RaftNode whose proposals pass the version gate first; everything else is RaftNode's. */
export class GatedRaftNode extends RaftNode {
  private readonly fsm: StateMachine;

  constructor(options: RaftNodeOptions) {
    super(options);
    this.fsm = options.fsm;
  }

  override propose(cmd: Command, at_ms?: number): Promise<ApplyResult> {
    try {
      checkProposable(this.fsm, cmd);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return super.propose(cmd, at_ms);
  }
}
