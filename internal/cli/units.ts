// Byte and CPU amounts as people write them (1g, 512m, 0.5), parsed and printed the same way everywhere.
import { UsageError } from "./errors.js";

const unit_bytes: Record<string, number> = { "": 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4 };

/** "1g", "512m", "1.5GiB", "1073741824" → bytes (binary units, as docker run -m). */
export function parseBytes(flag: string, raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(raw);
  const unit = m?.[2]?.toLowerCase();
  if (m === null || unit === undefined || !(unit in unit_bytes)) {
    throw new UsageError(`${flag} ${JSON.stringify(raw)} is not an amount of memory: write it like 512m, 1g, 1.5g or a number of bytes`);
  }
  const bytes = Math.round(Number(m[1]) * unit_bytes[unit]!);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`${flag} ${raw} must be more than 0 bytes`);
  return bytes;
}

/** "0.5", "2", "250m" (millicpus, as Kubernetes) → CPUs. */
export function parseCpus(flag: string, raw: string): number {
  const milli = /^\s*(\d+)m\s*$/.exec(raw);
  const v = milli !== null ? Number(milli[1]) / 1000 : /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(v)) throw new UsageError(`${flag} ${JSON.stringify(raw)} is not a CPU amount: write it like 0.5, 2 or 250m`);
  if (v <= 0) throw new UsageError(`${flag} ${raw} must be more than 0 CPUs`);
  return Math.round(v * 1000) / 1000;
}

/** Bytes as the shortest exact-enough binary unit: 536870912 → "512m", 1610612736 → "1.5g". */
export function formatBytes(bytes: number): string {
  for (const [u, n] of [["t", 1024 ** 4], ["g", 1024 ** 3], ["m", 1024 ** 2], ["k", 1024]] as const) {
    if (bytes >= n) {
      const v = bytes / n;
      return `${Number.isInteger(v) ? v : v.toFixed(v < 10 ? 2 : 1).replace(/\.?0+$/, "")}${u}`;
    }
  }
  return `${bytes}b`;
}

export function formatCpus(cpus: number): string {
  return String(Math.round(cpus * 1000) / 1000);
}

/** "44 seconds ago", "3 minutes ago": how long since `then_ms`. */
export function ago(then_ms: number, now_ms = Date.now()): string {
  const s = Math.max(0, Math.round((now_ms - then_ms) / 1000));
  const say = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? "" : "s"} ago`;
  if (s < 60) return say(s, "second");
  if (s < 3600) return say(Math.floor(s / 60), "minute");
  if (s < 86400) return say(Math.floor(s / 3600), "hour");
  return say(Math.floor(s / 86400), "day");
}

/** "30s", "5m", "500ms", "10" (seconds) → ms. */
export function parseDuration(flag: string, raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(raw);
  if (m === null) throw new UsageError(`${flag} ${JSON.stringify(raw)}: write a duration like 500ms, 30s, 5m`);
  const ms = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Math.round(ms);
}
