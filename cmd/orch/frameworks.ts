// `orch frameworks`: the built-in and external (Mesos) frameworks, their roles, shares and tasks; inspect; teardown.
import type { Command } from "commander";
import { ago } from "../../internal/cli/units.js";
import type { FrameworkView } from "../../internal/server/http/frameworks.js";
import { clientOf, printJson, table } from "./context.js";

function connection(f: FrameworkView, now: number): string {
  if (f.kind === "builtin") return "built-in";
  if (f.connected) return "connected";
  return `disconnected ${ago(f.disconnected_at_ms, now)}`;
}

export function registerFrameworks(program: Command): void {
  const fw = program
    .command("frameworks")
    .description("list frameworks (built-in services and jobs, and Mesos frameworks): role, dominant share, tasks, connection")
    .option("--json", "print as JSON")
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const r = await clientOf(cmd).json<{ frameworks: FrameworkView[] }>("GET", "/v1/frameworks");
      if (o.json === true) return printJson(r.frameworks);
      const now = Date.now();
      process.stdout.write(
        table(
          ["ID", "NAME", "ROLES", "SHARE", "TASKS", "STATE"],
          r.frameworks.map((f) => [f.framework_id, f.name, f.roles.join(",") || "-", `${(f.dominant_share * 100).toFixed(1)}%`, String(f.tasks_active), connection(f, now)]),
        ),
      );
    });

  fw.command("inspect <id>")
    .description("one external framework: its info, filters and tasks (by id or name)")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      printJson(await clientOf(cmd).json("GET", `/v1/frameworks/${encodeURIComponent(id)}`));
    });

  fw.command("teardown <id>")
    .description("remove an external framework: its offers are rescinded and every task of it is killed")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await clientOf(cmd).json("POST", `/v1/frameworks/${encodeURIComponent(id)}/teardown`);
      process.stdout.write(`framework ${id} removed; its tasks are being killed\n`);
    });
}
