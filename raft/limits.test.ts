// Back-pressure, typed refusals and invariants that stop the node.
import { describe, expect, it } from "vitest";
import { RawNode } from "./rawnode.js";
import { SeededRand } from "./rand.js";
import { MemoryStorage } from "./storage.js";
import { Network, enc } from "./test_network.js";
import { newMessage } from "./util.js";
import { ErrProposalDropped, ErrStepLocalMsg, RaftInvariantError, type DropReason } from "./types.js";

function dropReason(fn: () => void): DropReason | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErrProposalDropped) return err.reason;
    throw err;
  }
  return undefined;
}

describe("back-pressure and refusals", () => {
  it("refuses proposals over maxUncommittedEntriesBytes, and accepts again after commit", () => {
    const net = new Network([1, 2, 3], { maxUncommittedEntriesBytes: 1000 });
    net.elect(1);
    net.isolate(2);
    net.isolate(3);
    const data = new Uint8Array(300);
    let accepted = 0;
    let reason: DropReason | undefined;
    for (let i = 0; i < 10 && reason === undefined; i++) {
      reason = dropReason(() => net.n(1).propose(data));
      if (reason === undefined) accepted++;
    }
    expect(accepted).toBe(3);
    expect(reason).toBe("uncommitted-bytes-limit");
    net.heal();
    net.tickAll(2);
    expect(dropReason(() => net.n(1).propose(data))).toBeUndefined();
  });

  it("refuses a proposal when no leader is known", () => {
    const net = new Network([1, 2, 3]);
    expect(dropReason(() => net.n(1).propose(enc("x")))).toBe("no-leader");
    net.n(1).campaign();
    expect(dropReason(() => net.n(1).propose(enc("x")))).toBe("no-leader"); // campaigning
  });

  it("refuses local message types from the network", () => {
    const net = new Network([1, 2, 3]);
    expect(() => net.n(1).step(newMessage({ type: "MsgHup", from: 2, to: 1 }))).toThrow(ErrStepLocalMsg);
    expect(() => net.n(1).step(newMessage({ type: "MsgBeat", from: 2, to: 1 }))).toThrow(ErrStepLocalMsg);
  });

  it("a forwarded proposal the leader refuses is dropped without throwing at the leader", () => {
    const net = new Network([1, 2, 3], { maxUncommittedEntriesBytes: 100 });
    net.elect(1);
    net.isolate(2);
    net.n(1).propose(new Uint8Array(80));
    net.heal();
    net.isolate(3);
    net.n(2).propose(new Uint8Array(80)); // forwarded; over the limit at 1
    expect(() => net.deliverAll()).not.toThrow();
  });
});

describe("invariants", () => {
  it("a stored commit index beyond the log stops the node at start", () => {
    const s = MemoryStorage.bootstrap([1, 2, 3]);
    s.setHardState({ term: 2, vote: 0, commit: 5 });
    expect(() => new RawNode({ id: 1, electionTicks: 10, heartbeatTicks: 1, storage: s, rand: new SeededRand(1) })).toThrow(
      RaftInvariantError,
    );
  });

  it("a broken invariant poisons the node: every later call throws", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    const term = net.n(2).status().hardState.term;
    // A heartbeat asking to commit beyond the follower's log means lost or corrupt storage.
    expect(() => net.n(2).step(newMessage({ type: "MsgHeartbeat", from: 1, to: 2, term, commit: 99 }))).toThrow(
      RaftInvariantError,
    );
    expect(() => net.n(2).tick()).toThrow(RaftInvariantError);
    expect(net.n(2).hasReady()).toBe(false);
  });

  it("ready() twice without advance() is refused", () => {
    const net = new Network([1, 2, 3]);
    net.n(1).campaign();
    net.n(1).ready();
    expect(() => net.n(1).ready()).toThrow(/advance/);
  });

  it("applied <= committed <= lastIndex holds through a chaotic run", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    for (let i = 0; i < 20; i++) net.propose(1, `x${i}`);
    for (const id of [1, 2, 3]) {
      const st = net.n(id).status();
      expect(st.applied).toBeLessThanOrEqual(st.hardState.commit);
      expect(st.hardState.commit).toBeLessThanOrEqual(st.lastIndex);
    }
  });
});
