// `orch roles [set ROLE]`: fair-share roles with their weight, guarantee and limit (quota).
import type { Command } from "commander";
import type { RoleChange, RoleView } from "../../internal/api/roles.js";
import { UsageError } from "../../internal/cli/errors.js";
import { formatRoleResources, parseRoleResources } from "../../internal/cli/resources.js";
import { clientOf, printJson, table } from "./context.js";

/** The server's bound (PUT /v1/roles refuses more); checked here too so the error is a usage error. */
const weight_max = 1000;

function parseWeight(raw: string): number {
  const v = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(v > 0) || v > weight_max) throw new UsageError(`--weight ${JSON.stringify(raw)}: give a number above 0 and at most ${weight_max}, e.g. 2`);
  return v;
}

function describeRole(r: RoleView): string {
  return `${r.role}: weight ${r.weight}, guarantee ${formatRoleResources(r.guarantee)}, limit ${formatRoleResources(r.limit)}\n`;
}

export function registerRoles(program: Command): void {
  const roles = program
    .command("roles")
    .description("list roles: weight, guarantee, limit (quota), what their tasks hold, who uses them")
    .option("--json", "print as JSON")
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const all = await clientOf(cmd).roles();
      if (o.json === true) return printJson(all);
      process.stdout.write(
        table(
          ["ROLE", "WEIGHT", "GUARANTEE", "LIMIT", "USED", "TASKS", "SERVICES", "FRAMEWORKS"],
          all.map((r) => [
            r.role,
            String(r.weight),
            formatRoleResources(r.guarantee),
            formatRoleResources(r.limit),
            formatRoleResources(r.tasks_active === 0 ? {} : { cpus: r.used.cpus, memory_bytes: r.used.memory_bytes }),
            String(r.tasks_active),
            String(r.services),
            String(r.frameworks.length),
          ]),
        ),
      );
    });

  roles
    .command("set <role>")
    .description("set a role's weight, guarantee or limit; what is not given is kept")
    .option("--weight <n>", "fair-share weight above 0: weight 2 is entitled to twice the share of weight 1 (default 1)")
    .option("--quota <resources>", "the limit: the most the role's tasks may hold, e.g. cpus=8,mem=16g,disk=100g; none clears it")
    .option("--guarantee <resources>", "what the role is promised, at most its limit, e.g. cpus=2,mem=4g; none clears it")
    .option("--json", "print the role as JSON")
    .addHelpText(
      "after",
      `
Examples:
  orch roles set batch --weight 2 --quota cpus=8,mem=16g
  orch roles set batch --guarantee cpus=2,mem=4g
  orch roles set batch --quota none          (no limit)`,
    )
    .action(async (role: string, o: { weight?: string; quota?: string; guarantee?: string; json?: boolean }, cmd: Command) => {
      const change: RoleChange = {};
      if (o.weight !== undefined) change.weight = parseWeight(o.weight);
      if (o.guarantee !== undefined) change.guarantee = parseRoleResources("--guarantee", o.guarantee);
      if (o.quota !== undefined) change.limit = parseRoleResources("--quota", o.quota);
      if (Object.keys(change).length === 0) throw new UsageError("give --weight, --quota or --guarantee: nothing would change");
      const r = await clientOf(cmd).setRole(role, change);
      // `orch roles set X --json`: commander may hand --json to `roles` itself.
      if (o.json === true || cmd.optsWithGlobals<{ json?: boolean }>().json === true) printJson(r);
      else process.stdout.write(describeRole(r));
    });
}
