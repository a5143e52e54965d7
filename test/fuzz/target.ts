// What the generators know of the cluster under test: the real ids a bad request may aim at.
import type { Prng } from "../sim/prng.js";

export interface Target {
  node_id: string;
  node_name: string;
  node_cpus: number;
  node_memory_bytes: number;
  /** This server as a member: its name and Raft address. */
  member_name: string;
  raft_addr: string;
  /** A running service and its running tasks. */
  service: string;
  task_ids: readonly string[];
  /** A finished job: scaling it is refused. */
  job: string;
  /** A configured role: weight 2, guarantee cpus 1, limit cpus 4 and 1 GiB. */
  role: string;
  kv_key: string;
  kv_modify_index: number;
}

/** An id no real object has: it starts with "zz", which no real id does. */
export function unknownName(r: Prng): string {
  return `zz-${r.u32().toString(16)}`;
}

/** A fresh lower-case name, valid wherever a name is asked for; used only in requests invalid for another reason. */
export function freshName(r: Prng): string {
  return `fz-new-${r.u32().toString(16)}`;
}
