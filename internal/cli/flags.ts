// Parsers for CLI flag values; each error names the flag, the bad value and what is accepted.
import { UsageError } from "./errors.js";

export function parsePort(flag: string, raw: string): number {
  if (!/^\d{1,5}$/.test(raw.trim())) {
    throw new UsageError(`${flag} ${JSON.stringify(raw)} is not a port: give a whole number from 1 to 65535`);
  }
  const n = Number(raw.trim());
  if (n < 1 || n > 65535) throw new UsageError(`${flag} ${raw} is out of range: give a port from 1 to 65535`);
  return n;
}

export function parseHost(flag: string, raw: string): string {
  const host = raw.trim();
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (ipv4 !== null && ipv4.slice(1).every((o) => Number(o) <= 255)) return host;
  const dottedNumbers = /^[\d.]+$/.test(host);
  if (/^[0-9a-fA-F:]+$/.test(host) && host.includes(":")) return host;
  if (!dottedNumbers && /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,252})$/.test(host)) return host;
  throw new UsageError(`${flag} ${JSON.stringify(raw)} is not an address: give an IP such as 127.0.0.1 or 0.0.0.0, or a host name`);
}

export function parseNonEmpty(flag: string, raw: string): string {
  if (raw.trim() === "") throw new UsageError(`${flag} is empty: give a value`);
  return raw;
}
