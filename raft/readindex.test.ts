// Linearizable reads through ReadIndex: heartbeat quorum, forwarding, new-leader deferral.
import { describe, expect, it } from "vitest";
import { Network, enc } from "./test_network.js";
import { ErrProposalDropped } from "./types.js";

const ctxText = (c: Uint8Array): string => new TextDecoder().decode(c);

describe("ReadIndex", () => {
  it("the leader answers after a heartbeat quorum, at its commit index", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, "a");
    const commit = net.n(1).status().hardState.commit;
    net.n(1).readIndex(enc("r1"));
    net.processReadies();
    expect(net.get(1).readStates).toEqual([]);
    const hbs = net.queue.filter((m) => m.type === "MsgHeartbeat");
    expect(hbs.map((m) => ctxText(m.context))).toEqual(["r1", "r1"]);
    net.deliverAll();
    expect(net.get(1).readStates.map((r) => [r.index, ctxText(r.requestCtx)])).toEqual([[commit, "r1"]]);
  });

  it("a partitioned leader gives no read state (it cannot confirm leadership)", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.isolate(1);
    net.n(1).readIndex(enc("r"));
    net.deliverAll();
    net.n(1).tick();
    net.deliverAll();
    expect(net.get(1).readStates).toEqual([]);
  });

  it("a follower forwards the read; the read state comes out at the follower", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, "a");
    net.n(3).readIndex(enc("f"));
    net.deliverAll();
    expect(net.get(3).readStates.map((r) => [r.index, ctxText(r.requestCtx)])).toEqual([
      [net.n(1).status().hardState.commit, "f"],
    ]);
    expect(net.get(1).readStates).toEqual([]);
  });

  it("a new leader holds reads until it commits an entry of its term", () => {
    const net = new Network([1, 2, 3]);
    net.n(1).campaign();
    for (const t of ["MsgPreVote", "MsgPreVoteResp", "MsgVote", "MsgVoteResp"] as const) {
      net.deliverWhere((m) => m.type === t);
    }
    expect(net.n(1).status().softState.raftState).toBe("Leader");
    net.n(1).readIndex(enc("early"));
    net.processReadies();
    expect(net.queue.some((m) => m.type === "MsgHeartbeat")).toBe(false);
    net.deliverAll();
    const rs = net.get(1).readStates;
    expect(rs).toHaveLength(1);
    expect(rs[0]!.index).toBe(net.n(1).status().hardState.commit);
    expect(rs[0]!.index).toBeGreaterThanOrEqual(2); // at least its own empty entry
  });

  it("refuses a read with no known leader", () => {
    const net = new Network([1, 2, 3]);
    expect(() => net.n(2).readIndex(enc("x"))).toThrow(ErrProposalDropped);
  });

  it("a single-voter cluster answers at once", () => {
    const net = new Network([1]);
    net.elect(1);
    net.n(1).readIndex(enc("solo"));
    net.processReadies();
    expect(net.get(1).readStates).toHaveLength(1);
  });
});
