// Parses a peer address "host:port" or "[v6]:port" once, with an error that shows the bad value.
import { TransportConfigError } from "./errors.js";

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export function parseAddress(address: string): PeerAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  const port = m ? Number(m[3]) : NaN;
  const host = m ? (m[1] ?? m[2]) : undefined;
  if (host === undefined || !(port >= 1 && port <= 65535)) {
    throw new TransportConfigError(`peer address ${JSON.stringify(address)} is not "host:port" or "[ipv6]:port" with a port in 1..65535`);
  }
  return { host, port };
}

export function formatAddress(a: PeerAddress): string {
  return a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
