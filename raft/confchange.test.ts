// Membership changes one at a time: add voter, add learner, promote, remove; one pending at most.
import { describe, expect, it } from "vitest";
import { MemoryStorage } from "./storage.js";
import { Network } from "./test_network.js";
import { ErrProposalDropped, type DropReason } from "./types.js";

function dropReason(fn: () => void): DropReason | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErrProposalDropped) return err.reason;
    throw err;
  }
  return undefined;
}

const conf = (net: Network, id: number) => net.n(id).status().confState;

describe("membership changes", () => {
  it("adds a voter: it joins, and the quorum grows to 3 of 4", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.addNode(4, new MemoryStorage());
    net.n(1).proposeConfChange({ type: "AddNode", nodeId: 4 });
    net.deliverAll();
    for (const id of [1, 2, 3]) expect(conf(net, id)).toEqual({ voters: [1, 2, 3, 4], learners: [] });
    net.tickAll(2);
    expect(conf(net, 4).voters).toEqual([1, 2, 3, 4]);
    // With 3 and 4 cut off, 1 and 2 are not a majority of 4: nothing commits.
    net.isolate(3);
    net.isolate(4);
    const commit = net.n(1).status().hardState.commit;
    net.propose(1, "x");
    expect(net.n(1).status().hardState.commit).toBe(commit);
    net.heal();
    net.tickAll(2);
    expect(net.appliedData(4)).toContain("x");
  });

  it("adds a learner that gets the log but does not count for commit, then promotes it", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.addNode(4, new MemoryStorage());
    net.n(1).proposeConfChange({ type: "AddLearnerNode", nodeId: 4 });
    net.deliverAll();
    net.tickAll(2);
    expect(conf(net, 1)).toEqual({ voters: [1, 2, 3], learners: [4] });
    net.propose(1, "a");
    expect(net.appliedData(4)).toEqual(["a"]);
    // 1 + learner 4 are not a quorum of {1, 2, 3}.
    net.isolate(2);
    net.isolate(3);
    const commit = net.n(1).status().hardState.commit;
    net.propose(1, "b");
    expect(net.n(1).status().hardState.commit).toBe(commit);
    net.heal();
    net.tickAll(2);
    net.n(1).proposeConfChange({ type: "AddNode", nodeId: 4 });
    net.deliverAll();
    expect(conf(net, 4)).toEqual({ voters: [1, 2, 3, 4], learners: [] });
    // Promoted, it may now campaign and win.
    net.n(1).transferLeader(4);
    net.deliverAll();
    expect(net.leader()).toBe(4);
  });

  it("removes a follower: it gets no more messages and the quorum shrinks", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.n(1).proposeConfChange({ type: "RemoveNode", nodeId: 3 });
    net.deliverAll();
    expect(conf(net, 1)).toEqual({ voters: [1, 2], learners: [] });
    const before = net.sent.length;
    net.tickAll(5);
    net.propose(1, "x");
    expect(net.sent.slice(before).filter((m) => m.to === 3)).toEqual([]);
    expect(net.appliedData(2)).toEqual(["x"]);
  });

  it("removing the leader makes it step down; the rest elect a new one", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.n(1).proposeConfChange({ type: "RemoveNode", nodeId: 1 });
    net.deliverAll();
    expect(net.n(1).status().softState.raftState).toBe("Follower");
    net.crash(1);
    const leader = net.tickUntilLeader();
    expect([2, 3]).toContain(leader);
    net.propose(leader, "y");
    expect(net.appliedData(2)).toContain("y");
  });

  it("refuses a second change while one is pending", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.isolate(2);
    net.isolate(3);
    net.n(1).proposeConfChange({ type: "AddLearnerNode", nodeId: 4 });
    expect(dropReason(() => net.n(1).proposeConfChange({ type: "AddLearnerNode", nodeId: 5 }))).toBe("conf-change-pending");
    net.heal();
    net.tickAll(2);
    expect(conf(net, 1).learners).toEqual([4]);
    expect(dropReason(() => net.n(1).proposeConfChange({ type: "AddLearnerNode", nodeId: 5 }))).toBeUndefined();
  });

  it("refuses a change before the new leader committed an entry of its term", () => {
    const net = new Network([1, 2, 3]);
    net.n(1).campaign();
    net.deliverWhere((m) => m.type === "MsgPreVote");
    net.deliverWhere((m) => m.type === "MsgPreVoteResp");
    net.deliverWhere((m) => m.type === "MsgVote");
    net.deliverWhere((m) => m.type === "MsgVoteResp");
    expect(net.n(1).status().softState.raftState).toBe("Leader");
    expect(dropReason(() => net.n(1).proposeConfChange({ type: "AddNode", nodeId: 4 }))).toBe("no-commit-in-term");
    net.deliverAll();
    expect(dropReason(() => net.n(1).proposeConfChange({ type: "AddNode", nodeId: 4 }))).toBeUndefined();
  });

  it("refuses invalid changes and changes proposed at a follower", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    expect(dropReason(() => net.n(1).proposeConfChange({ type: "AddNode", nodeId: 2 }))).toBe("invalid-conf-change");
    expect(dropReason(() => net.n(1).proposeConfChange({ type: "RemoveNode", nodeId: 7 }))).toBe("invalid-conf-change");
    expect(dropReason(() => net.n(2).proposeConfChange({ type: "AddNode", nodeId: 4 }))).toBe("not-leader");
  });

  it("a restarted node re-applies conf changes after its snapshot", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.n(1).proposeConfChange({ type: "AddLearnerNode", nodeId: 4 });
    net.deliverAll();
    net.crash(2);
    net.restart(2);
    expect(conf(net, 2).learners).toEqual([]); // not yet re-applied
    net.tickAll(2);
    expect(conf(net, 2).learners).toEqual([4]);
  });
});
