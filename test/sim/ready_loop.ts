// The Ready loop of one node, step by step — persist, send, apply, advance — with a crash
// able to strike between any two steps.
import { decodeConfChange, type Entry, type Ready } from "../../raft/index.js";
import { decodeCommand } from "./command.js";
import { SimFailure } from "./failure.js";
import { KvStateMachine } from "./kv_fsm.js";
import { onCommandApplied, onReadStates, serveReadyReads } from "./kv_service.js";
import type { NodeEnv } from "./node_env.js";
import type { SimNode } from "./sim_node.js";

/** Readies handled per node per tick; Raft settles in a few, more means a livelock. */
export const readies_per_tick_max = 64;

/** Drains the node's Readies; returns false if the node crashed on the way. */
export function runReadyLoop(node: SimNode, env: NodeEnv): boolean {
  for (let round = 0; round < readies_per_tick_max; round += 1) {
    if (!node.up) return false;
    if (!node.live.raft.hasReady()) return true;
    if (!handleReady(node, env)) return false;
  }
  throw new SimFailure("liveness", `node ${node.id} still had a Ready after readies_per_tick_max=${readies_per_tick_max}`);
}

function handleReady(node: SimNode, env: NodeEnv): boolean {
  const live = node.live;
  const rd = live.raft.ready();
  let becameLeader = false;
  if (rd.softState !== undefined) {
    becameLeader = rd.softState.raftState === "Leader" && live.raftState !== "Leader";
    live.lead = rd.softState.lead;
    live.raftState = rd.softState.raftState;
  }
  if (strikes(node, "before-persist")) return false;

  persist(node, rd, env);
  if (becameLeader) {
    live.leaderTerm = live.raft.status().hardState.term;
    env.safety.onLeader(node.id, live.leaderTerm, node.storage);
  }
  if (strikes(node, "after-persist")) return false;

  for (const message of rd.messages) env.send(node.id, message.to, { kind: "raft", message });
  if (env.crashAfterSend(node.id, rd.messages)) node.crashPoint = "after-send";
  if (strikes(node, "after-send")) return false;

  apply(node, rd, env);
  if (strikes(node, "after-apply")) return false;

  live.raft.advance(rd);
  return true;
}

/** One atomic, synced write: snapshot, then entries, then hard state. */
function persist(node: SimNode, rd: Ready, env: NodeEnv): void {
  if (rd.snapshot !== undefined) node.storage.applySnapshot(rd.snapshot);
  node.storage.append(rd.entries);
  if (rd.hardState !== undefined) node.storage.setHardState(rd.hardState);
  env.safety.onPersist(node.id, rd.entries, rd.hardState, node.storage);
}

function apply(node: SimNode, rd: Ready, env: NodeEnv): void {
  const live = node.live;
  if (rd.snapshot !== undefined) {
    const meta = rd.snapshot.metadata;
    env.safety.onSnapshot(node.id, meta.index, rd.snapshot.data);
    live.fsm = KvStateMachine.restore(rd.snapshot.data);
    live.applied = meta.index;
    live.confState = meta.confState;
  }
  for (const entry of rd.committedEntries) applyEntry(node, entry, env);
  onReadStates(node, rd.readStates);
  serveReadyReads(node, env);
  maybeSnapshot(node, env);
}

function applyEntry(node: SimNode, entry: Entry, env: NodeEnv): void {
  const live = node.live;
  if (entry.index !== live.applied + 1) {
    throw new SimFailure("apply order", `node ${node.id} applied index ${live.applied}, then was given ${entry.index}`);
  }
  env.safety.onApply(node.id, entry);
  live.applied = entry.index;
  if (entry.type === "ConfChange") {
    const change = decodeConfChange(entry.data);
    live.confState = live.raft.applyConfChange(change);
    env.onConfChangeApplied(node.id, change, live.confState);
    return;
  }
  if (entry.data.byteLength === 0) return; // a new leader's no-op
  const command = decodeCommand(entry.data);
  onCommandApplied(node, command, live.fsm.apply(command), entry.index, env);
}

/** Snapshots the state machine and compacts the log, as a server bounds its disk. */
function maybeSnapshot(node: SimNode, env: NodeEnv): void {
  const every = env.snapshotPolicy.everyEntries;
  const live = node.live;
  if (every === null) return;
  const snapshotIndex = node.storage.snapshot().metadata.index;
  if (live.applied - snapshotIndex < every) return;
  const data = live.fsm.serialize();
  node.storage.createSnapshot(live.applied, live.confState, data);
  env.safety.onSnapshot(node.id, live.applied, data);
  const compactIndex = live.applied - env.snapshotPolicy.keepEntries;
  if (compactIndex >= node.storage.firstIndex()) {
    node.storage.compact(compactIndex);
  }
}

function strikes(node: SimNode, point: NonNullable<SimNode["crashPoint"]>): boolean {
  if (node.crashPoint !== point) return false;
  node.crash();
  return true;
}
