// The bootstrap peer list ("s1=10.0.0.1:4641,s2=..."), the node ids it implies and the
// cluster id it names: every initial server must be given the same list.
import { createHash } from "node:crypto";
import { UsageError } from "../cli/errors.js";

export interface Peer {
  name: string;
  /** host:port of the peer's Raft transport. */
  raft_addr: string;
}

/** Bound on the size of a bootstrap list; larger clusters grow by --join. */
export const bootstrap_peers_max = 9;
const name_pattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export function validName(flag: string, name: string): string {
  if (!name_pattern.test(name)) {
    throw new UsageError(`${flag} ${JSON.stringify(name)} is not a server name: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return name;
}

export function parseHostPort(flag: string, raw: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(raw.trim());
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || !(port >= 1 && port <= 65535)) {
    throw new UsageError(`${flag}: ${JSON.stringify(raw)} is not host:port (for example 10.0.0.1:4641)`);
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

export function parseBootstrap(raw: string): Peer[] {
  const parts = raw.split(",").map((p) => p.trim()).filter((p) => p !== "");
  if (parts.length === 0) throw new UsageError(`--bootstrap is empty: give the initial servers as name=host:port,name=host:port,...`);
  if (parts.length > bootstrap_peers_max) {
    throw new UsageError(`--bootstrap lists ${parts.length} servers; at most ${bootstrap_peers_max} bootstrap together (add more later with orch server --join)`);
  }
  const peers = parts.map((p) => {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new UsageError(`--bootstrap: ${JSON.stringify(p)} is not name=host:port (for example s1=10.0.0.1:4641)`);
    const name = validName("--bootstrap", p.slice(0, eq));
    const { host, port } = parseHostPort("--bootstrap", p.slice(eq + 1));
    return { name, raft_addr: formatHostPort(host, port) };
  });
  const seen = new Set<string>();
  for (const p of peers) {
    if (seen.has(p.name)) throw new UsageError(`--bootstrap names ${p.name} twice: every server needs its own name`);
    seen.add(p.name);
  }
  const addrs = new Set(peers.map((p) => p.raft_addr));
  if (addrs.size !== peers.length) throw new UsageError(`--bootstrap gives one address to two servers: every server needs its own host:port`);
  return peers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Node ids follow the sorted names, so every server computes the same ones. */
export function bootstrapIds(peers: readonly Peer[]): Map<string, number> {
  return new Map(peers.map((p, i) => [p.name, i + 1]));
}

export function clusterIdOf(peers: readonly Peer[]): string {
  const h = createHash("sha256");
  h.update("orch-cluster-v1\n");
  for (const p of peers) h.update(`${p.name}=${p.raft_addr}\n`);
  return h.digest("hex").slice(0, 16);
}
