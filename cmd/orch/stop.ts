// `orch stop NAME|TASK`, `orch scale NAME N`, `orch inspect NAME|TASK|NODE`.
import type { Command } from "commander";
import { UsageError } from "../../internal/cli/errors.js";
import type { ServiceView } from "../../internal/server/http/services.js";
import type { TaskView } from "../../internal/server/http/tasks.js";
import { clientOf, printJson } from "./context.js";

export function registerStop(program: Command): void {
  program
    .command("stop <name-or-task...>")
    .description("stop services or jobs by name (all their tasks), or single tasks by id (a service replaces them)")
    .action(async (refs: string[], _o: unknown, cmd: Command) => {
      const client = clientOf(cmd);
      for (const ref of refs) {
        const svc = await client.request("DELETE", `/v1/services/${encodeURIComponent(ref)}`);
        if (svc.ok) {
          process.stdout.write(`stopping ${ref}\n`);
          continue;
        }
        if (svc.status !== 404) {
          await client.json("DELETE", `/v1/services/${encodeURIComponent(ref)}`);
          continue;
        }
        const t = await client.request("DELETE", `/v1/tasks/${encodeURIComponent(ref)}`);
        if (t.status === 404) throw new Error(`no service or task named ${JSON.stringify(ref)}: orch ps and orch services list them`);
        if (!t.ok) await client.json("DELETE", `/v1/tasks/${encodeURIComponent(ref)}`);
        process.stdout.write(`stopping task ${ref}\n`);
      }
    });

  program
    .command("scale <name> <count>")
    .description("set a service's number of replicas")
    .action(async (name: string, count: string, _o: unknown, cmd: Command) => {
      if (!/^\d{1,5}$/.test(count)) throw new UsageError(`count ${JSON.stringify(count)}: give a whole number of replicas, e.g. 3`);
      const r = await clientOf(cmd).json<ServiceView>("POST", `/v1/services/${encodeURIComponent(name)}/scale`, { json: { count: Number(count) } });
      process.stdout.write(`${r.spec.name} scaled to ${r.spec.count}\n`);
    });

  program
    .command("inspect <name-task-or-node>")
    .description("everything orch knows about a service, task or node, as JSON")
    .action(async (ref: string, _o: unknown, cmd: Command) => {
      const client = clientOf(cmd);
      for (const path of [`/v1/services/${encodeURIComponent(ref)}`, `/v1/tasks/${encodeURIComponent(ref)}`, `/v1/nodes/${encodeURIComponent(ref)}`]) {
        const res = await client.request("GET", path);
        if (res.ok) return printJson((await res.json()) as ServiceView | TaskView);
      }
      throw new Error(`no service, task or node named ${JSON.stringify(ref)}`);
    });
}
