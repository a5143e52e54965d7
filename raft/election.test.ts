// §5.1–5.2 and election extensions: terms, randomized timeouts, votes, PreVote, CheckQuorum, lease.
import { describe, expect, it } from "vitest";
import { Network } from "./test_network.js";
import { newMessage } from "./util.js";
import { CAMPAIGN_TRANSFER, type Message } from "./types.js";

const term = (net: Network, id: number): number => net.n(id).status().hardState.term;
const role = (net: Network, id: number): string => net.n(id).status().softState.raftState;

describe("§5.1 terms", () => {
  it("a node that sees a higher term adopts it and becomes follower", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    expect(role(net, 1)).toBe("Leader");
    const t = term(net, 1);
    net.n(1).step(newMessage({ type: "MsgAppResp", from: 2, to: 1, term: t + 5, index: 0 }));
    expect(role(net, 1)).toBe("Follower");
    expect(term(net, 1)).toBe(t + 5);
  });

  it("a request with a stale term is rejected with the current term, so a stale leader steps down", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    const t = term(net, 2);
    net.processReadies();
    net.dropQueued();
    net.n(2).step(newMessage({ type: "MsgApp", from: 3, to: 2, term: t - 1, index: 1, logTerm: 1 }));
    net.processReadies();
    const replies = net.queue.filter((m) => m.to === 3);
    expect(replies).toHaveLength(1);
    expect(replies[0]!).toMatchObject({ type: "MsgAppResp", term: t });
    expect(net.n(2).status().softState.lead).toBe(1);
  });
});

describe("§5.2 leader election", () => {
  it("followers time out after a randomized election timeout in [e, 2e)", () => {
    const timeouts: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const net = new Network([1, 2, 3], { seed, electionTicks: 10 });
      net.isolate(1);
      let ticks = 0;
      while (role(net, 1) === "Follower") {
        net.n(1).tick();
        ticks++;
        if (ticks > 100) throw new Error("never campaigned");
      }
      timeouts.push(ticks);
    }
    expect(Math.min(...timeouts)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...timeouts)).toBeLessThan(20);
    expect(new Set(timeouts).size).toBeGreaterThan(4); // actually randomized
  });

  it("a candidate that wins a majority becomes leader; others follow it", () => {
    const net = new Network([1, 2, 3, 4, 5], { preVote: false });
    net.elect(3);
    expect(role(net, 3)).toBe("Leader");
    for (const id of [1, 2, 4, 5]) {
      expect(role(net, id)).toBe("Follower");
      expect(net.n(id).status().softState.lead).toBe(3);
    }
  });

  it("a node grants at most one vote per term", () => {
    const net = new Network([1, 2, 3], { preVote: false });
    const t = term(net, 1) + 1;
    const vote = (from: number): Message =>
      newMessage({ type: "MsgVote", from, to: 1, term: t, index: 1, logTerm: 1 });
    net.n(1).step(vote(2));
    net.n(1).step(vote(3));
    net.n(1).step(vote(2)); // a retry from the same candidate is granted again
    net.processReadies();
    const resps = net.queue.filter((m) => m.from === 1).map((m) => [m.to, m.reject]);
    expect(resps).toEqual([
      [2, false],
      [3, true],
      [2, false],
    ]);
    expect(net.n(1).status().hardState.vote).toBe(2);
  });

  it("the vote is durable: persisted in the same Ready as its response, and kept across restart", () => {
    const net = new Network([1, 2, 3], { preVote: false });
    const t = term(net, 1) + 1;
    net.n(1).step(newMessage({ type: "MsgVote", from: 2, to: 1, term: t, index: 1, logTerm: 1 }));
    const rd = net.n(1).ready();
    expect(rd.hardState).toMatchObject({ term: t, vote: 2 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages[0]).toMatchObject({ type: "MsgVoteResp", reject: false });
    net.get(1).storage.setHardState(rd.hardState!);
    net.n(1).advance(rd);
    net.crash(1);
    net.restart(1);
    net.n(1).step(newMessage({ type: "MsgVote", from: 3, to: 1, term: t, index: 1, logTerm: 1 }));
    net.processReadies();
    expect(net.queue.find((m) => m.to === 3)).toMatchObject({ type: "MsgVoteResp", reject: true });
  });

  it("a candidate steps down when it hears from a leader of its term", () => {
    const net = new Network([1, 2, 3], { preVote: false });
    net.n(2).campaign(); // 2 is candidate in term 2
    net.processReadies();
    net.dropQueued();
    expect(role(net, 2)).toBe("Candidate");
    net.n(2).step(newMessage({ type: "MsgApp", from: 1, to: 2, term: term(net, 2), index: 1, logTerm: 1 }));
    expect(role(net, 2)).toBe("Follower");
    expect(net.n(2).status().softState.lead).toBe(1);
  });

  it("a split vote is resolved by a later election with fresh random timeouts", () => {
    const net = new Network([1, 2, 3, 4], { preVote: false, seed: 3 });
    // 1 and 2 campaign at once; 3 votes for 1 and 4 for 2: nobody reaches 3 of 4.
    net.n(1).campaign();
    net.n(2).campaign();
    net.dropIf = (m) => (m.type === "MsgVote" && ((m.from === 1 && m.to === 4) || (m.from === 2 && m.to === 3)));
    net.deliverAll();
    expect(net.leader()).toBeUndefined();
    net.dropIf = undefined;
    const leader = net.tickUntilLeader(100);
    expect(term(net, leader)).toBeGreaterThan(2);
  });

  it("a candidate denies its vote to a less up-to-date log (§5.4.1)", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, "x");
    const t = term(net, 2);
    net.n(2).step(newMessage({ type: "MsgVote", from: 3, to: 2, term: t + 1, index: 1, logTerm: 1, context: CAMPAIGN_TRANSFER }));
    net.processReadies();
    expect(net.queue.find((m) => m.to === 3 && m.type === "MsgVoteResp")).toMatchObject({ reject: true });
  });
});

describe("PreVote", () => {
  it("a partitioned node does not inflate its term, and on return does not depose the leader", () => {
    const net = new Network([1, 2, 3], { preVote: true });
    net.elect(1);
    const t = term(net, 1);
    net.isolate(3);
    net.tickAll(100);
    expect(term(net, 3)).toBe(t); // pre-votes failed; term unchanged
    expect(role(net, 3)).toBe("PreCandidate");
    net.heal();
    net.tickAll(5);
    expect(net.leader()).toBe(1);
    expect(term(net, 1)).toBe(t);
    expect(role(net, 3)).toBe("Follower");
  });

  it("without PreVote (and CheckQuorum) the same rejoin deposes the leader", () => {
    const net = new Network([1, 2, 3], { preVote: false, checkQuorum: false });
    net.elect(1);
    const t = term(net, 1);
    net.isolate(3);
    net.tickAll(100);
    expect(term(net, 3)).toBeGreaterThan(t + 3);
    net.heal();
    net.tickAll(25); // 3 campaigns again within its election timeout, at a term above the leader's
    expect(term(net, 1)).toBeGreaterThan(t + 3);
  });

  it("a pre-vote changes neither the voter's term nor its vote", () => {
    const net = new Network([1, 2, 3]);
    net.n(2).step(newMessage({ type: "MsgPreVote", from: 3, to: 2, term: 5, index: 1, logTerm: 1 }));
    net.processReadies();
    expect(net.queue.find((m) => m.to === 3)).toMatchObject({ type: "MsgPreVoteResp", term: 5, reject: false });
    expect(net.n(2).status().hardState).toMatchObject({ term: 1, vote: 0 });
  });

  it("a pre-candidate becomes candidate only after a pre-vote quorum", () => {
    const net = new Network([1, 2, 3]);
    net.n(1).campaign();
    expect(role(net, 1)).toBe("PreCandidate");
    expect(term(net, 1)).toBe(1);
    net.deliverWhere((m) => m.type === "MsgPreVote" && m.to === 2);
    net.deliverWhere((m) => m.type === "MsgPreVoteResp");
    expect(role(net, 1)).toBe("Candidate");
    expect(term(net, 1)).toBe(2);
  });
});

describe("CheckQuorum and the leader lease", () => {
  it("a leader without a live quorum steps down within two election timeouts", () => {
    const net = new Network([1, 2, 3], { electionTicks: 10 });
    net.elect(1);
    net.isolate(1);
    let ticks = 0;
    while (role(net, 1) === "Leader") {
      net.tickAll();
      ticks++;
      if (ticks > 100) throw new Error("leader never stepped down");
    }
    expect(ticks).toBeLessThanOrEqual(20);
  });

  it("a connected leader keeps leading through many election timeouts", () => {
    const net = new Network([1, 2, 3], { electionTicks: 10 });
    net.elect(1);
    const t = term(net, 1);
    net.tickAll(200);
    expect(net.leader()).toBe(1);
    expect(term(net, 1)).toBe(t);
  });

  it("a follower that heard from its leader ignores vote requests (lease), but not transfer campaigns", () => {
    const net = new Network([1, 2, 3], { preVote: false });
    net.elect(1);
    net.dropQueued();
    const t = term(net, 2);
    net.n(2).step(newMessage({ type: "MsgVote", from: 3, to: 2, term: t + 1, index: 100, logTerm: t }));
    net.processReadies();
    expect(net.queue.filter((m) => m.to === 3)).toEqual([]);
    expect(term(net, 2)).toBe(t);
    net.n(2).step(
      newMessage({ type: "MsgVote", from: 3, to: 2, term: t + 1, index: 100, logTerm: t, context: CAMPAIGN_TRANSFER }),
    );
    net.processReadies();
    expect(net.queue.find((m) => m.to === 3)).toMatchObject({ type: "MsgVoteResp", reject: false });
  });

  it("once the lease expires the follower does consider votes", () => {
    const net = new Network([1, 2, 3], { preVote: false, electionTicks: 10 });
    net.elect(1);
    net.isolate(1);
    for (let i = 0; i < 10; i++) net.n(2).tick(); // no election yet: its randomized timeout is >= 10
    net.processReadies();
    net.dropQueued();
    const t = term(net, 2);
    net.n(2).step(newMessage({ type: "MsgVote", from: 3, to: 2, term: t + 1, index: 100, logTerm: t }));
    net.processReadies();
    expect(net.queue.find((m) => m.to === 3)).toMatchObject({ type: "MsgVoteResp", reject: false });
  });
});

describe("learners", () => {
  it("a learner never campaigns, even isolated for a long time, and is never asked for a vote", () => {
    const net = new Network([1, 2, 3], { learners: [4] });
    net.elect(1);
    net.propose(1, "a");
    expect(net.appliedData(4)).toEqual(["a"]);
    net.isolate(4);
    net.tickAll(300);
    expect(role(net, 4)).toBe("Follower");
    net.n(4).campaign();
    expect(role(net, 4)).toBe("Follower");
    net.heal();
    net.crash(1);
    net.tickUntilLeader();
    const votesToLearner = net.sent.filter((m) => (m.type === "MsgVote" || m.type === "MsgPreVote") && m.to === 4);
    expect(votesToLearner).toEqual([]);
  });
});
