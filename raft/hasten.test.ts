// A follower told the leader is unreachable campaigns when the lease ends, staggered by rank.
import { describe, expect, it } from "vitest";
import { Network } from "./test_network.js";

/** Ticks from the leader's crash until some survivor leads, with every survivor told at once (or not). */
function ticksToNewLeader(seed: number, hasten: boolean, tell: boolean, voters = [1, 2, 3]): { ticks: number; leader: number; survivors: number[] } {
  const net = new Network(voters, { seed, hastenElectionOnLeaderLoss: hasten });
  const first = net.tickUntilLeader();
  net.tickAll(3);
  net.crash(first);
  const survivors = voters.filter((id) => id !== first);
  if (tell) for (const id of survivors) net.n(id).reportUnreachable(first);
  for (let t = 1; t <= 100; t++) {
    net.tickAll();
    const l = net.leader();
    if (l !== undefined && l !== first) return { ticks: t, leader: l, survivors };
  }
  throw new Error(`seed ${seed}: no new leader within 100 ticks`);
}

describe("hastened elections after the leader's loss", () => {
  it("elect the lowest-id survivor when the lease ends, never later, over 50 seeds", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = ticksToNewLeader(seed, true, true);
      // The last heartbeat came at most one tick before the crash; the lease is 10 ticks, and
      // the first survivor campaigns one tick after it.
      expect(r.ticks, `seed ${seed}`).toBeLessThanOrEqual(11);
      // The lowest id among the survivors, whoever the crashed leader was.
      expect(r.leader, `seed ${seed}`).toBe(Math.min(...r.survivors));
    }
  });

  it("are faster on average than random timeouts, and change nothing when off or untold", () => {
    let hastened = 0;
    let random = 0;
    for (let seed = 1; seed <= 50; seed++) {
      hastened += ticksToNewLeader(seed, true, true).ticks;
      random += ticksToNewLeader(seed, false, true).ticks;
      // Off, being told changes nothing: the same seed elects at the same tick.
      expect(ticksToNewLeader(seed, false, true)).toEqual(ticksToNewLeader(seed, false, false));
      expect(ticksToNewLeader(seed, true, false)).toEqual(ticksToNewLeader(seed, false, false));
    }
    expect(hastened).toBeLessThan(random);
  });

  it("do not unseat a live leader: a follower that only lost its own connection is refused by the lease", () => {
    const net = new Network([1, 2, 3], { seed: 4, hastenElectionOnLeaderLoss: true });
    const lead = net.tickUntilLeader();
    const f = [1, 2, 3].find((id) => id !== lead)!;
    net.n(f).reportUnreachable(lead);
    net.tickAll(40);
    expect(net.leader()).toBe(lead);
    expect(net.n(lead).status().hardState.term).toBe(net.n(f).status().hardState.term);
  });

  it("in five voters, the lowest-id survivor wins when the lease ends", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = ticksToNewLeader(seed, true, true, [1, 2, 3, 4, 5]);
      expect(r.ticks, `seed ${seed}`).toBeLessThanOrEqual(11);
      expect(r.leader, `seed ${seed}`).toBe(Math.min(...r.survivors));
    }
  });
});
