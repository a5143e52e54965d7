// The shape of one doctor check and how a list of them is judged.

export interface CheckResult {
  /** Short stable name, e.g. "docker", "data_dir", "port_http". */
  name: string;
  ok: boolean;
  /** What was found, for a person: "API 1.41 (Docker 20.10.24)". */
  detail: string;
  /** When not ok: the next step that fixes it. */
  fix?: string;
  /** Machine-readable facts found by the check (versions, paths). */
  facts?: Record<string, string | number | boolean>;
}

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

export function judge(checks: CheckResult[]): DoctorReport {
  return { ok: checks.every((c) => c.ok), checks };
}
