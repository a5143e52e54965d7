// The orch command line: parses flags and calls into internal/. Exit codes: 0 ok, 1 failed, 2 usage.
import { Command, CommanderError } from "commander";
import { exit_failure, exit_usage, UsageError } from "../../internal/cli/errors.js";
import { version } from "../../internal/version.js";
import { addr_default, ClientError } from "../../internal/client/client.js";
import { modulesFor } from "./commands.js";

/** The program with the commands `args` needs (see modulesFor): a module loads only for its command. */
async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new Command("orch")
    .description("orch: a cluster manager in one executable (Raft on LevelDB, tasks as Docker containers)")
    .version(version, "-v, --version", "print the orch version")
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run `orch --help` to see the commands and their flags)")
    .option("--addr <addrs>", "server HTTP address(es) host:port,... for client commands [ORCH_ADDR]", process.env["ORCH_ADDR"] ?? addr_default)
    .exitOverride();
  const registers = await Promise.all(modulesFor(args).map((m) => m.load()));
  for (const register of registers) register(program);
  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  all(program).forEach((c) => c.exitOverride().showHelpAfterError(`(run \`${c.name() === "orch" ? "orch" : `orch ${c.name()}`} --help\` for usage)`));
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv.slice(2))).parseAsync(argv);
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
