// `orch agent` as its own process for tests (main.ts registers it in the real binary); exit codes as main.ts: 2 for usage.
import { Command, CommanderError } from "commander";
import { registerAgent } from "../../cmd/orch/agent.js";
import { exit_failure, exit_usage, UsageError } from "../../internal/cli/errors.js";

const program = new Command("orch").exitOverride();
registerAgent(program);
for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? 0 : exit_usage;
  else {
    process.stderr.write(`orch: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = err instanceof UsageError ? exit_usage : exit_failure;
  }
}
