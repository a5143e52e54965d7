// §5.4 safety: election restriction, leader completeness, and state machine safety.
import { describe, expect, it } from "vitest";
import { Network } from "./test_network.js";

describe("§5.4 safety", () => {
  it("a node missing a committed entry cannot become leader (election restriction)", () => {
    const net = new Network([1, 2, 3], { checkQuorum: false, preVote: false });
    net.elect(1);
    net.isolate(3);
    net.propose(1, "committed-without-3");
    expect(net.appliedData(1)).toEqual(["committed-without-3"]);
    net.heal();
    net.dropIf = (m) => m.type === "MsgApp" || m.type === "MsgHeartbeat"; // 3 does not catch up
    for (let i = 0; i < 5; i++) net.elect(3);
    expect(net.n(3).status().softState.raftState).not.toBe("Leader");
    const rejections = net.sent.filter((m) => m.type === "MsgVoteResp" && m.to === 3);
    expect(rejections.length).toBeGreaterThan(0);
    expect(rejections.every((m) => m.reject)).toBe(true);
  });

  it("leader completeness: every later leader holds all committed entries", () => {
    const net = new Network([1, 2, 3, 4, 5], { checkQuorum: false, preVote: false });
    net.elect(1);
    net.isolate(4);
    net.isolate(5);
    net.propose(1, "a"); // committed on 1, 2, 3
    net.heal();
    net.crash(1);
    net.dropIf = (m) => m.type === "MsgApp" || m.type === "MsgHeartbeat";
    // 4 and 5 lack "a": neither can win; 2 or 3 can.
    for (const id of [4, 5]) {
      net.elect(id, 3);
      expect(net.n(id).status().softState.raftState).not.toBe("Leader");
    }
    net.elect(2, 3);
    expect(net.n(2).status().softState.raftState).toBe("Leader");
    net.dropIf = undefined;
    net.tickAll(2);
    for (const id of [2, 3, 4, 5]) expect(net.appliedData(id)).toEqual(["a"]);
  });

  it("a leader never overwrites or deletes entries in its own log (append-only)", () => {
    const net = new Network([1, 2, 3], { checkQuorum: false, preVote: false });
    net.elect(1);
    net.isolate(1);
    for (let i = 0; i < 5; i++) net.n(1).propose(new TextEncoder().encode(`u${i}`));
    net.deliverAll();
    net.heal();
    net.isolate(1);
    net.elect(2, 3);
    net.propose(2, "v");
    const log = (id: number) => {
      const s = net.get(id).storage;
      return s.entries(s.firstIndex(), s.lastIndex() + 1, Infinity).map((e) => `${e.index}/${e.term}/${e.data.length}`);
    };
    const before = log(2);
    net.heal();
    net.tickAll(3); // 1's conflicting suffix meets leader 2's rejection handling
    expect(net.leader()).toBe(2);
    expect(log(2).slice(0, before.length)).toEqual(before);
    expect(log(1)).toEqual(log(2));
    expect(net.appliedData(1)).toEqual(["v"]);
  });
});
