// Parsers for resource amounts given by a person (--cpus, --mem): each error names the flag, the value and what is accepted.
import { UsageError } from "../cli/errors.js";

const unit_bytes: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** "512m", "1g", "1.5g", "1073741824" → bytes (binary units: 1k = 1024). */
export function parseBytes(flag: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(raw.trim());
  const factor = match === null ? undefined : unit_bytes[(match[2] ?? "").toLowerCase()];
  if (match === null || factor === undefined) {
    throw new UsageError(
      `${flag} ${JSON.stringify(raw)} is not an amount of memory: give a number with an optional unit k, m, g or t ` +
        `(binary, e.g. 512m, 1g, 1.5g) or plain bytes (1073741824)`,
    );
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${flag} ${raw} is too large: give at most ${Number.MAX_SAFE_INTEGER} bytes`);
  return bytes;
}

/** "2", "0.5" → fractional CPUs; at least `min`. */
export function parseCpus(flag: string, raw: string, min = 0): number {
  const trimmed = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new UsageError(`${flag} ${JSON.stringify(raw)} is not a number of CPUs: give a decimal such as 2 or 0.5`);
  }
  const cpus = Number(trimmed);
  if (cpus < min) throw new UsageError(`${flag} ${raw} is too small: give at least ${min}`);
  return cpus;
}

export function formatBytes(bytes: number): string {
  for (const [unit, size] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`;
  }
  return `${bytes} B`;
}
