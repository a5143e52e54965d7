// Small parts: handshake checks, backoff pacing, snapshot reassembly bounds, limits, addresses.
import { describe, expect, it } from "vitest";
import { newMessage } from "../../raft/index.js";
import { parseAddress } from "./address.js";
import { Backoff } from "./backoff.js";
import { CodecError, TransportConfigError, TransportError } from "./errors.js";
import { FrameQueue } from "./frame-queue.js";
import { checkHello, decodeHello, decodeReject, encodeHello, encodeReject, PROTOCOL_VERSION, type Hello } from "./handshake.js";
import { compileLimits } from "./limits.js";
import { encodeChunkOffset, encodeSnapBegin, SnapshotAssembly } from "./snapshot-frames.js";

describe("handshake", () => {
  const local = { cluster_id: "alpha", node_id: 2 };
  const hello: Hello = { version: PROTOCOL_VERSION, kind: "messages", cluster_id: "alpha", from: 1, to: 2 };
  const none = (): boolean => false;

  it("round-trips hello and reject", () => {
    expect(decodeHello(encodeHello(hello))).toEqual(hello);
    expect(decodeReject(encodeReject({ reason: "busy", text: "later" }))).toEqual({ reason: "busy", text: "later" });
  });

  it("accepts a good hello and refuses each kind of mismatch with a reason a person can act on", () => {
    expect(checkHello(hello, local, none)).toBeNull();
    expect(checkHello({ ...hello, version: 9 }, local, none)).toMatchObject({ reason: "version" });
    const c = checkHello({ ...hello, cluster_id: "beta" }, local, none);
    expect(c?.reason).toBe("cluster");
    expect(c?.text).toContain(`node 1 is in cluster "beta", this server (node 2) is in "alpha"`);
    expect(checkHello({ ...hello, to: 3 }, local, none)?.text).toContain("expecting node 3, but this is node 2");
    expect(checkHello({ ...hello, from: 2 }, local, none)?.reason).toBe("invalid");
    expect(checkHello({ ...hello, from: 0 }, local, none)?.reason).toBe("invalid");
    expect(checkHello(hello, local, (id) => id === 1)?.reason).toBe("removed");
  });

  it("refuses a stranger's bytes as not orch", () => {
    const http = new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n");
    expect(() => decodeHello(http)).toThrow(/not orch's/);
  });
});

describe("backoff", () => {
  const limits = { reconnect_backoff_ms_min: 10, reconnect_backoff_ms_max: 200, reconnect_attempts_per_window_max: 5, reconnect_window_ms: 10_000 };

  it("doubles from the minimum to the cap, jittered within [d/2, d]", () => {
    const lo = new Backoff({ ...limits, reconnect_attempts_per_window_max: 1000 }, () => 0);
    const hi = new Backoff({ ...limits, reconnect_attempts_per_window_max: 1000 }, () => 0.999999);
    const lows = Array.from({ length: 8 }, () => lo.nextDelayMs(0));
    const highs = Array.from({ length: 8 }, () => hi.nextDelayMs(0));
    expect(lows).toEqual([5, 10, 20, 40, 80, 100, 100, 100]);
    expect(highs).toEqual([10, 20, 40, 80, 160, 200, 200, 200]);
    lo.succeeded();
    expect(lo.nextDelayMs(0)).toBe(5);
  });

  it("waits out the window once the attempts in it reach the bound", () => {
    const b = new Backoff(limits, () => 0);
    for (let t = 0; t < 5; t++) b.attempted(t * 100);
    // Oldest attempt at 0 leaves the 10 s window at 10_000.
    expect(b.nextDelayMs(500)).toBe(9_500);
  });
});

describe("snapshot reassembly", () => {
  const snap = { metadata: { index: 9, term: 2, confState: { voters: [1, 2], learners: [] } }, data: new Uint8Array([1, 2, 3, 4, 5]) };
  const m = { ...newMessage({ type: "MsgSnap", to: 2, from: 1, term: 2 }), snapshot: snap };
  const chunk = (offset: number, data: number[]): Uint8Array => {
    const out = new Uint8Array(8 + data.length);
    out.set(encodeChunkOffset(offset));
    out.set(data, 8);
    return out;
  };

  it("rebuilds the message from in-order chunks", () => {
    const a = SnapshotAssembly.begin(encodeSnapBegin(m), 100, 1, 2);
    a.chunk(chunk(0, [1, 2]));
    a.chunk(chunk(2, [3, 4, 5]));
    expect(a.finish()).toEqual(m);
  });

  it("refuses a size over snapshot_bytes_max, gaps, overruns, short streams and the wrong sender", () => {
    expect(() => SnapshotAssembly.begin(encodeSnapBegin(m), 4, 1, 2)).toThrow(/5 bytes from node 1 is over snapshot_bytes_max = 4/);
    expect(() => SnapshotAssembly.begin(encodeSnapBegin(m), 100, 3, 2)).toThrow(CodecError);
    const a = SnapshotAssembly.begin(encodeSnapBegin(m), 100, 1, 2);
    expect(() => a.chunk(chunk(1, [2]))).toThrow(/offset 1, expected 0/);
    expect(() => a.chunk(chunk(0, [1, 2, 3, 4, 5, 6]))).toThrow(/past the declared size/);
    a.chunk(chunk(0, [1]));
    expect(() => a.finish()).toThrow(/ended after 1 of 5 bytes/);
  });
});

describe("limits, queue, addresses", () => {
  it("names the bad limit", () => {
    expect(() => compileLimits({ frame_bytes_max: 0 })).toThrow(/frame_bytes_max = 0 must be a positive integer/);
    expect(() => compileLimits({ snapshot_chunk_bytes: 16 * 1024 * 1024 })).toThrow(TransportConfigError);
    expect(() => compileLimits({ reconnect_backoff_ms_min: 5000 })).toThrow(/reconnect_backoff_ms_min = 5000/);
  });

  it("the frame queue keeps both bounds", () => {
    const q = new FrameQueue(3, 10);
    expect(q.push(new Uint8Array(4))).toBe(true);
    expect(q.push(new Uint8Array(7))).toBe(false);
    expect(q.push(new Uint8Array(4))).toBe(true);
    expect(q.push(new Uint8Array(1))).toBe(true);
    expect(q.push(new Uint8Array(0))).toBe(false);
    expect([q.length, q.bytes]).toEqual([3, 9]);
    expect(q.shift()?.byteLength).toBe(4);
    expect([q.length, q.bytes]).toEqual([2, 5]);
  });

  it("parses host:port and [v6]:port and refuses the rest", () => {
    expect(parseAddress("127.0.0.1:4641")).toEqual({ host: "127.0.0.1", port: 4641 });
    expect(parseAddress("[::1]:80")).toEqual({ host: "::1", port: 80 });
    for (const bad of ["127.0.0.1", "h:0", "h:70000", "::1:80", ""]) expect(() => parseAddress(bad)).toThrow(TransportError);
  });
});
