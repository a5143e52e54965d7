// `orch ps`, `orch services`, `orch nodes`: what runs where, as aligned tables or JSON.
import type { Command } from "commander";
import { ago, formatBytes, formatCpus } from "../../internal/cli/units.js";
import type { NodeView } from "../../internal/server/http/nodes.js";
import type { ServiceView } from "../../internal/server/http/services.js";
import type { TaskView } from "../../internal/server/http/tasks.js";
import { clientOf, printJson, table } from "./context.js";

const message_chars_max = 80;
const cut = (s: string): string => (s.length > message_chars_max ? `${s.slice(0, message_chars_max - 1)}…` : s);

export function registerPs(program: Command): void {
  program
    .command("ps")
    .description("list tasks: owning framework and role, state with its reason, node, and since when")
    .option("-a, --all", "include ended tasks")
    .option("--service <name>", "only this service's tasks")
    .option("--node <name>", "only tasks on this node")
    .option("--framework <id>", "only this framework's tasks (services, jobs, or a Mesos framework's id; see orch frameworks)")
    .option("-q, --quiet", "print only task ids")
    .option("--json", "print as JSON")
    .action(async (o: { all?: boolean; service?: string; node?: string; framework?: string; quiet?: boolean; json?: boolean }, cmd: Command) => {
      const all = await clientOf(cmd).json<{ tasks: TaskView[] }>("GET", "/v1/tasks", { query: { all: o.all === true, service: o.service, node: o.node } });
      const r = o.framework === undefined ? all : { tasks: all.tasks.filter((t) => t.framework_id === o.framework) };
      if (o.json === true) return printJson(r.tasks);
      if (o.quiet === true) return void process.stdout.write(r.tasks.map((t) => `${t.task_id}\n`).join(""));
      const now = Date.now();
      process.stdout.write(
        table(
          ["TASK", "SERVICE", "FRAMEWORK", "ROLE", "NODE", "STATE", "SINCE", "CPUS", "MEM", "PORTS", "MESSAGE"],
          r.tasks.map((t) => [
            t.task_id,
            t.service,
            t.framework_id ?? "-",
            t.role ?? "-",
            t.node_name,
            t.state.toLowerCase(),
            ago(t.updated_at_ms, now),
            formatCpus(t.spec.cpus),
            formatBytes(t.spec.memory_bytes),
            (t.ports ?? []).map((p) => `${p.host_ip}:${p.host_port}->${p.container_port}`).join(",") || "-",
            cut(t.state === "RUNNING" ? (t.desired === "stopped" ? "stopping" : "") : t.message),
          ]),
        ),
      );
    });

  program
    .command("services")
    .description("list services and jobs: role, desired and running counts, and why tasks wait")
    .option("--json", "print as JSON")
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const r = await clientOf(cmd).json<{ services: ServiceView[] }>("GET", "/v1/services");
      if (o.json === true) return printJson(r.services);
      const now = Date.now();
      process.stdout.write(
        table(
          ["NAME", "KIND", "ROLE", "IMAGE", "STATE", "RUNNING", "RESTARTS", "CREATED", "WAITING"],
          r.services.map((s) => [
            s.spec.name,
            s.spec.kind,
            s.spec.role,
            s.spec.image,
            s.state,
            s.spec.kind === "job" ? `${s.completions}/${s.spec.count} done` : `${s.tasks_running}/${s.spec.count}`,
            String(s.restarts),
            ago(s.created_at_ms, now),
            cut(s.pending_reason),
          ]),
        ),
      );
    });

  program
    .command("nodes")
    .description("list agent nodes: status, resources used/total, task counts")
    .option("--json", "print as JSON")
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const r = await clientOf(cmd).json<{ nodes: NodeView[] }>("GET", "/v1/nodes");
      if (o.json === true) return printJson(r.nodes);
      const now = Date.now();
      process.stdout.write(
        table(
          ["NAME", "STATUS", "CPUS", "MEMORY", "TASKS", "ADDRESS", "SINCE", "ID"],
          r.nodes.map((n) => [
            n.name,
            n.status,
            `${formatCpus(n.used.cpus)}/${formatCpus(n.resources.cpus)}`,
            `${formatBytes(n.used.memory_bytes)}/${formatBytes(n.resources.memory_bytes)}`,
            String(n.tasks_active),
            n.http_addr,
            `${n.status_reason} ${ago(n.status_at_ms, now)}`,
            n.node_id,
          ]),
        ),
      );
    });
}
