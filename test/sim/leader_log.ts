// A compact copy of a new leader's log (terms only, run-length encoded) for leader completeness.
import type { Storage } from "../../raft/index.js";

/** Terms in a Raft log never decrease, so one run per term change keeps this small. */
export interface LeaderLog {
  readonly nodeId: number;
  readonly term: number;
  /** Entries at or below this index were compacted; only its term is known. */
  readonly snapIndex: number;
  readonly snapTerm: number;
  readonly lastIndex: number;
  readonly runs: ReadonlyArray<{ readonly start: number; readonly term: number }>;
  /** Highest index already checked against the committed entries. */
  checkedIndex: number;
}

export function captureLeaderLog(nodeId: number, term: number, storage: Storage): LeaderLog {
  const snapIndex = storage.firstIndex() - 1;
  const lastIndex = storage.lastIndex();
  const runs: Array<{ start: number; term: number }> = [];
  for (let index = snapIndex + 1; index <= lastIndex; index += 1) {
    const entryTerm = storage.term(index);
    const last = runs[runs.length - 1];
    if (last === undefined || last.term !== entryTerm) runs.push({ start: index, term: entryTerm });
  }
  return { nodeId, term, snapIndex, snapTerm: storage.term(snapIndex), lastIndex, runs, checkedIndex: snapIndex };
}

/** The term at `index` in the captured log, "compacted" below the snapshot, "missing" past the end. */
export function termAt(log: LeaderLog, index: number): number | "compacted" | "missing" {
  if (index < log.snapIndex) return "compacted";
  if (index === log.snapIndex) return log.snapTerm;
  if (index > log.lastIndex) return "missing";
  let found: number | "missing" = "missing";
  for (const run of log.runs) {
    if (run.start > index) break;
    found = run.term;
  }
  return found;
}
