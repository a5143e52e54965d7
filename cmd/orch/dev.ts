// `orch dev`: a one-machine cluster in one process (a server and an agent), state kept in a local folder.
import path from "node:path";
import type { Command } from "commander";
import type { Agent } from "../../internal/agent/agent.js";
import { agent_http_port_default } from "../../internal/agent/limits.js";
import { parseHost, parsePort } from "../../internal/cli/flags.js";
import { UsageError } from "../../internal/cli/errors.js";
import { parseBytes, parseCpus } from "../../internal/cli/units.js";
import { data_dir_default, http_port_default, raft_port_default } from "../../internal/defaults.js";
import { parseLogLevel, streamLogger } from "../../internal/log/logger.js";
import { formatHostPort } from "../../internal/server/peers.js";
import { untilStopped } from "./context.js";
import { loadAgent } from "./agent.js";
import { commandSetCap, loadServer, stopOnCommandSetGap } from "./server.js";

interface DevFlags {
  dataDir: string;
  bind: string;
  httpPort: string;
  raftPort: string;
  agentPort: string;
  driver: string;
  logLevel: string;
  cpus?: string;
  mem?: string;
}

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("run a single-machine cluster in one process: a server and an agent, state in --data-dir")
    .option("--data-dir <path>", "data folder (server/ and agent/ inside) [ORCH_DATA_DIR]", process.env["ORCH_DATA_DIR"] ?? data_dir_default)
    .option("--bind <address>", "address to listen on", "127.0.0.1")
    .option("--http-port <port>", "HTTP API port", String(http_port_default))
    .option("--raft-port <port>", "Raft port", String(raft_port_default))
    .option("--agent-port <port>", "the agent's port (task logs)", String(agent_http_port_default))
    .option("--driver <driver>", "docker, or mock (fake containers, for trying orch without Docker)", "docker")
    .option("--cpus <cpus>", "CPUs the node offers to tasks (default: this machine's, less a reserve)")
    .option("--mem <bytes>", "memory the node offers to tasks, e.g. 4g (default: this machine's, less a reserve)")
    .option("--log-level <level>", "debug, info, warn or error", "info")
    .addHelpText("after", "\nThen, in another terminal:\n  orch run --name hello busybox -- sh -c 'echo hello; sleep 3600'\n  orch ps\n  orch logs hello")
    .action(async (f: DevFlags) => {
      const log_level = parseLogLevel(f.logLevel);
      if (log_level === undefined) throw new UsageError(`--log-level ${JSON.stringify(f.logLevel)}: use debug, info, warn or error`);
      if (f.driver !== "docker" && f.driver !== "mock") throw new UsageError(`--driver ${JSON.stringify(f.driver)}: use docker or mock`);
      const bind = parseHost("--bind", f.bind);
      const http_port = parsePort("--http-port", f.httpPort);
      const raft_port = parsePort("--raft-port", f.raftPort);
      const agent_port = parsePort("--agent-port", f.agentPort);
      if (new Set([http_port, raft_port, agent_port]).size < 3) throw new UsageError("--http-port, --raft-port and --agent-port must differ");
      const cpus = f.cpus !== undefined ? parseCpus("--cpus", f.cpus) : undefined;
      const memory_bytes = f.mem !== undefined ? parseBytes("--mem", f.mem) : undefined;
      const logger = streamLogger(log_level);
      const cap = commandSetCap(process.env);
      const [{ Server }, { Agent }] = await Promise.all([loadServer(), loadAgent()]);
      const server = await Server.start({
        data_dir: path.join(f.dataDir, "server"),
        name: "dev",
        bind,
        advertise: bind === "0.0.0.0" ? "127.0.0.1" : bind,
        http_port,
        raft_port,
        bootstrap: [{ name: "dev", raft_addr: formatHostPort(bind === "0.0.0.0" ? "127.0.0.1" : bind, raft_port) }],
        ...(cap !== undefined ? { command_set_version: cap } : {}),
        logger,
      });
      let agent: Agent;
      try {
        agent = await Agent.start({
          join: [server.http_addr],
          data_dir: path.join(f.dataDir, "agent"),
          name: "dev",
          bind,
          advertise: bind === "0.0.0.0" ? "127.0.0.1" : bind,
          http_port: agent_port,
          driver: f.driver,
          ...(cpus !== undefined || memory_bytes !== undefined ? { resources: { ...(cpus !== undefined ? { cpus } : {}), ...(memory_bytes !== undefined ? { memory_bytes } : {}) } } : {}),
          logger,
        });
      } catch (err) {
        await server.stop();
        throw err;
      }
      process.stderr.write(`\norch dev is running: API at http://${server.http_addr}, data in ${path.resolve(f.dataDir)}\ntry: orch run --name hello busybox -- sh -c 'echo hello; sleep 3600'\n\n`);
      // Containers keep running; orch dev picks them up again at its next start.
      await untilStopped(
        logger,
        async () => {
          await agent.stop();
          await server.stop();
        },
        (stop) => stopOnCommandSetGap(server, stop),
      );
    });
}
