// Resident memory of server processes from /proc: a reading now, and the peak seen by a sampler.
import { readFileSync } from "node:fs";
import { round } from "./stats.js";

const rss_sample_ms = 250;

/** VmRSS (now) or VmHWM (the kernel's peak) of a live process in MiB; undefined once it is gone. */
export function procStatusMiB(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? undefined : round(Number(m[1]) / 1024, 1);
  } catch {
    return undefined;
  }
}

export class RssSampler {
  readonly peak_mib = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: number[]) {
    this.timer = setInterval(() => this.sample(), rss_sample_ms);
    this.sample();
  }

  sample(): void {
    for (const pid of this.pids) {
      const v = procStatusMiB(pid, "VmRSS");
      if (v !== undefined) this.peak_mib.set(pid, Math.max(this.peak_mib.get(pid) ?? 0, v));
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
