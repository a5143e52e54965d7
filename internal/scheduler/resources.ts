// Resource arithmetic in exact integer units (thousandths of a cpu, bytes) and human formatting.
import type { Resources } from "./types.js";

/** cpus are counted in thousandths so that sums of 0.1 never drift; 1 cpu = 1000 millicpus. */
export const millicpus_per_cpu = 1000;

/** Resources in exact units; mutable so hot loops add and subtract in place. */
export interface Amount {
  cpu_millis: number;
  memory_bytes: number;
  disk_bytes: number;
}

export const dims = ["cpu_millis", "memory_bytes", "disk_bytes"] as const;
export type Dim = (typeof dims)[number];

/** The word a person reads for each dimension. */
export const dim_names: Record<Dim, string> = { cpu_millis: "cpus", memory_bytes: "memory", disk_bytes: "disk" };

export function toAmount(r: Resources): Amount {
  return {
    cpu_millis: Math.round(r.cpus * millicpus_per_cpu),
    memory_bytes: r.memory_bytes,
    disk_bytes: r.disk_bytes,
  };
}

export function toResources(a: Amount): Resources {
  return { cpus: a.cpu_millis / millicpus_per_cpu, memory_bytes: a.memory_bytes, disk_bytes: a.disk_bytes };
}

export function zeroAmount(): Amount {
  return { cpu_millis: 0, memory_bytes: 0, disk_bytes: 0 };
}

export function addInto(into: Amount, a: Amount): void {
  into.cpu_millis += a.cpu_millis;
  into.memory_bytes += a.memory_bytes;
  into.disk_bytes += a.disk_bytes;
}

export function subInto(into: Amount, a: Amount): void {
  into.cpu_millis -= a.cpu_millis;
  into.memory_bytes -= a.memory_bytes;
  into.disk_bytes -= a.disk_bytes;
}

export function fitsIn(need: Amount, free: Amount): boolean {
  return need.cpu_millis <= free.cpu_millis && need.memory_bytes <= free.memory_bytes && need.disk_bytes <= free.disk_bytes;
}

/** Why `r` is not a valid amount, or undefined when it is: finite, not negative, bytes whole. */
export function resourcesProblem(r: Resources | undefined, what: string): string | undefined {
  if (r == null || typeof r !== "object") return `${what} are missing`;
  if (typeof r.cpus !== "number" || !Number.isFinite(r.cpus) || r.cpus < 0) {
    return `${what}: cpus must be a finite number >= 0 (got ${String(r.cpus)})`;
  }
  for (const k of ["memory_bytes", "disk_bytes"] as const) {
    const v = r[k];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      return `${what}: ${k} must be a whole number of bytes >= 0 (got ${String(v)})`;
    }
  }
  return undefined;
}

const byte_units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** 536870912 → "512 MiB", 1610612736 → "1.5 GiB". */
export function formatBytes(bytes: number): string {
  let v = bytes;
  let unit = 0;
  while (Math.abs(v) >= 1024 && unit < byte_units.length - 1) {
    v /= 1024;
    unit++;
  }
  const shown = Number.isInteger(v) ? String(v) : String(Number(v.toFixed(1)));
  return `${shown} ${byte_units[unit] ?? "B"}`;
}

export function formatCpus(cpu_millis: number): string {
  const cpus = cpu_millis / millicpus_per_cpu;
  return `${cpus} ${cpus === 1 ? "cpu" : "cpus"}`;
}

/** One dimension of an amount as a person reads it: "2 cpus", "512 MiB memory", "10 GiB disk". */
export function formatDim(dim: Dim, value: number): string {
  if (dim === "cpu_millis") return formatCpus(value);
  return `${formatBytes(value)} ${dim_names[dim]}`;
}

/** The non-zero parts of an amount: "2 cpus, 512 MiB memory". */
export function formatAmount(a: Amount): string {
  const parts = dims.filter((d) => a[d] > 0).map((d) => formatDim(d, a[d]));
  return parts.length > 0 ? parts.join(", ") : "no resources";
}
