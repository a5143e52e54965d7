// Transports over real TCP on 127.0.0.1: ordered delivery, outages and reconnects, handshake refusals.
import { afterEach, describe, expect, it } from "vitest";
import { newMessage, type Message, type NodeId } from "../../raft/index.js";
import { closeAll, mesh, sleep, startNode, waitFor, type TestNode } from "./net.test-util.js";

afterEach(closeAll);

function app(from: NodeId, to: NodeId, index: number): Message {
  return {
    ...newMessage({ type: "MsgApp", from, to, term: 1, index, commit: index - 1 }),
    entries: [{ term: 1, index: index + 1, type: "Normal", data: new TextEncoder().encode(`${from}->${to}#${index}`) }],
  };
}

function indexesFrom(n: TestNode, from: NodeId): number[] {
  return n.received.filter((m) => m.from === from).map((m) => m.index);
}

describe("transport", () => {
  it("three transports exchange messages in order per peer", async () => {
    const nodes = await Promise.all([1, 2, 3].map((id) => startNode(id)));
    mesh(nodes);
    const per_pair = 500;
    // Sent in batches across turns, as a Ready loop would.
    for (let i = 1; i <= per_pair; i += 50) {
      for (const a of nodes) {
        const batch: Message[] = [];
        for (const b of nodes) if (a !== b) for (let k = i; k < i + 50; k++) batch.push(app(a.id, b.id, k));
        a.t.send(batch);
      }
      await sleep(0);
    }
    const expected = Array.from({ length: per_pair }, (_, k) => k + 1);
    await waitFor("all messages", () => nodes.every((n) => n.received.length === 2 * per_pair));
    for (const n of nodes) {
      for (const o of nodes) {
        if (o === n) continue;
        expect(indexesFrom(n, o.id), `${o.id} -> ${n.id}`).toEqual(expected);
        const last = n.received.filter((m) => m.from === o.id).at(-1)!;
        expect(new TextDecoder().decode(last.entries[0]!.data)).toBe(`${o.id}->${n.id}#${per_pair}`);
        expect(n.t.peerStats(o.id).messages_received).toBe(per_pair);
        expect(o.t.peerStats(n.id).messages_sent).toBe(per_pair);
      }
      expect(n.unreachable).toEqual([]);
    }
  });

  it("queues for a peer that is down, drops once the queue is full, reports it, and resumes after it comes back", async () => {
    const b0 = await startNode(2);
    const port = Number(b0.address.split(":")[1]);
    await b0.t.close(); // the port is known; nobody listens there now
    const a = await startNode(1, { limits: { send_queue_messages_max: 10 } });
    a.t.addPeer(2, b0.address);
    a.t.send(Array.from({ length: 25 }, (_, k) => app(1, 2, k + 1)));
    await waitFor("unreachable reported", () => a.unreachable.includes(2));
    const down = a.t.peerStats(2);
    expect(down.queue_messages).toBe(10);
    expect(down.messages_dropped).toBe(15);
    expect(down.connected).toBe(false);
    expect(a.log.problems("send queue to node 2 is full").length).toBe(1);
    await waitFor("a few redials", () => a.t.peerStats(2).dial_failures >= 2);

    const b = await startNode(2, { port });
    await waitFor("queued messages delivered", () => b.received.length === 10);
    expect(b.received.map((m) => m.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    a.t.send([app(1, 2, 100)]);
    await waitFor("new message delivered", () => b.received.length === 11);
    expect(a.t.peerStats(2)).toMatchObject({ connected: true, queue_messages: 0, messages_sent: 11 });
    expect(a.log.records.some((r) => r.msg.includes("reconnected to node 2"))).toBe(true);

    // The peer goes away again while connected: loss is noticed, then a reconnect is counted.
    await b.t.close();
    await waitFor("connection loss noticed", () => !a.t.peerStats(2).connected);
    const b2 = await startNode(2, { port });
    a.t.send([app(1, 2, 200)]);
    await waitFor("delivered after restart", () => b2.received.some((m) => m.index === 200));
    expect(a.t.peerStats(2).reconnects).toBe(1);
  });

  it("refuses a server of another cluster, and both sides say why", async () => {
    const a = await startNode(1, { cluster_id: "alpha" });
    const b = await startNode(2, { cluster_id: "beta" });
    a.t.addPeer(2, b.address);
    a.t.send([app(1, 2, 1)]);
    await waitFor("refusal", () => a.t.peerStats(2).handshake_refusals >= 1);
    expect(a.log.problems(`cluster id mismatch: node 1 is in cluster "alpha", this server (node 2) is in "beta"`).length).toBeGreaterThan(0);
    expect(b.log.problems("refused a connection").length).toBeGreaterThan(0);
    await waitFor("unreachable reported", () => a.unreachable.includes(2));
    await sleep(30);
    expect(b.received).toEqual([]);
    expect(a.t.peerStats(2).queue_messages).toBe(1);
  });

  it("refuses a dial to the wrong node id (wrong address list)", async () => {
    const a = await startNode(1);
    const b = await startNode(2);
    a.t.addPeer(3, b.address); // a believes node 3 lives at b's address
    await waitFor("refusal", () => a.t.peerStats(3).handshake_refusals >= 1);
    expect(a.log.problems("expecting node 3, but this is node 2").length).toBeGreaterThan(0);
    expect(b.log.problems("expecting node 3, but this is node 2").length).toBeGreaterThan(0);
  });

  it("refuses a removed node, and accepts it again after addPeer", async () => {
    const [a, b] = await Promise.all([startNode(1), startNode(2)]);
    mesh([a, b]);
    a.t.send([app(1, 2, 1)]);
    await waitFor("first delivery", () => b.received.length === 1);
    b.t.removePeer(1);
    await waitFor("a refused", () => a.t.peerStats(2).handshake_refusals >= 1);
    expect(a.log.problems("node 1 was removed from the cluster").length).toBeGreaterThan(0);
    b.t.addPeer(1, a.address);
    a.t.send([app(1, 2, 2)]);
    await waitFor("delivery after re-add", () => b.received.length === 2);
  });

  it("updatePeer moves the connection to the new address", async () => {
    const a = await startNode(1);
    const b_old = await startNode(2);
    a.t.addPeer(2, b_old.address);
    a.t.send([app(1, 2, 1)]);
    await waitFor("old address gets it", () => b_old.received.length === 1);
    await b_old.t.close();
    const b_new = await startNode(2);
    a.t.updatePeer(2, b_new.address);
    a.t.send([app(1, 2, 2)]);
    await waitFor("new address gets it", () => b_new.received.length === 1);
  });

  it("never sends local messages or to itself, and counts messages to unknown peers", async () => {
    const a = await startNode(1);
    a.t.send([newMessage({ type: "MsgHup", from: 1, to: 2 }), newMessage({ type: "MsgApp", from: 1, to: 9 })]);
    expect(a.log.problems("local messages never leave the node").length).toBe(1);
    expect(a.t.stats().messages_dropped_unknown_peer).toBe(1);
    expect(() => a.t.addPeer(1, "127.0.0.1:1")).toThrow(/other than this node's id/);
  });
});
