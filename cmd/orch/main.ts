// The orch command line: parses flags and calls into internal/. Exit codes: 0 ok, 1 failed, 2 usage.
import { Command, CommanderError } from "commander";
import { exit_failure, exit_usage, UsageError } from "../../internal/cli/errors.js";
import { version } from "../../internal/version.js";
import { addr_default, ClientError } from "../../internal/client/client.js";
import { registerDoctor } from "./doctor.js";
import { registerFrameworks } from "./frameworks.js";
import { registerKv } from "./kv.js";
import { registerMembers } from "./members.js";
import { registerServer } from "./server.js";
import { registerStatus } from "./status.js";
import { registerLogs } from "./logs.js";
import { registerPs } from "./ps.js";
import { registerRoles } from "./roles.js";
import { registerRun } from "./run.js";
import { registerAgent } from "./agent.js";
import { registerDev } from "./dev.js";
import { registerCompletion } from "./completion.js";
import { registerStop } from "./stop.js";

function buildProgram(): Command {
  const program = new Command("orch")
    .description("orch: a cluster manager in one executable (Raft on LevelDB, tasks as Docker containers)")
    .version(version, "-v, --version", "print the orch version")
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run `orch --help` to see the commands and their flags)")
    .option("--addr <addrs>", "server HTTP address(es) host:port,... for client commands [ORCH_ADDR]", process.env["ORCH_ADDR"] ?? addr_default)
    .exitOverride();
  registerDev(program);
  registerServer(program);
  registerAgent(program);
  registerRun(program);
  registerPs(program);
  registerRoles(program);
  registerLogs(program);
  registerStop(program);
  registerFrameworks(program);
  registerStatus(program);
  registerMembers(program);
  registerKv(program);
  registerDoctor(program);
  registerCompletion(program);
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  all(program).forEach((c) => c.exitOverride().showHelpAfterError(`(run \`${c.name() === "orch" ? "orch" : `orch ${c.name()}`} --help\` for usage)`));
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with code 0; commander already printed.
      if (err.exitCode === 0) return;
      process.exitCode = exit_usage;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`orch: ${err.message}\n`);
      process.exitCode = exit_usage;
      return;
    }
    if (err instanceof ClientError) {
      process.stderr.write(`orch: ${err.message}\n`);
      process.exitCode = exit_failure;
      return;
    }
    process.stderr.write(`orch: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = exit_failure;
  }
}

void main(process.argv);
