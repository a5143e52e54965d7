// What the servers say about themselves: the current leader, catch-up, readiness.
import { getJson, type StatusBody } from "./http.js";
import { waitFor } from "./sh.js";

/** Bound on one status probe during faults (a paused server must not stall the nemesis). */
const status_probe_ms = 2_000;

export async function statuses(addrs: ReadonlyMap<string, string>): Promise<Map<string, StatusBody>> {
  const out = new Map<string, StatusBody>();
  await Promise.all(
    [...addrs].map(async ([name, addr]) => {
      const s = await getJson<StatusBody>(addr, "/v1/status", status_probe_ms);
      if (s !== undefined) out.set(name, s);
    }),
  );
  return out;
}

/** The leader that the server with the highest term names, if it names itself too. */
export async function currentLeader(addrs: ReadonlyMap<string, string>): Promise<string | undefined> {
  const sts = [...(await statuses(addrs)).values()].filter((s) => s.state === "Leader");
  sts.sort((a, b) => b.term - a.term);
  return sts[0]?.self.name;
}

/** Waits until a majority of servers agree on one leader; undefined after timeout_ms. */
export async function waitLeader(addrs: ReadonlyMap<string, string>, timeout_ms: number): Promise<string | undefined> {
  return waitFor(async () => {
    const sts = [...(await statuses(addrs)).values()];
    const votes = new Map<string, number>();
    for (const s of sts) if (s.leader !== null) votes.set(s.leader.name, (votes.get(s.leader.name) ?? 0) + 1);
    for (const [name, n] of votes) if (n > addrs.size / 2) return name;
    return undefined;
  }, timeout_ms);
}

/** Waits until every server answers and all have applied the same index, twice in a row. */
export async function waitConverged(addrs: ReadonlyMap<string, string>, timeout_ms: number): Promise<number | undefined> {
  let last = -1;
  return waitFor(async () => {
    const sts = [...(await statuses(addrs)).values()];
    if (sts.length !== addrs.size) return undefined;
    const applied = new Set(sts.map((s) => s.applied_index));
    const commits = new Set(sts.map((s) => s.commit_index));
    if (applied.size !== 1 || commits.size !== 1) return undefined;
    const index = sts[0]!.applied_index;
    if (index !== last) {
      last = index;
      return undefined;
    }
    return index;
  }, timeout_ms, 500);
}
