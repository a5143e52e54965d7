// Config validation: checked once into a complete form whose errors name the bad field and value.
import { RaftConfigError, type Config, type Rand, type Storage } from "./types.js";

export interface CompiledConfig {
  readonly id: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly storage: Storage;
  readonly rand: Rand;
  readonly applied: number;
  readonly maxSizePerMsgBytes: number;
  readonly maxInflightMsgs: number;
  readonly maxUncommittedEntriesBytes: number;
  readonly maxCommittedSizePerReadyBytes: number;
  readonly maxPendingReadIndexRequests: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly coalesceMessages: boolean;
  readonly hastenElectionOnLeaderLoss: boolean;
}

const MiB = 1024 * 1024;

function positiveInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v <= 0) {
    throw new RaftConfigError(`raft config: ${name} must be a positive integer, got ${v}`);
  }
  return v;
}

export function compileConfig(c: Config): CompiledConfig {
  const out: CompiledConfig = {
    id: positiveInt("id", c.id),
    electionTicks: positiveInt("electionTicks", c.electionTicks),
    heartbeatTicks: positiveInt("heartbeatTicks", c.heartbeatTicks),
    storage: c.storage,
    rand: c.rand,
    applied: c.applied ?? 0,
    maxSizePerMsgBytes: positiveInt("maxSizePerMsgBytes", c.maxSizePerMsgBytes ?? MiB),
    maxInflightMsgs: positiveInt("maxInflightMsgs", c.maxInflightMsgs ?? 256),
    maxUncommittedEntriesBytes: positiveInt("maxUncommittedEntriesBytes", c.maxUncommittedEntriesBytes ?? 64 * MiB),
    maxCommittedSizePerReadyBytes: positiveInt(
      "maxCommittedSizePerReadyBytes",
      c.maxCommittedSizePerReadyBytes ?? 8 * MiB,
    ),
    maxPendingReadIndexRequests: positiveInt("maxPendingReadIndexRequests", c.maxPendingReadIndexRequests ?? 4096),
    preVote: c.preVote ?? true,
    checkQuorum: c.checkQuorum ?? true,
    coalesceMessages: c.coalesceMessages ?? false,
    hastenElectionOnLeaderLoss: c.hastenElectionOnLeaderLoss ?? false,
  };
  if (out.heartbeatTicks >= out.electionTicks) {
    throw new RaftConfigError(
      `raft config: heartbeatTicks (${out.heartbeatTicks}) must be less than electionTicks (${out.electionTicks})`,
    );
  }
  if (!Number.isSafeInteger(out.applied) || out.applied < 0) {
    throw new RaftConfigError(`raft config: applied must be a non-negative integer, got ${out.applied}`);
  }
  return out;
}
