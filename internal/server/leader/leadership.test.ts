// The leadership lifecycle: loops start only after the barrier of the term led, stop when it ends.
import { describe, expect, it } from "vitest";
import type { Logger } from "../../log/logger.js";
import { Leadership, type LeaderEpoch, type LeaderLoop } from "./leadership.js";

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

class RecordingLoop implements LeaderLoop {
  readonly events: string[] = [];
  epoch: LeaderEpoch | undefined;
  constructor(readonly name: string) {}
  start(epoch: LeaderEpoch): void {
    this.epoch = epoch;
    this.events.push(`start ${epoch.term}`);
  }
  stop(): void {
    this.events.push("stop");
  }
}

/** A barrier the test releases by hand. */
function barrier(): { node: { linearizableRead(): Promise<void> }; release(): void; fail(): void; calls: () => number } {
  let pending: { resolve(): void; reject(e: Error): void }[] = [];
  let calls = 0;
  return {
    node: {
      linearizableRead: () =>
        new Promise<void>((resolve, reject) => {
          calls += 1;
          pending.push({ resolve, reject });
        }),
    },
    release: () => {
      for (const p of pending.splice(0)) p.resolve();
    },
    fail: () => {
      const ps = pending;
      pending = [];
      for (const p of ps) p.reject(new Error("no leader yet"));
    },
    calls: () => calls,
  };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe("Leadership", () => {
  it("starts every loop only once the barrier of the new term completed, and stops them in reverse when the term ends", async () => {
    const b = barrier();
    const a = new RecordingLoop("a");
    const c = new RecordingLoop("c");
    const order: string[] = [];
    for (const l of [a, c]) {
      const start = l.start.bind(l);
      const stop = l.stop.bind(l);
      l.start = (e) => (order.push(`start ${l.name}`), start(e));
      l.stop = () => (order.push(`stop ${l.name}`), stop());
    }
    const lead = new Leadership(b.node, [a, c], quiet);
    lead.onRoleChange({ state: "Leader", lead: 1, term: 3 });
    await tick();
    expect(lead.current()).toBeUndefined();
    expect(a.events).toEqual([]);
    b.release();
    await tick();
    expect(lead.current()?.term).toBe(3);
    expect(a.events).toEqual(["start 3"]);
    const signal = a.epoch!.signal;
    lead.onRoleChange({ state: "Follower", lead: 2, term: 4 });
    expect(signal.aborted).toBe(true);
    expect(lead.current()).toBeUndefined();
    expect(order).toEqual(["start a", "start c", "stop c", "stop a"]);
  });

  it("never establishes a term it lost while waiting on the barrier, and retries a barrier that failed", async () => {
    const b = barrier();
    const a = new RecordingLoop("a");
    const lead = new Leadership(b.node, [a], quiet);
    lead.onRoleChange({ state: "Leader", lead: 1, term: 5 });
    await tick();
    b.fail();
    await new Promise((r) => setTimeout(r, 150));
    expect(b.calls()).toBe(2);
    lead.onRoleChange({ state: "Follower", lead: 2, term: 6 });
    b.release();
    await tick();
    expect(a.events).toEqual([]);
    expect(lead.current()).toBeUndefined();
    // Leading again later (a new term) establishes that term.
    lead.onRoleChange({ state: "Leader", lead: 1, term: 7 });
    await tick();
    b.release();
    await tick();
    expect(a.events).toEqual(["start 7"]);
  });

  it("a new term led by the same server revokes the old epoch before establishing the next", async () => {
    const b = barrier();
    const a = new RecordingLoop("a");
    const lead = new Leadership(b.node, [a], quiet);
    lead.onRoleChange({ state: "Leader", lead: 1, term: 1 });
    await tick();
    b.release();
    await tick();
    lead.onRoleChange({ state: "Leader", lead: 1, term: 2 });
    await tick();
    b.release();
    await tick();
    expect(a.events).toEqual(["start 1", "stop", "start 2"]);
    lead.stop();
    expect(a.events).toEqual(["start 1", "stop", "start 2", "stop"]);
  });
});
