// Whole-cluster scenarios: crashes and restarts, and seeded chaos with leader crashes (Figure 8).
import { describe, expect, it } from "vitest";
import { SeededRand } from "./rand.js";
import { Network, enc } from "./test_network.js";
import { ErrProposalDropped } from "./types.js";

function tryPropose(net: Network, id: number, text: string): boolean {
  try {
    net.n(id).propose(enc(text));
    return true;
  } catch (err) {
    if (err instanceof ErrProposalDropped) return false;
    throw err;
  }
}

describe("crash and restart", () => {
  it("all nodes crash and restart: nothing committed is lost, and the cluster goes on", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    for (let i = 0; i < 5; i++) net.propose(1, `a${i}`);
    for (const id of [1, 2, 3]) net.crash(id);
    for (const id of [1, 2, 3]) net.restart(id);
    const leader = net.tickUntilLeader();
    net.propose(leader, "b");
    for (const id of [1, 2, 3]) expect(net.appliedData(id)).toEqual(["a0", "a1", "a2", "a3", "a4", "b"]);
    net.checkAgreement();
  });

  it("the leader crashes: a new one is elected; the old one rejoins as a follower", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, "a");
    net.crash(1);
    const leader = net.tickUntilLeader(200, (id) => id !== 1);
    net.propose(leader, "b");
    net.restart(1);
    net.tickAll(3);
    expect(net.leader()).toBe(leader);
    expect(net.n(1).status().softState).toEqual({ lead: leader, raftState: "Follower" });
    expect(net.appliedData(1)).toEqual(["a", "b"]);
    net.checkAgreement();
  });

  it("the leader and a follower crash: no progress without a quorum, then recovery with all data", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, "a");
    net.crash(1);
    net.crash(2);
    net.tickAll(50);
    expect(net.leader()).toBeUndefined();
    expect(tryPropose(net, 3, "nope")).toBe(false);
    net.restart(1);
    net.restart(2);
    const leader = net.tickUntilLeader();
    net.propose(leader, "b");
    for (const id of [1, 2, 3]) expect(net.appliedData(id)).toEqual(["a", "b"]);
  });

  it("a crash between persisting entries and sending loses no acknowledged entry", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.n(1).propose(enc("x"));
    net.processReadies(); // persisted on 1, MsgApp queued
    net.deliverWhere((m) => m.type === "MsgApp"); // followers persist and ack
    net.crash(1); // the acks are lost with it
    const leader = net.tickUntilLeader(200, (id) => id !== 1);
    net.restart(1);
    net.tickAll(3);
    for (const id of [1, 2, 3]) expect(net.appliedData(id)).toEqual(["x"]);
    expect(net.leader()).toBe(leader);
  });
});

describe("seeded chaos: random leader crashes, drops, reordering (Figure 8 style)", () => {
  for (let seed = 1; seed <= 24; seed++) {
    it(`seed ${seed}: every applied entry agrees, and the cluster recovers`, () => {
      const rand = new SeededRand(seed);
      const ids = [1, 2, 3, 4, 5];
      const net = new Network(ids, { seed, electionTicks: 8, heartbeatTicks: 1, preVote: seed % 2 === 0 });
      let proposed = 0;
      let crashedLeaders = 0;
      try {
        for (let round = 0; round < 400; round++) {
          const leader = net.leader();
          if (leader !== undefined && rand.intn(3) === 0 && tryPropose(net, leader, `s${seed}-${proposed}`)) proposed++;
          net.deliverSome(rand, 60, 15);
          const r = rand.intn(100);
          if (r < 4 && leader !== undefined) {
            net.crash(leader);
            crashedLeaders++;
          }
          else if (r < 7) net.crash(ids[rand.intn(ids.length)]!);
          for (const tn of net.nodes.values()) {
            if (tn.node === undefined && rand.intn(8) === 0) net.restart(tn.id);
          }
          if (rand.intn(40) === 0) net.compact(ids[rand.intn(ids.length)]!, 2);
          for (const tn of net.nodes.values()) tn.node?.tick();
          net.checkAgreement();
        }
        for (const tn of net.nodes.values()) if (tn.node === undefined) net.restart(tn.id);
        net.dropQueued();
        const leader = net.tickUntilLeader(300);
        net.propose(leader, "final");
        net.tickAll(5);
        net.checkAgreement();
        for (const id of ids) expect(net.appliedData(id).at(-1)).toBe("final");
        expect(proposed).toBeGreaterThan(10);
        // The run really changed leaders many times (crashes, drops), not a quiet cluster.
        expect(net.n(leader).status().hardState.term).toBeGreaterThan(5);
        expect(crashedLeaders).toBeGreaterThan(0);
      } catch (err) {
        throw new Error(`chaos failed with seed ${seed}: ${String(err)}`, { cause: err });
      }
    });
  }
});
