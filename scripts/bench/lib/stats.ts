// Percentiles, rounding and /proc readings (RSS, CPU time) for benchmark JSON lines, and the line itself.
import { readFileSync } from "node:fs";

/** One JSON line on stdout: every benchmark's output format. */
export function emit(line: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(line) + "\n");
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Resident memory of a live process in MiB, from /proc/PID/status VmRSS; undefined once it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? undefined : round(Number(m[1]) / 1024, 1);
  } catch {
    return undefined;
  }
}

const clock_ticks_per_s = 100; // USER_HZ on Linux x86-64

/** User+system CPU seconds a process has used so far, from /proc/PID/stat. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) / clock_ticks_per_s;
  } catch {
    return undefined;
  }
}
