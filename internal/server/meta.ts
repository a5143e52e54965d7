// What a server keeps about itself beside its Raft log, and the checks made at start-up.

export interface ServerMeta {
  format: 1;
  cluster_id: string;
  node_id: number;
  name: string;
  /** The --bootstrap list this server started with, if it bootstrapped. */
  bootstrap?: string;
  /** Where it listened last time, so a restart needs only the data folder. */
  listen?: { bind: string; advertise: string; http_port: number; raft_port: number };
  /** Raft addresses of the members when it joined, until its log holds them. */
  peers?: { id: number; raft_addr: string }[];
}

export function isServerMeta(v: unknown): v is ServerMeta {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  return m["format"] === 1 && typeof m["cluster_id"] === "string" && typeof m["node_id"] === "number" && typeof m["name"] === "string";
}
