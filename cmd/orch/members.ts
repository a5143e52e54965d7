// `orch members [remove NAME]`: the servers of the cluster with role, term, commit and applied index,
// and the command-set version each announced (a new command type is written only once all know it).
import type { Command } from "commander";
import type { StatusBody } from "../../internal/server/http/view.js";
import { clientOf, printJson, table } from "./context.js";

/** Bound on asking one member for its own status. */
const member_status_timeout_ms = 2_000;

async function memberStatus(http_addr: string): Promise<StatusBody | undefined> {
  if (http_addr === "") return undefined;
  try {
    const res = await fetch(`http://${http_addr}/v1/status`, { signal: AbortSignal.timeout(member_status_timeout_ms) });
    return res.ok ? ((await res.json()) as StatusBody) : undefined;
  } catch {
    return undefined;
  }
}

export function registerMembers(program: Command): void {
  const members = program
    .command("members")
    .description("list the servers of the cluster: role, term, commit and applied index")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const st = await clientOf(cmd).json<StatusBody>("GET", "/v1/status");
      const each = await Promise.all(st.members.map((m) => memberStatus(m.http_addr)));
      const rows = st.members.map((m, i) => ({ ...m, status: each[i] }));
      if (opts.json === true) {
        return printJson(rows.map((r) => ({ ...r, status: undefined, reachable: r.status !== undefined, state: r.status?.state, term: r.status?.term, commit_index: r.status?.commit_index, applied_index: r.status?.applied_index })));
      }
      process.stdout.write(
        table(
          ["NAME", "ID", "ROLE", "STATE", "TERM", "COMMIT", "APPLIED", "CMD-SET", "RAFT", "HTTP"],
          rows.map((r) => [
            r.name,
            String(r.id),
            r.role,
            // A member announces its HTTP address once it hears a leader; until then it cannot be asked.
            r.status?.state.toLowerCase() ?? (r.http_addr === "" ? "no-address-yet" : "unreachable"),
            String(r.status?.term ?? "-"),
            String(r.status?.commit_index ?? "-"),
            String(r.status?.applied_index ?? "-"),
            // The command-set version the server announced; "-" until it does (it counts as the oldest).
            String(r.command_set_version ?? "-"),
            r.raft_addr,
            r.http_addr === "" ? "-" : r.http_addr,
          ]),
        ),
      );
    });

  members
    .command("remove <name>")
    .description("remove a server from the cluster (it stops; its data folder is left)")
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const r = await clientOf(cmd).json<{ id: number; name: string }>("DELETE", `/v1/members/${encodeURIComponent(name)}`);
      process.stdout.write(`removed ${r.name} (id ${r.id})\n`);
    });
}
