// Reads Mesos resource lists as the amounts orch schedules: cpus, mem and disk (MB), port ranges.
import type { Range } from "./types-common.js";
import type { Resource } from "./types-resource.js";

/** Scalars compare at Mesos's precision (three decimals), so 0.1 + 0.2 fits in 0.3. */
const milli = 1000;

export interface Amounts {
  /** Thousandths of a core. */
  cpus_milli: number;
  /** Thousandths of a MB (MiB), as Mesos counts mem and disk. */
  mem_mb_milli: number;
  disk_mb_milli: number;
  /** Sorted, merged, inclusive. */
  ports: Range[];
}

export const no_amounts: Amounts = { cpus_milli: 0, mem_mb_milli: 0, disk_mb_milli: 0, ports: [] };

/** The resources orch offers; a task asking for any other name cannot run here. */
export const known_resources = ["cpus", "mem", "disk", "ports"] as const;

/** Adds a resource list up; the first problem in Mesos's terms when one cannot be read. */
export function amountsOf(resources: readonly Resource[]): Amounts | string {
  let sum = no_amounts;
  for (const r of resources) {
    if (r.name === "ports") {
      if (r.type !== "RANGES" || r.ranges === undefined) return "Resource 'ports' must be of type RANGES with 'ranges' set";
      for (const range of r.ranges.range ?? []) {
        if (range.begin > range.end) return `Resource 'ports' has the range [${range.begin}-${range.end}], which ends before it begins`;
      }
      sum = { ...sum, ports: mergeRanges([...sum.ports, ...(r.ranges.range ?? [])]) };
      continue;
    }
    if (r.type !== "SCALAR" || r.scalar === undefined) return `Resource '${r.name}' must be of type SCALAR with 'scalar' set`;
    const value = r.scalar.value;
    if (!Number.isFinite(value) || value < 0) return `Resource '${r.name}' has the value ${value}; give a finite number of at least 0`;
    const scaled = Math.round(value * milli);
    if (r.name === "cpus") sum = { ...sum, cpus_milli: sum.cpus_milli + scaled };
    else if (r.name === "mem") sum = { ...sum, mem_mb_milli: sum.mem_mb_milli + scaled };
    else if (r.name === "disk") sum = { ...sum, disk_mb_milli: sum.disk_mb_milli + scaled };
    else if (value > 0) return `Resource '${r.name}' is not offered by orch (it offers ${known_resources.join(", ")})`;
  }
  return sum;
}

export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.begin <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ begin: r.begin, end: r.end });
  }
  return out;
}

export function portCount(ranges: readonly Range[]): number {
  return ranges.reduce((n, r) => n + (r.end - r.begin + 1), 0);
}

export function rangesContain(outer: readonly Range[], inner: readonly Range[]): boolean {
  return inner.every((r) => outer.some((o) => o.begin <= r.begin && r.end <= o.end));
}

/** outer − inner, for ranges already known to be contained. */
export function subtractRanges(outer: readonly Range[], inner: readonly Range[]): Range[] {
  let out = outer.map((r) => ({ ...r }));
  for (const cut of inner) {
    out = out.flatMap((r) => {
      if (cut.end < r.begin || cut.begin > r.end) return [r];
      const parts: Range[] = [];
      if (r.begin < cut.begin) parts.push({ begin: r.begin, end: cut.begin - 1 });
      if (cut.end < r.end) parts.push({ begin: cut.end + 1, end: r.end });
      return parts;
    });
  }
  return out;
}
