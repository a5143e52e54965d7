// What the load generator needs from a replicated KV store, so orch and etcd are driven by one code path.
export interface Member {
  name: string;
  client_port: number;
  /** undefined while the member is down. */
  pid: number | undefined;
}

/** What closed-loop writers need: where to send, and how a write looks. */
export interface LoadTarget {
  members(): Member[];
  /** The request that writes value under key through the given member. */
  putRequest(member: Member, key: string, value: Buffer): { method: "PUT" | "POST"; port: number; path: string; body: Buffer; content_type: string };
}

export interface KvSystem extends LoadTarget {
  readonly name: "orch" | "etcd";
  /** The leader every live member agrees on, waiting up to the system's bound. */
  waitLeader(): Promise<string>;
  kill9(name: string): void;
  /** argv of the system's own command-line client putting key=value, given member names in the order to try them. */
  cliPut(members: readonly string[], key: string, value: string): string[];
  /** argv of the same client doing nothing but start (its start-up time). */
  cliVersion(): string[];
  /** Whether key holds value, read linearizably through the leader; undefined if that could not be read. */
  holds(key: string, value: string): Promise<boolean | undefined>;
  /** Starts a killed member again from its data folder and waits until all agree on a leader. */
  restart(name: string): Promise<void>;
  /** Warnings and errors from the members' logs (a short sample), for the report. */
  logDigest(): Promise<{ lines_total: number; warn_or_error: number; sample: string[] }>;
  /** Copies every member's log into dir (for --keep-logs). */
  saveLogs(dir: string): Promise<void>;
  destroy(): Promise<void>;
}
