// What one launch measurement is, how subjects take turns, and the JSON lines they become.
import { emit, percentile, round } from "./stats.js";
import { sleep } from "./launch-proc.js";

/** Figures of one launch; wall_ms is always there, the rest depend on the subject. */
export type Figures = { wall_ms: number } & Record<string, number>;

export interface Subject {
  /** Short key used in the summary lines. */
  key: string;
  /** What a reader sees: the command or call measured. */
  name: string;
  /** Launches under a fresh tag (service name / label value) and measures. */
  launch(tag: string): Promise<Figures>;
  /** Removes everything the launch made, whatever happened. */
  clean(tag: string): Promise<void>;
}

/** Figure name → its values over the repetitions, for each subject key. */
export type Collected = Map<string, Map<string, number[]>>;

/**
 * Runs every subject `reps` times, interleaved: in repetition r the order starts at subject
 * r mod n, so none always goes first or follows the same neighbour. Prints one line per
 * launch and returns every figure for the summaries.
 */
export async function interleave(o: { part: string; subjects: Subject[]; reps: number; warmups: number; settle_ms: number; tagOf: (rep: number, key: string) => string }): Promise<Collected> {
  const out: Collected = new Map(o.subjects.map((s) => [s.key, new Map<string, number[]>()]));
  for (let rep = -o.warmups; rep < o.reps; rep++) {
    const n = o.subjects.length;
    const start = ((rep % n) + n) % n;
    for (let i = 0; i < n; i++) {
      const s = o.subjects[(start + i) % n]!;
      const tag = o.tagOf(rep, s.key);
      let figures: Figures;
      try {
        figures = await s.launch(tag);
      } finally {
        await s.clean(tag);
      }
      const rounded = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v, 1)]));
      emit({ bench: "launch", part: o.part, rep: rep < 0 ? "warmup" : rep + 1, subject: s.name, ...rounded });
      if (rep >= 0) {
        const m = out.get(s.key)!;
        for (const [k, v] of Object.entries(figures)) m.set(k, [...(m.get(k) ?? []), v]);
      }
      await sleep(o.settle_ms);
    }
  }
  return out;
}

/** p50 and p90 (nearest rank, as elsewhere in scripts/bench) of one figure. */
export function pcts(values: number[] | undefined): { p50: number; p90: number; n: number } {
  const sorted = [...(values ?? [])].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50), 1), p90: round(percentile(sorted, 90), 1), n: sorted.length };
}

/** One line per subject: p50/p90 of each of its figures. */
export function emitSubjectStats(part: string, subjects: Subject[], got: Collected): void {
  for (const s of subjects) {
    const line: Record<string, unknown> = { bench: "launch", part, subject: s.name, stat: "p50/p90" };
    for (const [k, v] of got.get(s.key) ?? []) {
      const p = pcts(v);
      line["runs"] = p.n;
      line[`${k}_p50`] = p.p50;
      line[`${k}_p90`] = p.p90;
    }
    emit(line);
  }
}
