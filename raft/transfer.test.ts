// Leadership transfer: TimeoutNow, catching a slow target up first, timeout, refusing proposals.
import { describe, expect, it } from "vitest";
import { Network, enc } from "./test_network.js";
import { ErrProposalDropped } from "./types.js";

const role = (net: Network, id: number): string => net.n(id).status().softState.raftState;

describe("leadership transfer", () => {
  it("hands over to an up-to-date follower at once, inside the lease", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, "a");
    const t = net.n(1).status().hardState.term;
    net.n(1).transferLeader(2);
    net.deliverAll();
    expect(net.leader()).toBe(2);
    expect(net.n(2).status().hardState.term).toBe(t + 1);
    expect(role(net, 1)).toBe("Follower");
    expect(net.sent.filter((m) => m.type === "MsgTimeoutNow")).toHaveLength(1);
    net.propose(2, "b");
    for (const id of [1, 2, 3]) expect(net.appliedData(id)).toEqual(["a", "b"]);
  });

  it("catches a slow follower up before sending TimeoutNow", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.isolate(3);
    for (let i = 0; i < 10; i++) net.propose(1, `e${i}`);
    net.heal();
    net.n(1).transferLeader(3);
    net.processReadies();
    expect(net.queue.some((m) => m.type === "MsgTimeoutNow")).toBe(false); // not caught up yet
    net.deliverAll();
    expect(net.leader()).toBe(3);
    expect(net.appliedData(3)).toHaveLength(10);
  });

  it("refuses proposals during a transfer, with a typed reason", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.isolate(3);
    net.n(1).transferLeader(3);
    let err: unknown;
    try {
      net.n(1).propose(enc("x"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ErrProposalDropped);
    expect((err as ErrProposalDropped).reason).toBe("transfer-in-progress");
  });

  it("is abandoned after one election timeout if the target does not take over", () => {
    const net = new Network([1, 2, 3], { electionTicks: 10 });
    net.elect(1);
    net.isolate(3);
    net.n(1).transferLeader(3);
    net.deliverAll();
    expect(net.n(1).status().leadTransferee).toBe(3);
    for (let i = 0; i < 9; i++) net.n(1).tick();
    expect(net.n(1).status().leadTransferee).toBe(3);
    net.n(1).tick();
    expect(net.n(1).status().leadTransferee).toBe(0);
    expect(role(net, 1)).toBe("Leader");
    net.n(1).propose(enc("accepted again"));
  });

  it("ignores a transfer to itself, to a learner, or to a non-member", () => {
    const net = new Network([1, 2, 3], { learners: [4] });
    net.elect(1);
    for (const to of [1, 4, 9]) {
      net.n(1).transferLeader(to);
      net.deliverAll();
      expect(net.leader()).toBe(1);
      expect(net.n(1).status().leadTransferee).toBe(0);
    }
  });

  it("a follower forwards a transfer request to the leader", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.n(3).transferLeader(3);
    net.deliverAll();
    expect(net.leader()).toBe(3);
  });
});
