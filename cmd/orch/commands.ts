// Which command modules an invocation loads: only the one it names, all of them for help.
import type { Command } from "commander";

type Register = (program: Command) => void;

export interface CommandModule {
  /** The top-level commands the module registers, as typed on the command line. */
  names: readonly string[];
  /** Its commands need every other command registered too (completion reads the whole tree). */
  needs_all?: true;
  load: () => Promise<Register>;
}

/**
 * Every command module in help order. Each is imported only when chosen: esbuild bundles the
 * dynamic import() into the one CJS file as a module initialiser that runs on the first call, so
 * an unchosen module's code is in the executable but never runs. cmd/orch/commands.test.ts checks
 * that `names` matches what each module registers.
 */
export const command_modules: readonly CommandModule[] = [
  { names: ["dev"], load: async () => (await import("./dev.js")).registerDev },
  { names: ["server"], load: async () => (await import("./server.js")).registerServer },
  { names: ["agent"], load: async () => (await import("./agent.js")).registerAgent },
  { names: ["run"], load: async () => (await import("./run.js")).registerRun },
  { names: ["ps", "services", "nodes"], load: async () => (await import("./ps.js")).registerPs },
  { names: ["roles"], load: async () => (await import("./roles.js")).registerRoles },
  { names: ["logs"], load: async () => (await import("./logs.js")).registerLogs },
  { names: ["stop", "scale", "inspect"], load: async () => (await import("./stop.js")).registerStop },
  { names: ["frameworks"], load: async () => (await import("./frameworks.js")).registerFrameworks },
  { names: ["status"], load: async () => (await import("./status.js")).registerStatus },
  { names: ["members"], load: async () => (await import("./members.js")).registerMembers },
  { names: ["kv"], load: async () => (await import("./kv.js")).registerKv },
  { names: ["doctor"], load: async () => (await import("./doctor.js")).registerDoctor },
  { names: ["completion"], needs_all: true, load: async () => (await import("./completion.js")).registerCompletion },
  { names: ["version"], load: async () => (await import("./completion.js")).registerVersion },
];

/** Root options that take a value: the word after them is not a command name. */
const root_options_with_value = new Set(["--addr"]);

/**
 * The modules `args` (process.argv without node and script) needs. A named command loads its own
 * module. With no command name: `--version` alone needs none (commander prints the version while it
 * reads the root options); anything else (help, no arguments, a misspelt command that commander
 * answers with a suggestion) needs all. Guessing wrong only costs time: all is always correct.
 */
export function modulesFor(args: readonly string[], modules: readonly CommandModule[] = command_modules): readonly CommandModule[] {
  let version = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    if (root_options_with_value.has(a)) {
      i++;
      continue;
    }
    if (a === "-h" || a === "--help") return modules;
    if (a === "-v" || a === "--version") {
      version = true;
      continue;
    }
    if (a.startsWith("-")) continue;
    const named = modules.find((m) => m.names.includes(a));
    if (named === undefined || named.needs_all === true) return modules;
    return [named];
  }
  return version ? [] : modules;
}
