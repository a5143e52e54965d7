// The simulated disk passes the storage contract, and its faults are the ones it claims: a crash
// keeps every synced write, loses some unsynced ones (never part of one), and tears frames.
import { describe, expect, it } from "vitest";
import { MemoryStorage, type Entry } from "../../raft/index.js";
import { storageContract } from "../../raft/storage_contract.js";
import { Prng } from "./prng.js";
import { Scheduler } from "./scheduler.js";
import { SimDisk, fast_disk, type DiskHost } from "./sim_disk.js";

const immediate: DiskHost = { now: () => 0, after: (_ms, fn) => void setImmediate(fn) };

storageContract("SimDisk", {
  create: () => new SimDisk(immediate, new Prng(7), fast_disk),
  // Everything the contract wrote was awaited, hence synced: a crash is a clean reopen.
  reopen: (disk) => {
    disk.crash();
    return disk;
  },
});

const ent = (index: number, term = 1): Entry => ({ index, term, type: "Normal", data: new TextEncoder().encode(`e${index}`) });

function diskOnClock(seed: number, scheduler: Scheduler): SimDisk {
  const host: DiskHost = { now: () => scheduler.now_ms, after: (ms, fn) => void scheduler.after(ms, fn) };
  return new SimDisk(host, new Prng(seed), { write_ms: [1, 1], fsync_ms: [10, 10], stall_chance: 0, stall_ms: [0, 0] }, MemoryStorage.bootstrap([1, 2, 3]));
}

describe("SimDisk faults", () => {
  it("a crash keeps every synced write and a whole-batch prefix of the rest, tearing some frames", async () => {
    const outcomes = new Set<number>();
    let torn = 0;
    for (let seed = 1; seed <= 200; seed += 1) {
      const scheduler = new Scheduler();
      const disk = diskOnClock(seed, scheduler);
      let synced = false;
      void disk.save({ entries: [ent(2), ent(3)], hardState: { term: 1, vote: 1, commit: 1 } }, true).then(() => (synced = true));
      await scheduler.runUntil(10, () => {});
      expect(synced).toBe(true);
      // Two more batches of three entries, issued but not yet durable.
      void disk.save({ entries: [ent(4), ent(5), ent(6)] }, true);
      void disk.save({ entries: [ent(7), ent(8), ent(9)] }, true);
      await scheduler.runUntil(15, () => {});
      disk.crash();
      expect(disk.lastIndex() - 3, `seed ${seed}: batches are kept whole`).toSatisfy((n: number) => n % 3 === 0);
      expect(disk.term(3)).toBe(1);
      outcomes.add(disk.lastIndex());
      torn = disk.stats.tornFrames;
      if (torn > 0 && outcomes.size === 3) break;
    }
    expect([...outcomes].sort()).toEqual([3, 6, 9]);
    expect(torn).toBeGreaterThan(0);
  });

  it("a write completes after its latency, in order, and a stalled fsync holds back the writes behind it", async () => {
    const scheduler = new Scheduler();
    const host: DiskHost = { now: () => scheduler.now_ms, after: (ms, fn) => void scheduler.after(ms, fn) };
    const disk = new SimDisk(host, new Prng(1), { write_ms: [1, 1], fsync_ms: [5, 5], stall_chance: 1, stall_ms: [100, 100] }, MemoryStorage.bootstrap([1]));
    const done: string[] = [];
    void disk.save({ entries: [ent(2)] }, true).then(() => done.push(`a@${scheduler.now_ms}`));
    void disk.compact(1).then(() => done.push(`b@${scheduler.now_ms}`));
    await scheduler.runUntil(104, () => {});
    expect(done).toEqual([]);
    expect(disk.lastIndex()).toBe(1);
    await scheduler.runUntil(200, () => {});
    expect(done).toEqual(["a@105", "b@106"]);
    expect(disk.stats.stalls).toBe(1);
  });

  it("the promises of a crashed process never settle, and its late completions change nothing", async () => {
    const scheduler = new Scheduler();
    const disk = diskOnClock(3, scheduler);
    let settled = false;
    void disk.save({ entries: [ent(2)] }, true).then(
      () => (settled = true),
      () => (settled = true),
    );
    disk.crash();
    await scheduler.runUntil(100, () => {});
    expect(settled).toBe(false);
    expect(disk.lastIndex()).toBeLessThanOrEqual(2);
  });
});
