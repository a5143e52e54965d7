// Misbehaving peers over TCP: garbage senders are cut off, slow readers meet bounded queues.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { newMessage, SeededRand } from "../../raft/index.js";
import { decodeMessage } from "./codec.js";
import { FrameDecoder, FrameType, encodeFrame, encodeMessageFrame, FRAME_HEADER_BYTES, type Frame } from "./frame.js";
import { decodeHello, encodeAccept, encodeHello, PROTOCOL_VERSION } from "./handshake.js";
import { bytes } from "./gen.test-util.js";
import { closeAll, HOST, mesh, sleep, startNode, waitFor } from "./net.test-util.js";

afterEach(closeAll);

const KiB = 1024;

/** Connects, writes `data`, and resolves once the server closes the connection (bounded by the test timeout). */
function sendAndAwaitClose(address: string, data: Uint8Array[]): Promise<void> {
  const [host, port] = address.split(":");
  return new Promise((resolve) => {
    const s = net.connect({ host: host!, port: Number(port) }, () => {
      for (const d of data) s.write(d);
    });
    s.on("data", () => {}); // the accept frame, if any
    s.on("error", () => {}); // a reset is a close too
    s.on("close", () => resolve());
  });
}

function hello(from: number, to: number): Uint8Array {
  return encodeFrame(FrameType.hello, encodeHello({ version: PROTOCOL_VERSION, kind: "messages", cluster_id: "test-cluster", from, to }));
}

describe("hostile peers", () => {
  it("disconnects garbage senders without crashing, and keeps serving real peers", async () => {
    const server = await startNode(2, { limits: { handshake_timeout_ms: 200 } });
    const rand = new SeededRand(42);
    const huge_header = new Uint8Array(FRAME_HEADER_BYTES);
    new DataView(huge_header.buffer).setUint32(0, 0xffff_ffff);
    huge_header[4] = FrameType.message;
    const bad_message = encodeFrame(FrameType.message, bytes(rand, 100));

    await sendAndAwaitClose(server.address, [new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]);
    await sendAndAwaitClose(server.address, [bytes(rand, 64 * KiB)]);
    await sendAndAwaitClose(server.address, [hello(1, 2), huge_header]);
    await sendAndAwaitClose(server.address, [hello(1, 2), bad_message]);
    await sendAndAwaitClose(server.address, [encodeFrame(FrameType.hello, bytes(rand, 30))]);
    await sendAndAwaitClose(server.address, []); // silent: closed by handshake_timeout_ms

    const problems = server.log.problems("closed connection from").map((r) => r.msg);
    expect(problems).toHaveLength(6);
    expect(problems[2]).toContain("length prefix 4294967295 is over frame_bytes_max = 16777216");
    expect(problems[3]).toContain("transport codec: message");
    expect(problems[4]).toContain("not orch's");
    expect(problems[5]).toContain("no hello within handshake_timeout_ms = 200");
    expect(server.received).toEqual([]);

    const peer = await startNode(1);
    mesh([peer, server]);
    peer.t.send([newMessage({ type: "MsgHeartbeat", from: 1, to: 2, term: 1 })]);
    await waitFor("a real peer still gets through", () => server.received.length === 1);
    await waitFor("garbage connections forgotten", () => server.t.stats().inbound_connections === 1);
  });

  it("a message that claims another sender is refused and the stream closed", async () => {
    const server = await startNode(2);
    const forged = encodeMessageFrame(newMessage({ type: "MsgVote", from: 3, to: 2, term: 9 }), 1024);
    await sendAndAwaitClose(server.address, [hello(1, 2), forged]);
    expect(server.log.problems("MsgVote claims to come from node 3 on the stream of node 1").length).toBe(1);
    expect(server.received).toEqual([]);
  });

  it("a client request forwarded twice keeps its origin and still gets through", async () => {
    const server = await startNode(2);
    const peer = await startNode(1);
    mesh([peer, server]);
    // A proposal is only ever handed to a live connection (else it is reported dropped).
    await waitFor("connected", () => peer.t.peerStats(2).connected);
    // Node 3 proposed through node 1, which forwards it on: from stays 3, as raft keeps it.
    peer.t.send([newMessage({ type: "MsgProp", from: 3, to: 2, entries: [{ term: 0, index: 0, type: "Normal", data: new Uint8Array([1]) }] })]);
    await waitFor("the forwarded proposal delivered", () => server.received.some((m) => m.type === "MsgProp" && m.from === 3));
    expect(server.log.problems("claims to come from")).toEqual([]);
  });

  it("a slow reader stops the writes (backpressure) and the queue stays within its bounds", async () => {
    // A fake peer 2: accepts the handshake, then stops reading.
    let conn = null as net.Socket | null;
    const fake = net.createServer((s) => {
      const d = new FrameDecoder(4096);
      const onHello = (chunk: Buffer): void => {
        const f = d.push(chunk)[0];
        if (f === undefined) return;
        s.off("data", onHello);
        s.pause();
        expect(decodeHello(f.payload).from).toBe(1);
        s.write(encodeFrame(FrameType.hello_accept, encodeAccept(2)));
        conn = s;
      };
      s.on("data", onHello);
    });
    await new Promise<void>((r) => fake.listen(0, HOST, r));
    const port = (fake.address() as net.AddressInfo).port;
    try {
      const queue_bytes_max = 256 * KiB;
      const a = await startNode(1, { limits: { send_queue_bytes_max: queue_bytes_max, send_queue_messages_max: 10_000 } });
      a.t.addPeer(2, `${HOST}:${port}`);
      await waitFor("connected", () => a.t.peerStats(2).connected);

      const payload = new Uint8Array(8 * KiB);
      let index = 0;
      let queue_peak = 0;
      let socket_peak = 0;
      // 24 MiB offered in 3000 messages, well past what the kernel buffers hold.
      for (let round = 0; round < 30; round++) {
        const batch = Array.from({ length: 100 }, () => ({
          ...newMessage({ type: "MsgApp", from: 1, to: 2, term: 1, index: ++index }),
          entries: [{ term: 1, index, type: "Normal" as const, data: payload }],
        }));
        a.t.send(batch);
        await sleep(1);
        const st = a.t.peerStats(2);
        queue_peak = Math.max(queue_peak, st.queue_bytes);
        socket_peak = Math.max(socket_peak, st.socket_buffered_bytes);
      }
      const st = a.t.peerStats(2);
      expect(queue_peak).toBeLessThanOrEqual(queue_bytes_max);
      // Writes stop at the socket's high-water mark (16 KiB) plus at most one frame.
      expect(socket_peak).toBeLessThanOrEqual(16 * KiB + 9 * KiB);
      expect(st.messages_dropped).toBeGreaterThan(0);
      expect(st.messages_sent + st.messages_dropped + st.queue_messages).toBe(3000);
      await waitFor("unreachable reported", () => a.unreachable.includes(2));

      // The reader wakes up: everything queued arrives, in order, intact.
      const d = new FrameDecoder(16 * 1024 * 1024);
      const got: Frame[] = [];
      conn!.on("data", (chunk: Buffer) => got.push(...d.push(chunk)));
      conn!.resume();
      await waitFor("queue drained", () => a.t.peerStats(2).queue_messages === 0 && got.length === a.t.peerStats(2).messages_sent);
      const indexes = got.map((f) => decodeMessage(f.payload).index);
      expect(indexes.every((v, i) => i === 0 || v > indexes[i - 1]!)).toBe(true);
      expect(got.every((f) => f.type === FrameType.message)).toBe(true);
    } finally {
      conn?.destroy();
      await new Promise<void>((r) => fake.close(() => r()));
    }
  });
});
