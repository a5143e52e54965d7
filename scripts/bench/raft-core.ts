// Entries per second committed through an in-memory 3-node Raft cluster (one process), as JSON lines.
// Usage: npx tsx scripts/bench/raft-core.ts [entries_per_run]
// Measures the Raft core alone: storage is MemoryStorage and messages are delivered in a loop,
// so the figures are an upper bound for the real server (no fsync, no network, no FSM).
import { performance } from "node:perf_hooks";
import { ErrProposalDropped, MemoryStorage, RawNode, SeededRand, type Message, type NodeId } from "../../raft/index.js";

const entries_max = 2_000_000;
const entriesPerRun = Math.min(Number(process.argv[2] ?? 100_000), entries_max);
if (!Number.isInteger(entriesPerRun) || entriesPerRun < 1) {
  throw new Error(`entries_per_run must be a whole number from 1 to ${entries_max}`);
}
const compact_every_entries = 10_000;

interface Member {
  id: NodeId;
  storage: MemoryStorage;
  node: RawNode;
  applied: number;
}

function cluster(ids: NodeId[]): Member[] {
  return ids.map((id) => {
    const storage = MemoryStorage.bootstrap(ids);
    const node = new RawNode({ id, electionTicks: 10, heartbeatTicks: 1, storage, rand: new SeededRand(id) });
    return { id, storage, node, applied: storage.snapshot().metadata.index };
  });
}

/** Persist → send → apply → advance for every member; returns the messages to deliver. */
function drainReadies(members: Member[]): Message[] {
  const out: Message[] = [];
  for (const m of members) {
    while (m.node.hasReady()) {
      const rd = m.node.ready();
      if (rd.snapshot !== undefined) m.storage.applySnapshot(rd.snapshot);
      m.storage.append(rd.entries);
      if (rd.hardState !== undefined) m.storage.setHardState(rd.hardState);
      for (const msg of rd.messages) out.push(msg);
      const last = rd.committedEntries[rd.committedEntries.length - 1];
      if (last !== undefined) m.applied = last.index;
      m.node.advance(rd);
      const snapAt = m.storage.snapshot().metadata.index;
      if (m.applied - snapAt >= compact_every_entries) {
        m.storage.createSnapshot(m.applied, m.node.status().confState, new Uint8Array(0));
        m.storage.compact(m.applied);
      }
    }
  }
  return out;
}

function settle(members: Member[], byId: Map<NodeId, Member>): void {
  let msgs = drainReadies(members);
  while (msgs.length > 0) {
    for (const msg of msgs) byId.get(msg.to)?.node.step(msg);
    msgs = drainReadies(members);
  }
}

function run(batch: number, entryBytes: number): Record<string, number | string> {
  const members = cluster([1, 2, 3]);
  const byId = new Map(members.map((m) => [m.id, m]));
  const leader = members[0]!;
  leader.node.campaign();
  settle(members, byId);
  if (leader.node.status().softState.raftState !== "Leader") throw new Error("bench: node 1 did not become leader");
  const payload = new Uint8Array(entryBytes).fill(7);
  const startApplied = leader.applied;
  let proposed = 0;
  let refused = 0;
  const t0 = performance.now();
  while (proposed < entriesPerRun) {
    for (let i = 0; i < batch && proposed < entriesPerRun; i++) {
      try {
        leader.node.propose(payload);
        proposed++;
      } catch (err) {
        if (!(err instanceof ErrProposalDropped)) throw err;
        refused++;
        break;
      }
    }
    settle(members, byId);
  }
  const seconds = (performance.now() - t0) / 1000;
  const committed = leader.applied - startApplied - 0;
  if (members.some((m) => m.applied !== leader.applied)) throw new Error("bench: followers did not apply everything");
  return {
    bench: "raft-core",
    nodes: members.length,
    entry_bytes: entryBytes,
    batch,
    entries: committed,
    refused,
    seconds: Number(seconds.toFixed(3)),
    entries_per_sec: Math.round(committed / seconds),
    mb_per_sec: Number(((committed * entryBytes) / seconds / 1e6).toFixed(2)),
  };
}

run(16, 128); // warm up the JIT
for (const batch of [1, 16, 128, 1024]) {
  console.log(JSON.stringify(run(batch, 128)));
}
console.log(JSON.stringify(run(128, 4096)));
