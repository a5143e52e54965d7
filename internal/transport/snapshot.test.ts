// Snapshot streams over TCP: a 20 MiB snapshot in chunks beside live heartbeats; size bounds; failures.
import { afterEach, describe, expect, it } from "vitest";
import { newMessage, type Message } from "../../raft/index.js";
import { closeAll, mesh, startNode, waitFor } from "./net.test-util.js";

afterEach(closeAll);

const MiB = 1024 * 1024;

function heartbeat(commit: number): Message {
  return newMessage({ type: "MsgHeartbeat", from: 1, to: 2, term: 3, commit });
}

function snapMsg(size_bytes: number): Message {
  const data = new Uint8Array(size_bytes);
  // A pattern that differs at every offset, so a misplaced chunk shows.
  const view = new DataView(data.buffer);
  for (let i = 0; i + 4 <= size_bytes; i += 4) view.setUint32(i, Math.imul(i, 2654435761) >>> 0);
  return {
    ...newMessage({ type: "MsgSnap", from: 1, to: 2, term: 3 }),
    snapshot: { metadata: { index: 1000, term: 3, confState: { voters: [1, 2, 3], learners: [] } }, data },
  };
}

describe("snapshot streaming", () => {
  it("streams a 20 MiB snapshot in 1 MiB chunks and delivers it intact while heartbeats keep flowing", async () => {
    // frame_bytes_max of 4 MiB: the snapshot cannot travel in one frame, only in chunks.
    const limits = { frame_bytes_max: 4 * MiB, snapshot_chunk_bytes: 1 * MiB };
    const [a, b] = await Promise.all([startNode(1, { limits }), startNode(2, { limits })]);
    mesh([a, b]);
    a.t.send([heartbeat(0)]);
    await waitFor("message stream up", () => b.received.length === 1);

    const m = snapMsg(20 * MiB);
    a.t.send([m, heartbeat(1)]);
    let commit = 2;
    const beat = setInterval(() => a.t.send([heartbeat(commit++)]), 1);
    try {
      await waitFor("snapshot delivered", () => b.received.some((r) => r.type === "MsgSnap"), 20_000);
    } finally {
      clearInterval(beat);
    }
    const at = b.received.findIndex((r) => r.type === "MsgSnap");
    const got = b.received[at]!;
    // Heartbeat 1 was sent after the snapshot yet arrived before it: the stream did not wait.
    const beats_before = b.received.slice(0, at).filter((r) => r.type === "MsgHeartbeat" && r.commit >= 1).length;
    expect(beats_before).toBeGreaterThanOrEqual(1);
    expect(got.snapshot?.metadata).toEqual(m.snapshot?.metadata);
    expect(got.snapshot?.data.byteLength).toBe(20 * MiB);
    expect(Buffer.compare(got.snapshot!.data, m.snapshot!.data)).toBe(0);
    await waitFor("finish reported", () => a.snapshot_status.length === 1);
    expect(a.snapshot_status).toEqual([[2, "finish"]]);
    expect(a.t.peerStats(2).snapshots_sent).toBe(1);
    expect(b.t.peerStats(1).snapshots_received).toBe(1);
  });

  it("a receiver refuses a snapshot over its snapshot_bytes_max and the sender reports failure", async () => {
    const a = await startNode(1);
    const b = await startNode(2, { limits: { snapshot_bytes_max: 1 * MiB } });
    mesh([a, b]);
    a.t.send([snapMsg(2 * MiB)]);
    await waitFor("failure reported", () => a.snapshot_status.length === 1);
    expect(a.snapshot_status).toEqual([[2, "failure"]]);
    expect(a.log.problems("snapshot to 2 failed").at(0)?.msg).toContain("is over snapshot_bytes_max = 1048576");
    expect(b.log.problems("refused a snapshot from node 1").length).toBe(1);
    expect(b.received).toEqual([]);
    // The next, smaller snapshot goes through.
    a.t.send([snapMsg(1000)]);
    await waitFor("finish reported", () => a.snapshot_status.length === 2);
    expect(a.snapshot_status[1]).toEqual([2, "finish"]);
  });

  it("reports failure for a snapshot to a peer that is down, and for one over the sender's own bound", async () => {
    const gone = await startNode(2);
    await gone.t.close();
    const a = await startNode(1, { limits: { snapshot_bytes_max: 1 * MiB } });
    a.t.addPeer(2, gone.address);
    a.t.send([snapMsg(1000)]);
    await waitFor("failure reported", () => a.snapshot_status.length === 1);
    a.t.send([snapMsg(2 * MiB)]);
    await waitFor("second failure reported", () => a.snapshot_status.length === 2);
    expect(a.snapshot_status).toEqual([
      [2, "failure"],
      [2, "failure"],
    ]);
    expect(a.t.peerStats(2).snapshots_failed).toBe(2);
  });
});
