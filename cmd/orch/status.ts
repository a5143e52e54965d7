// `orch status`: the cluster as one server sees it: leader, term, indexes, members.
import type { Command } from "commander";
import type { StatusBody } from "../../internal/server/http/view.js";
import { clientOf, printJson } from "./context.js";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("show the cluster's leader, term and indexes as the server at --addr sees them")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const st = await clientOf(cmd).json<StatusBody>("GET", "/v1/status");
      if (opts.json === true) return printJson(st);
      const voters = st.members.filter((m) => m.role === "voter").length;
      process.stdout.write(
        [
          `cluster   ${st.cluster_id}`,
          `server    ${st.self.name} (id ${st.self.id}, ${st.state.toLowerCase()})`,
          `leader    ${st.leader === null ? "none elected" : `${st.leader.name} (id ${st.leader.id}) at ${st.leader.http_addr || "?"}`}`,
          `term      ${st.term}`,
          `indexes   commit ${st.commit_index}, applied ${st.applied_index}, last ${st.last_index}, snapshot ${st.snapshot_index}`,
          `members   ${st.members.length} (${voters} voters${st.members.length > voters ? `, ${st.members.length - voters} learners` : ""})`,
        ].join("\n") + "\n",
      );
    });
}
