import { describe, expect, it } from "vitest";
import { coalesceMessages } from "./coalesce.js";
import { SeededRand } from "./rand.js";
import { Network, enc } from "./test_network.js";
import type { Entry, Message } from "./types.js";
import { newMessage } from "./util.js";

const entry = (index: number, term = 2, bytes = 10): Entry => ({ index, term, type: "Normal", data: new Uint8Array(bytes) });
const app = (to: number, index: number, n: number, commit: number, o: Partial<Message> = {}): Message =>
  newMessage({ type: "MsgApp", from: 1, to, term: 2, index, logTerm: 2, entries: Array.from({ length: n }, (_, i) => entry(index + 1 + i)), commit, ...o });

describe("coalesceMessages", () => {
  it("merges contiguous appends to one peer into one, keeping the later commit index", () => {
    const out = coalesceMessages([app(2, 10, 2, 9), app(3, 10, 2, 9), app(2, 12, 1, 11), app(3, 12, 1, 11), app(2, 13, 0, 13)], 1 << 20);
    expect(out).toHaveLength(2);
    const to2 = out.find((m) => m.to === 2)!;
    expect(to2.index).toBe(10);
    expect(to2.entries.map((e) => e.index)).toEqual([11, 12, 13]);
    expect(to2.commit).toBe(13);
  });

  it("keeps appends apart when they do not follow on, change term, or carry a snapshot", () => {
    expect(coalesceMessages([app(2, 10, 2, 9), app(2, 13, 1, 9)], 1 << 20)).toHaveLength(2); // gap
    expect(coalesceMessages([app(2, 10, 2, 9), app(2, 12, 1, 9, { term: 3 })], 1 << 20)).toHaveLength(2); // new term
    expect(coalesceMessages([app(2, 10, 2, 9), app(2, 12, 1, 9, { logTerm: 1 })], 1 << 20)).toHaveLength(2); // term mismatch at the seam
    expect(coalesceMessages([app(2, 10, 2, 9), newMessage({ type: "MsgHeartbeat", from: 1, to: 2, term: 2 }), app(2, 12, 1, 9)], 1 << 20)).toHaveLength(3);
  });

  it("stays within the byte bound, but lets a single large append through", () => {
    const big = (index: number): Message => app(2, index, 1, 0, { entries: [entry(index + 1, 2, 600)] });
    const out = coalesceMessages([big(10), big(11), big(12)], 1000);
    expect(out.map((m) => m.entries.length)).toEqual([1, 1, 1]);
    expect(coalesceMessages([big(10), big(11)], 5000)).toHaveLength(1);
  });

  it("keeps the highest acceptance and every rejection", () => {
    const resp = (index: number, reject = false): Message => newMessage({ type: "MsgAppResp", from: 2, to: 1, term: 2, index, reject });
    expect(coalesceMessages([resp(5), resp(7), resp(6)], 1 << 20)).toEqual([resp(7)]);
    expect(coalesceMessages([resp(5), resp(9, true), resp(7)], 1 << 20)).toHaveLength(3);
  });

  it("keeps the order of messages to each peer", () => {
    const msgs = [app(2, 10, 1, 0), newMessage({ type: "MsgHeartbeat", from: 1, to: 3, term: 2 }), app(3, 10, 1, 0), app(2, 11, 1, 0)];
    const out = coalesceMessages(msgs, 1 << 20);
    expect(out.filter((m) => m.to === 3).map((m) => m.type)).toEqual(["MsgHeartbeat", "MsgApp"]);
  });
});

describe("a cluster that coalesces its messages", () => {
  /** Proposals at random members, delivery with random drops and reordering: same seed, coalescing on or off. */
  function run(seed: number, coalesce: boolean): { applied: string[][]; sent: number } {
    const net = new Network([1, 2, 3], { seed, coalesceMessages: coalesce });
    net.tickUntilLeader();
    net.deliverAll();
    const rand = new SeededRand(seed);
    let made = 0;
    for (let step = 0; step < 400; step++) {
      const lead = net.leader();
      // Several proposals per step so Readies carry many messages to merge.
      for (let k = rand.intn(6); k > 0 && lead !== undefined; k--) net.n(lead).propose(enc(`v${made++}`));
      if (rand.intn(10) === 0) net.tickAll();
      net.deliverSome(rand, 85, 5);
    }
    for (let i = 0; i < 200 && net.queue.length + [...net.nodes.values()].filter((n) => n.node!.hasReady()).length > 0; i++) {
      net.tickAll();
      net.deliverAll();
    }
    for (let i = 0; i < 30; i++) net.tickAll();
    net.deliverAll();
    net.checkAgreement();
    return { applied: [1, 2, 3].map((id) => net.appliedData(id)), sent: net.sent.length };
  }

  it("applies the same entries everywhere, with fewer messages than without", () => {
    let with_total = 0;
    let without_total = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const on = run(seed, true);
      const off = run(seed, false);
      // Every member applied the same sequence (agreement), and all of it reached everyone.
      expect(on.applied[1], `seed ${seed}`).toEqual(on.applied[0]);
      expect(on.applied[2], `seed ${seed}`).toEqual(on.applied[0]);
      expect(on.applied[0]!.length, `seed ${seed}: nothing was committed`).toBeGreaterThan(0);
      with_total += on.sent;
      without_total += off.sent;
    }
    expect(with_total).toBeLessThan(without_total);
  });
});
