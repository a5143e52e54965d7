// The end-of-run report: faults by kind, operations by outcome, every check's verdict, the seed.
import type { Verdict } from "./checks.js";

export interface Summary {
  seed: number;
  servers: number;
  minutes: number;
  wall_s: number;
  faults: Record<string, number>;
  faultEvents: number;
  diskFull: string[];
  kv: { acknowledged: number; failed: number; indeterminate: number; checked: number; keys: number; unknownReasons: Record<string, number> };
  services: { acknowledged: number; refused: number; indeterminate: number; run: number; scale: number; stop: number; refusedReasons: Record<string, number> };
  verdicts: Verdict[];
  ok: boolean;
  runDir: string;
  terms: number[];
}

export function formatSummary(s: Summary): string {
  const lines: string[] = [];
  lines.push(`== chaos summary: seed ${s.seed}, ${s.servers} servers, ${s.minutes} min of faults, ${s.wall_s} s in all`);
  const kinds = Object.entries(s.faults).sort();
  lines.push(`faults injected: ${s.faultEvents}${kinds.length > 0 ? ` (${kinds.map(([k, n]) => `${k} ${n}`).join(", ")})` : ""}`);
  for (const d of s.diskFull) lines.push(`  disk full: ${d}`);
  lines.push(`kv operations: ${s.kv.acknowledged} acknowledged, ${s.kv.failed} failed reads, ${s.kv.indeterminate} indeterminate writes; ${s.kv.checked} checked over ${s.kv.keys} keys`);
  const reasons = Object.entries(s.kv.unknownReasons).sort((a, b) => b[1] - a[1]);
  if (reasons.length > 0) lines.push(`  no definite answer because: ${reasons.slice(0, 6).map(([r, n]) => `${r} ×${n}`).join(", ")}`);
  lines.push(`service operations: ${s.services.run} run, ${s.services.scale} scale, ${s.services.stop} stop; ${s.services.acknowledged} acknowledged, ${s.services.refused} refused, ${s.services.indeterminate} indeterminate`);
  const refused = Object.entries(s.services.refusedReasons).sort((a, b) => b[1] - a[1]);
  if (refused.length > 0) lines.push(`  refused because: ${refused.slice(0, 6).map(([r, n]) => `${r} ×${n}`).join(", ")}`);
  for (const v of s.verdicts) lines.push(`${v.ok ? "PASS" : "FAIL"} ${v.name}: ${v.detail}`);
  lines.push(s.ok ? `chaos: all checks passed (seed ${s.seed})` : `chaos: FAILED; replay with: bash scripts/chaos.sh --seed ${s.seed} --minutes ${s.minutes} --servers ${s.servers}`);
  return lines.join("\n");
}
