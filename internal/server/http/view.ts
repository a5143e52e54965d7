// What the HTTP routes need from a server; the routes never see the Server class itself.
import type { Member } from "../../fsm/members.js";
import type { StateMachine } from "../../fsm/state.js";
import type { RaftNode } from "../../raftnode/node.js";
import type { AssignmentHub } from "../cluster/hub.js";
import type { Liveness } from "../cluster/liveness.js";
import type { FrameworkHost } from "../leader/framework-host.js";

export interface MemberStatus extends Member {
  role: "voter" | "learner";
  is_leader: boolean;
  /** Leader's view of the member's log: highest index known replicated there (leader only). */
  match_index?: number;
}

export interface StatusBody {
  cluster_id: string;
  self: { id: number; name: string; raft_addr: string; http_addr: string };
  leader: Member | null;
  state: string;
  term: number;
  commit_index: number;
  applied_index: number;
  last_index: number;
  snapshot_index: number;
  members: MemberStatus[];
}

export interface JoinRequest {
  name: string;
  raft_addr: string;
  http_addr: string;
}

export interface JoinResponse {
  cluster_id: string;
  id: number;
  name: string;
}

export interface ServerView {
  readonly node: RaftNode;
  readonly fsm: StateMachine;
  readonly cluster_id: string;
  readonly liveness: Liveness;
  readonly hub: AssignmentHub;
  readonly frameworks: FrameworkHost;
  /** True once the server began shutting down: long streams end. */
  stopping(): boolean;
  status(): StatusBody;
  leaderMember(): Member | null;
  /** Why this server is not ready to serve, or null when it is. */
  notReady(): string | null;
  isLeader(): boolean;
  /** Sends the request (with its body, already read, if it has one) to the leader's HTTP address and returns its answer. */
  forwardToLeader(req: Request, body?: Uint8Array): Promise<Response>;
  /** Leader only: adds a server as a learner (it is promoted once caught up). */
  addMember(req: JoinRequest): Promise<JoinResponse>;
  /** Leader only: removes a server by name. */
  removeMember(name: string): Promise<{ id: number; name: string }>;
}

/**
 * Looks something up for a change request. Local state may trail the leader, so a miss is
 * confirmed by a linearizable read before the caller answers "no such thing": a definite
 * refusal must never come from stale state (the chaos suite caught a 404 for a service whose
 * creation had already committed).
 */
export async function lookupCurrent<T>(s: ServerView, get: () => T | undefined): Promise<T | undefined> {
  const local = get();
  if (local !== undefined) return local;
  await s.node.linearizableRead();
  return get();
}

/** The leader as error answers name it (so a client can go there), or null. */
export function leaderRef(s: ServerView): Record<string, unknown> | null {
  const m = s.leaderMember();
  return m === null ? null : { id: m.id, name: m.name, http_addr: m.http_addr };
}
