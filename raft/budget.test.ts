// Message budgets: an election and an idle cluster send a small, exact number of messages.
import { describe, expect, it } from "vitest";
import { Network } from "./test_network.js";

describe("message budgets", () => {
  it("electing a leader in a healthy 3-node cluster takes 16 messages (with PreVote)", () => {
    const net = new Network([1, 2, 3], { preVote: true });
    net.elect(1);
    expect(net.leader()).toBe(1);
    // pre-vote 2+2, vote 2+2, empty entry 2+2, commit index 2+2.
    expect(net.countByType()).toEqual({
      MsgPreVote: 2,
      MsgPreVoteResp: 2,
      MsgVote: 2,
      MsgVoteResp: 2,
      MsgApp: 4,
      MsgAppResp: 4,
    });
    expect(net.sent).toHaveLength(16);
  });

  it("an idle cluster sends exactly one heartbeat and one response per follower per heartbeat interval", () => {
    const net = new Network([1, 2, 3], { electionTicks: 10, heartbeatTicks: 2 });
    net.elect(1);
    const before = net.sent.length;
    net.tickAll(100);
    const idle = net.sent.slice(before);
    // 100 ticks / 2 = 50 heartbeat rounds × 2 followers × (heartbeat + response).
    expect(idle).toHaveLength(200);
    expect(new Set(idle.map((m) => m.type))).toEqual(new Set(["MsgHeartbeat", "MsgHeartbeatResp"]));
    expect(idle.every((m) => m.from === 1 || m.to === 1)).toBe(true);
  });

  it("one proposal in a healthy 3-node cluster costs 8 messages (append, ack, commit notice, ack)", () => {
    const net = new Network([1, 2, 3]);
    net.elect(1);
    const before = net.sent.length;
    net.propose(1, "x");
    expect(net.sent.length - before).toBe(8);
  });
});
