// Checks once the cluster has settled: same state everywhere, no acknowledged write lost,
// durable logs that match pairwise, and leader completeness over everything committed.
import type { Storage } from "../../raft/index.js";
import { SimFailure, bytesEqual, describeBytes } from "./failure.js";
import type { Simulation } from "./simulation.js";

export function finalChecks(sim: Simulation): void {
  const members = sim.cluster.up();
  if (members.length === 0) throw new SimFailure("liveness after healing", "no node is up at the end");
  sim.safety.checkLeaderCompleteness();
  checkSameState(sim);
  checkAckedWrites(sim);
  for (let i = 0; i < members.length; i += 1) {
    for (let j = i + 1; j < members.length; j += 1) {
      const a = members[i];
      const b = members[j];
      if (a !== undefined && b !== undefined) checkLogsMatch(a.id, a.disk, b.id, b.disk);
    }
  }
}

function checkSameState(sim: Simulation): void {
  const [first, ...rest] = sim.cluster.up();
  if (first === undefined) return;
  const expected = first.live.fsm.snapshot();
  for (const node of rest) {
    const actual = node.live.fsm.snapshot();
    if (!bytesEqual(expected, actual)) {
      throw new SimFailure(
        "state machine safety",
        `after settling, node ${first.id} holds ${describeBytes(expected)} but node ${node.id} holds ${describeBytes(actual)}`,
      );
    }
  }
}

/** Every write a client was told succeeded sits at its index and is applied everywhere. */
function checkAckedWrites(sim: Simulation): void {
  for (const ack of sim.acked) {
    const entry = sim.safety.appliedEntry(ack.index);
    if (entry === undefined || !entry.what.startsWith(`${ack.expect} `)) {
      throw new SimFailure(
        "acknowledged write lost",
        `client ${ack.clientId} seq ${ack.seq} (${ack.expect}) was acknowledged at index ${ack.index}, ` +
          `but index ${ack.index} holds ${entry === undefined ? "nothing applied" : entry.what}`,
      );
    }
    for (const node of sim.cluster.up()) {
      if (node.live.fsm.applied_index < ack.index) {
        throw new SimFailure(
          "acknowledged write lost",
          `client ${ack.clientId} seq ${ack.seq} (index ${ack.index}) is not applied on node ${node.id} (applied ${node.live.fsm.applied_index})`,
        );
      }
    }
  }
}

/** Log matching, literally: where two durable logs share an (index, term), all before it is equal. */
function checkLogsMatch(aId: number, a: Storage, bId: number, b: Storage): void {
  const low = Math.max(a.firstIndex(), b.firstIndex());
  const high = Math.min(a.lastIndex(), b.lastIndex());
  let lastShared = low - 1;
  for (let index = high; index >= low; index -= 1) {
    if (a.term(index) === b.term(index)) {
      lastShared = index;
      break;
    }
  }
  if (lastShared < low) return;
  const aEntries = a.entries(low, lastShared + 1, Number.MAX_SAFE_INTEGER);
  const bEntries = b.entries(low, lastShared + 1, Number.MAX_SAFE_INTEGER);
  for (let k = 0; k < aEntries.length; k += 1) {
    const x = aEntries[k];
    const y = bEntries[k];
    if (x === undefined || y === undefined || x.term !== y.term || !bytesEqual(x.data, y.data)) {
      throw new SimFailure(
        "log matching",
        `nodes ${aId} and ${bId} share index ${lastShared} term ${a.term(lastShared)} but differ at index ${low + k}`,
      );
    }
  }
}
