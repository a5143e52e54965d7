// Proposals (MsgProp) over real TCP: one the transport reports dropped never reaches any peer,
// even after a reconnect; one handed to a live connection is delivered and never reported.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { newMessage, type Message, type NodeId } from "../../raft/index.js";
import { decodeMessage } from "./codec.js";
import { FrameDecoder, FrameType, encodeFrame } from "./frame.js";
import { encodeAccept } from "./handshake.js";
import { closeAll, HOST, sleep, startNode, waitFor } from "./net.test-util.js";

afterEach(closeAll);

function prop(from: NodeId, to: NodeId, tag: string): Message {
  return { ...newMessage({ type: "MsgProp", from, to }), entries: [{ term: 0, index: 0, type: "Normal", data: new TextEncoder().encode(tag) }] };
}

function app(from: NodeId, to: NodeId, index: number): Message {
  return newMessage({ type: "MsgApp", from, to, term: 1, index, commit: 0 });
}

const tagOf = (m: Message): string => new TextDecoder().decode(m.entries[0]?.data);

describe("proposals through the transport", () => {
  it("reports a proposal for a peer that is not connected at once, and never delivers it after the peer comes back", async () => {
    const b0 = await startNode(2);
    const port = Number(b0.address.split(":")[1]);
    await b0.t.close(); // the port is known; nobody listens there now
    const a = await startNode(1);
    const dropped: Message[] = [];
    a.t.onProposalDropped((m) => dropped.push(m));
    a.t.addPeer(2, b0.address);
    a.t.send([prop(1, 2, "p1"), app(1, 2, 1)]);
    await waitFor("the proposal reported dropped", () => dropped.length === 1);
    expect(tagOf(dropped[0]!)).toBe("p1");
    // Other messages still wait for the peer, as Raft expects.
    expect(a.t.peerStats(2).queue_messages).toBe(1);

    const b = await startNode(2, { port });
    await waitFor("the queued append delivered", () => b.received.length === 1);
    a.t.send([prop(1, 2, "p2")]);
    await waitFor("the proposal sent while connected delivered", () => b.received.length === 2);
    await sleep(30);
    expect(b.received.map((m) => m.type)).toEqual(["MsgApp", "MsgProp"]);
    expect(tagOf(b.received[1]!)).toBe("p2");
    expect(dropped).toHaveLength(1);
  });

  it("reports a proposal sent to an unknown peer or after close", async () => {
    const a = await startNode(1);
    const dropped: string[] = [];
    a.t.onProposalDropped((m) => dropped.push(tagOf(m)));
    a.t.send([prop(1, 9, "unknown")]);
    await a.t.close();
    a.t.send([prop(1, 2, "closed")]);
    await waitFor("both reported", () => dropped.length === 2);
    expect(dropped).toEqual(["unknown", "closed"]);
  });

  it("takes a proposal still queued when the connection breaks out of the queue and reports it; the reconnect never carries it", async () => {
    // A fake peer 2: its first connection stops reading after the handshake (writes back up into
    // the queue); later connections read everything.
    const conns: net.Socket[] = [];
    const later: Message[] = [];
    const fake = net.createServer((s) => {
      const first = conns.length === 0;
      conns.push(s);
      const d = new FrameDecoder(16 * 1024 * 1024);
      let greeted = false;
      s.on("data", (chunk: Buffer) => {
        for (const f of d.push(chunk)) {
          if (!greeted) {
            greeted = true;
            s.write(encodeFrame(FrameType.hello_accept, encodeAccept(2)));
            if (first) s.pause();
          } else if (f.type === FrameType.message) later.push(decodeMessage(f.payload));
        }
      });
    });
    await new Promise<void>((r) => fake.listen(0, HOST, r));
    const port = (fake.address() as net.AddressInfo).port;
    try {
      const a = await startNode(1);
      const dropped: Message[] = [];
      a.t.onProposalDropped((m) => dropped.push(m));
      a.t.addPeer(2, `${HOST}:${port}`);
      await waitFor("connected", () => a.t.peerStats(2).connected);
      const payload = new Uint8Array(64 * 1024);
      for (let i = 1; a.t.peerStats(2).queue_messages === 0; i++) {
        if (i > 1000) throw new Error("the socket never backed up");
        a.t.send([{ ...newMessage({ type: "MsgApp", from: 1, to: 2, term: 1, index: i }), entries: [{ term: 1, index: i, type: "Normal", data: payload }] }]);
        await sleep(1);
      }
      a.t.send([prop(1, 2, "stuck")]);
      await sleep(20);
      expect(dropped).toEqual([]); // queued on a live connection: not dropped (yet)
      conns[0]!.destroy();
      await waitFor("the queued proposal reported dropped", () => dropped.length === 1);
      expect(tagOf(dropped[0]!)).toBe("stuck");
      await waitFor("reconnected", () => conns.length === 2 && a.t.peerStats(2).connected);
      a.t.send([prop(1, 2, "after")]);
      await waitFor("the new proposal delivered", () => later.some((m) => m.type === "MsgProp"));
      await waitFor("the queue drained", () => a.t.peerStats(2).queue_messages === 0);
      await sleep(30);
      expect(later.filter((m) => m.type === "MsgProp").map(tagOf)).toEqual(["after"]);
    } finally {
      for (const c of conns) c.destroy();
      await new Promise<void>((r) => fake.close(() => r()));
    }
  });
});
