// The state machine applies commands deterministically and survives snapshot and restore.
import { describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "./base64.js";
import { CommandType, type Envelope } from "./commands.js";
import { StateMachine } from "./state.js";

const enc = new TextEncoder();
let rid = 0;
const put = (key: string, value: string, cas?: number): Envelope => ({
  rid: `t-${++rid}`,
  at_ms: 0,
  cmd: { type: CommandType.kv_put, key, value: enc.encode(value), ...(cas !== undefined ? { cas } : {}) },
});
const del = (key: string, cas?: number): Envelope => ({
  rid: `t-${++rid}`,
  at_ms: 0,
  cmd: { type: CommandType.kv_delete, key, ...(cas !== undefined ? { cas } : {}) },
});

describe("base64", () => {
  it("round-trips every length and byte", () => {
    for (let n = 0; n < 70; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(fromBase64(toBase64(b))).toEqual(b);
    }
    expect(toBase64(enc.encode("orch!"))).toBe("b3JjaCE=");
    expect(() => fromBase64("ab$=")).toThrow(/bad character/);
  });
});

describe("StateMachine", () => {
  it("puts, compares-and-sets, deletes with indexes from the log", () => {
    const s = new StateMachine();
    expect(s.apply(2, put("a", "1"))).toEqual({ ok: true, key: "a", modify_index: 2 });
    expect(s.apply(3, put("a", "2", 5))).toEqual({ ok: false, code: "cas_mismatch", key: "a", current_index: 2 });
    expect(s.apply(4, put("a", "3", 2))).toEqual({ ok: true, key: "a", modify_index: 4 });
    expect(s.kv.get("a")).toMatchObject({ create_index: 2, modify_index: 4, value: enc.encode("3") });
    expect(s.apply(5, put("b", "x", 0))).toMatchObject({ ok: true });
    expect(s.apply(6, put("b", "y", 0))).toMatchObject({ ok: false, code: "cas_mismatch", current_index: 5 });
    expect(s.apply(7, del("a", 3))).toMatchObject({ ok: false, code: "cas_mismatch" });
    expect(s.apply(8, del("a", 4))).toMatchObject({ ok: true, deleted: true });
    expect(s.apply(9, del("a"))).toEqual({ ok: false, code: "not_found", key: "a" });
  });

  it("refuses to apply an index twice or out of order", () => {
    const s = new StateMachine();
    s.apply(5, put("a", "1"));
    expect(() => s.apply(5, put("a", "2"))).toThrow(/index 5 applied after 5/);
    expect(() => s.advance(4)).toThrow(/applied after/);
  });

  it("follows membership changes and member address updates", () => {
    const s = new StateMachine();
    s.applyMembership(2, { type: "AddNode", id: 1, name: "s1", raft_addr: "127.0.0.1:1", http_addr: "" });
    s.applyMembership(3, { type: "AddLearnerNode", id: 4, name: "s4", raft_addr: "127.0.0.1:4", http_addr: "" });
    expect(s.apply(4, { rid: "x", at_ms: 0, cmd: { type: CommandType.member_update, id: 1, name: "s1", raft_addr: "127.0.0.1:1", http_addr: "127.0.0.1:8" } })).toMatchObject({ ok: true });
    expect(s.apply(5, { rid: "y", at_ms: 0, cmd: { type: CommandType.member_update, id: 9, name: "s9", raft_addr: "a", http_addr: "b" } })).toMatchObject({ ok: false, code: "rejected" });
    s.applyMembership(6, { type: "RemoveNode", id: 4 });
    expect(s.members.all()).toEqual([{ id: 1, name: "s1", raft_addr: "127.0.0.1:1", http_addr: "127.0.0.1:8" }]);
    expect(s.members.max_id).toBe(4);
  });

  it("restores from its snapshot to an equal state", () => {
    const s = new StateMachine();
    s.applyMembership(2, { type: "AddNode", id: 3, name: "s3", raft_addr: "r", http_addr: "h" });
    for (let i = 3; i < 50; i++) s.apply(i, put(`k${i % 7}`, `v${i}`));
    s.apply(50, del("k1"));
    const t = new StateMachine();
    t.restore(s.snapshot(), s.applied_index);
    expect(t.snapshot()).toEqual(s.snapshot());
    expect(t.kv.get("k2")).toEqual(s.kv.get("k2"));
    expect(t.applied_index).toBe(50);
  });

  it("writes values raw in its snapshot, keeps odd keys exact, and still reads the JSON format 1", () => {
    const s = new StateMachine();
    s.applyMembership(2, { type: "AddNode", id: 1, name: "s1", raft_addr: "r", http_addr: "h" });
    const big = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) & 255);
    s.apply(3, { rid: "a", at_ms: 0, cmd: { type: CommandType.kv_put, key: "big/ü€😀", value: big } });
    s.apply(4, { rid: "b", at_ms: 0, cmd: { type: CommandType.kv_put, key: "odd\uD800", value: enc.encode("x") } });
    s.apply(5, put("empty", ""));
    s.apply(6, put("big/ü€😀", "again"));
    s.apply(7, { rid: "c", at_ms: 0, cmd: { type: CommandType.kv_put, key: "big2", value: big } });
    const snap = s.snapshot();
    expect(snap[0]).toBe(2);
    // Raw values: the 5000-byte value is not base64 (which would be 6668 bytes).
    expect(snap.length).toBeLessThan(5000 + 1000);
    const t = new StateMachine();
    t.restore(snap, 7);
    for (const k of ["big/ü€😀", "odd\uD800", "empty", "big2"]) expect(t.kv.get(k)).toEqual(s.kv.get(k));
    expect(t.kv.get("big/ü€😀")).toMatchObject({ create_index: 3, modify_index: 6 });
    // A restored row owns its bytes: it is no view of the snapshot.
    expect(t.kv.get("big2")!.value.buffer).not.toBe(snap.buffer);
    expect(t.members.all()).toEqual(s.members.all());

    // Format 1, as earlier versions wrote it.
    const v1 = {
      format: 1,
      applied_index: 9,
      kv: [["k", { v: toBase64(enc.encode("old")), c: 4, m: 9 }]],
      members: [{ id: 1, name: "s1", raft_addr: "r", http_addr: "h" }],
      members_max_id: 1,
    };
    const u = new StateMachine();
    u.restore(enc.encode(JSON.stringify(v1)), 9);
    expect(u.kv.get("k")).toEqual({ value: enc.encode("old"), create_index: 4, modify_index: 9 });
    expect(u.members.all()).toEqual(v1.members);
  });

  it("refuses a snapshot cut short or in no known format, with what was wrong", () => {
    const s = new StateMachine();
    for (let i = 2; i < 10; i++) s.apply(i, put(`k${i}`, "v".repeat(100)));
    const snap = s.snapshot();
    for (const n of [1, 4, 20, snap.length - 50, snap.length - 1]) expect(() => new StateMachine().restore(snap.subarray(0, n), 9)).toThrow(/cut short|JSON/);
    const extra = new Uint8Array(snap.length + 3);
    extra.set(snap);
    expect(() => new StateMachine().restore(extra, 9)).toThrow(/3 bytes after its last row/);
    expect(() => new StateMachine().restore(Uint8Array.of(9, 9, 9), 9)).toThrow(/no known format \(first byte 9/);
  });
});
