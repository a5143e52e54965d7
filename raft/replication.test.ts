// §5.3 log replication: commit by majority, log matching, fast backtracking, batching, pipelining.
import { describe, expect, it } from "vitest";
import { Network, enc } from "./test_network.js";
import { entrySizeBytes } from "./util.js";

const term = (net: Network, id: number): number => net.n(id).status().hardState.term;
const commit = (net: Network, id: number): number => net.n(id).status().hardState.commit;

describe("§5.3 log replication", () => {
  it("commits an entry once a majority stores it, and followers apply it after learning the commit", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.n(1).propose(enc("a"));
    net.processReadies();
    // Deliver the MsgApp to 2 only, and its ack: a majority (1, 2) holds it.
    net.deliverWhere((m) => m.type === "MsgApp" && m.to === 2);
    expect(net.appliedData(1)).toEqual([]);
    net.deliverWhere((m) => m.type === "MsgAppResp" && m.from === 2);
    expect(net.appliedData(1)).toEqual(["a"]);
    expect(net.appliedData(2)).toEqual([]); // it does not know the commit index yet
    net.deliverAll();
    for (const id of [1, 2, 3]) expect(net.appliedData(id)).toEqual(["a"]);
  });

  it("does not commit without a majority", () => {
    const net = new Network([1, 2, 3, 4, 5]);
    net.elect(1);
    const before = commit(net, 1);
    net.isolate(3);
    net.isolate(4);
    net.isolate(5);
    net.propose(1, "a");
    net.tickAll(5);
    expect(commit(net, 1)).toBe(before);
    expect(net.appliedData(1)).toEqual([]);
    net.heal();
    net.tickAll(2);
    for (const id of [1, 2, 3, 4, 5]) expect(net.appliedData(id)).toEqual(["a"]);
  });

  it("a follower proposal is forwarded to the leader", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(3, "from-3");
    for (const id of [1, 2, 3]) expect(net.appliedData(id)).toEqual(["from-3"]);
  });

  it("overwrites a partitioned old leader's uncommitted entries when it returns", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, "committed");
    net.isolate(1);
    for (let i = 0; i < 3; i++) net.n(1).propose(enc(`lost-${i}`));
    net.deliverAll();
    const leader = net.tickUntilLeader(200, (id) => id !== 1);
    net.propose(leader, "new");
    net.heal();
    net.tickAll(3);
    for (const id of [1, 2, 3]) expect(net.appliedData(id)).toEqual(["committed", "new"]);
    expect(net.get(1).storage.entries(1 + net.get(1).storage.firstIndex() - 1, net.get(1).storage.lastIndex() + 1, Infinity)
      .some((e) => new TextDecoder().decode(e.data).startsWith("lost"))).toBe(false);
    net.checkAgreement();
  });

  it("backs up over 60 divergent entries in a couple of round trips (conflict hints)", () => {
    const net = new Network([1, 2, 3], { maxSizePerMsgBytes: 1 << 20 });
    net.elect(1);
    net.isolate(1);
    for (let i = 0; i < 60; i++) net.n(1).propose(enc(`stale-${i}`));
    net.deliverAll();
    const leader = net.tickUntilLeader(200, (id) => id !== 1);
    for (let i = 0; i < 60; i++) net.n(leader).propose(enc(`good-${i}`));
    net.deliverAll();
    // Hand over to the third node: its next index for 1 starts past all 60 good entries.
    const third = leader === 2 ? 3 : 2;
    net.n(leader).transferLeader(third);
    net.deliverAll();
    expect(net.leader()).toBe(third);
    expect(net.n(third).status().progress.get(1)?.next).toBeGreaterThan(60);
    const sentBefore = net.sent.length;
    net.heal();
    net.tickAll(2);
    const rejects = net.sent.slice(sentBefore).filter((m) => m.type === "MsgAppResp" && m.reject && m.from === 1);
    expect(rejects.length).toBeGreaterThan(0);
    expect(rejects.length).toBeLessThanOrEqual(2);
    expect(net.appliedData(1)).toHaveLength(60);
    expect(net.appliedData(1)[0]).toBe("good-0");
    net.checkAgreement();
  });

  it("backs up when the follower has a higher-term suffix the leader lacks", () => {
    // Follower 3 holds 50 entries of an old term that never committed; the leader has fewer,
    // newer ones. The follower's hint (its last index of a term <= the probe's) skips them.
    const net = new Network([1, 2, 3], { checkQuorum: false, preVote: false });
    net.elect(3);
    net.isolate(3);
    for (let i = 0; i < 50; i++) net.n(3).propose(enc(`old-${i}`));
    net.deliverAll();
    net.heal();
    net.isolate(3);
    net.elect(1);
    net.propose(1, "x");
    net.heal();
    const sentBefore = net.sent.length;
    net.tickAll(3);
    const rejects = net.sent.slice(sentBefore).filter((m) => m.type === "MsgAppResp" && m.reject && m.from === 3);
    expect(rejects.length).toBeLessThanOrEqual(2);
    expect(net.appliedData(3)).toEqual(["x"]);
    net.checkAgreement();
  });

  it("batches entries into MsgApp no larger than maxSizePerMsgBytes (but at least one entry)", () => {
    const data = new Uint8Array(100);
    const size = entrySizeBytes({ term: 0, index: 0, type: "Normal", data });
    const net = new Network([1, 2, 3], { maxSizePerMsgBytes: size * 3 });
    net.elect(1);
    net.isolate(2);
    for (let i = 0; i < 20; i++) net.n(1).propose(data);
    net.deliverAll();
    net.heal();
    const before = net.sent.length;
    net.tickAll(3);
    const apps = net.sent.slice(before).filter((m) => m.type === "MsgApp" && m.to === 2 && m.entries.length > 0);
    expect(apps.length).toBeGreaterThanOrEqual(7);
    for (const m of apps) {
      const bytes = m.entries.reduce((n, e) => n + entrySizeBytes(e), 0);
      expect(m.entries.length === 1 || bytes <= size * 3).toBe(true);
    }
    expect(commit(net, 2)).toBe(commit(net, 1));
  });

  it("pipelines at most maxInflightMsgs unacknowledged MsgApp to a follower", () => {
    const net = new Network([1, 2, 3], { maxInflightMsgs: 4 });
    net.elect(1); // follower progress is now in replicate state
    net.dropIf = (m) => m.type === "MsgAppResp" && m.from === 2; // acks from 2 are lost
    const before = net.sent.length;
    for (let i = 0; i < 20; i++) {
      net.n(1).propose(enc(`e${i}`));
      net.deliverAll();
    }
    const to2 = net.sent.slice(before).filter((m) => m.type === "MsgApp" && m.to === 2 && m.entries.length > 0);
    expect(to2).toHaveLength(4);
    expect(net.n(1).status().progress.get(2)).toMatchObject({ state: "Replicate", inflight: 4 });
    expect(net.appliedData(1)).toHaveLength(20); // 1 and 3 still commit
    net.dropIf = undefined;
    net.tickAll(3); // heartbeat responses reveal 2 is behind; it catches up
    expect(net.appliedData(2)).toHaveLength(20);
  });

  it("in probe state sends one MsgApp per round trip", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.n(1).reportUnreachable(2); // drop 2 back to probe
    expect(net.n(1).status().progress.get(2)?.state).toBe("Probe");
    net.isolate(2);
    const before = net.sent.length;
    for (let i = 0; i < 5; i++) {
      net.n(1).propose(enc(`e${i}`));
      net.deliverAll();
    }
    const to2 = net.sent.slice(before).filter((m) => m.type === "MsgApp" && m.to === 2 && m.entries.length > 0);
    expect(to2).toHaveLength(1);
  });

  it("commits only current-term entries by counting replicas (Figure 8)", () => {
    const net = new Network([1, 2, 3, 4, 5], { checkQuorum: false, preVote: false, maxSizePerMsgBytes: 1 });
    net.elect(1); // term 2, empty entry at 2
    // (a) index 3 in term 2 reaches only 2.
    net.dropIf = (m) => m.type === "MsgApp" && m.to !== 2;
    net.propose(1, "x");
    net.dropIf = undefined;
    net.crash(1);
    // (b) 5 wins term 3 with 3 and 4, appends index 3 in term 3 that reaches nobody.
    net.dropIf = (m) => m.type === "MsgApp" && m.from === 5;
    net.elect(5);
    expect(net.leader()).toBe(5);
    expect(term(net, 5)).toBe(3);
    net.crash(5);
    net.dropIf = undefined;
    // (c) 1 restarts, wins term 4 and copies index 3 (term 2) to 3: now on 1, 2, 3 — a majority.
    net.restart(1);
    // Nobody but 1 gets index 4 (its new empty entry); probes may still copy index 3.
    net.dropIf = (m) =>
      m.type === "MsgApp" && m.entries.some((e) => e.index >= 4) && net.get(m.to).storage.lastIndex() >= 3;
    net.elect(1, 3); // term 3 is taken (3 and 4 voted for 5): it wins in term 4
    expect(net.leader()).toBe(1);
    expect(term(net, 1)).toBe(4);
    expect(net.get(3).storage.term(3)).toBe(2);
    // It must not count replicas of an older-term entry: index 3 is not committed.
    expect(commit(net, 1)).toBe(2);
    // (d) and indeed 5 can still win and overwrite index 3 with its term-3 entry.
    net.crash(1);
    net.dropIf = undefined;
    net.restart(5);
    net.elect(5, 3);
    expect(net.leader()).toBe(5);
    net.tickAll(2);
    expect(net.get(3).storage.term(3)).toBe(3);
    net.checkAgreement();
    expect(net.appliedData(3)).not.toContain("x");
  });
});
