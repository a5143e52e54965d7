// Log compaction and snapshots: install on a lagging follower, restarts after snapshots.
import { describe, expect, it } from "vitest";
import { MemoryStorage } from "./storage.js";
import { Network, enc } from "./test_network.js";
import { newMessage } from "./util.js";

const status = (net: Network, id: number) => net.n(id).status();

function laggingCluster(): Network {
  const net = new Network([1, 2, 3]);
  net.elect(1);
  net.isolate(3);
  for (let i = 0; i < 20; i++) net.propose(1, `e${i}`);
  net.compact(1);
  net.compact(2);
  return net;
}

describe("snapshots", () => {
  it("a leader sends a snapshot to a follower whose entries are compacted, and it catches up", () => {
    const net = laggingCluster();
    expect(net.get(1).storage.firstIndex()).toBeGreaterThan(20);
    net.heal();
    net.tickAll(3);
    const snaps = net.sent.filter((m) => m.type === "MsgSnap" && m.to === 3);
    expect(snaps).toHaveLength(1);
    expect(net.get(3).storage.snapshot().metadata.index).toBe(snaps[0]!.snapshot!.metadata.index);
    expect(status(net, 3).hardState.commit).toBe(status(net, 1).hardState.commit);
    expect(status(net, 1).progress.get(3)?.state).toBe("Replicate");
    net.propose(1, "after");
    expect(net.appliedData(3)).toEqual(["after"]); // earlier state arrived in the snapshot
    net.checkAgreement();
  });

  it("the follower restarts twice after installing a snapshot and keeps up", () => {
    const net = laggingCluster();
    net.heal();
    net.tickAll(3);
    net.crash(3);
    net.restart(3);
    expect(status(net, 3).applied).toBe(net.get(3).storage.snapshot().metadata.index);
    net.propose(1, "a");
    net.crash(3);
    net.restart(3);
    net.tickAll(2);
    net.propose(1, "b");
    expect(net.appliedData(3)).toEqual(["a", "b"]);
    expect(status(net, 3).hardState.commit).toBe(status(net, 1).hardState.commit);
    net.checkAgreement();
  });

  it("a leader restarts from a compacted log and still serves followers", () => {
    const net = laggingCluster();
    net.heal();
    net.crash(1);
    net.restart(1);
    const leader = net.tickUntilLeader();
    net.propose(leader, "x");
    for (const id of [1, 2, 3]) expect(net.appliedData(id).at(-1)).toBe("x");
    net.checkAgreement();
  });

  it("a follower ignores a snapshot older than its commit index", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    for (let i = 0; i < 5; i++) net.propose(1, `e${i}`);
    net.dropQueued();
    const commit = status(net, 2).hardState.commit;
    const snap = { metadata: { index: 2, term: 2, confState: { voters: [1, 2, 3], learners: [] } }, data: enc("old") };
    net.n(2).step(newMessage({ type: "MsgSnap", from: 1, to: 2, term: status(net, 2).hardState.term, snapshot: snap }));
    const rd = net.n(2).ready();
    expect(rd.snapshot).toBeUndefined();
    expect(rd.messages[0]).toMatchObject({ type: "MsgAppResp", index: commit, reject: false });
    net.n(2).advance(rd);
  });

  it("a failed snapshot send is retried after the next heartbeat", () => {
    const net = laggingCluster();
    net.heal();
    net.reportSnapshots = false;
    net.dropIf = (m) => m.type === "MsgSnap";
    net.tickAll(3);
    // Until the transport reports the failure, the leader waits on the lost snapshot.
    expect(status(net, 1).progress.get(3)?.state).toBe("Snapshot");
    net.n(1).reportSnapshot(3, "failure");
    net.reportSnapshots = true;
    expect(status(net, 1).progress.get(3)?.state).toBe("Probe");
    net.dropIf = undefined;
    net.tickAll(3);
    expect(net.sent.filter((m) => m.type === "MsgSnap").length).toBeGreaterThanOrEqual(2);
    expect(status(net, 3).hardState.commit).toBe(status(net, 1).hardState.commit);
  });

  it("a node added with an empty log receives the membership in a snapshot", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    net.propose(1, "a");
    net.addNode(4, new MemoryStorage());
    net.n(1).proposeConfChange({ type: "AddNode", nodeId: 4 });
    net.deliverAll();
    net.tickAll(3);
    expect(net.sent.some((m) => m.type === "MsgSnap" && m.to === 4)).toBe(true);
    expect(status(net, 4).confState.voters).toEqual([1, 2, 3, 4]);
    net.propose(1, "b");
    // The bootstrap snapshot (index 1) holds no data: 4 replays the log after it.
    expect(net.appliedData(4)).toEqual(["a", "b"]);
    expect(status(net, 4).hardState.commit).toBe(status(net, 1).hardState.commit);
  });
});
