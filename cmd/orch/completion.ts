// `orch completion bash|zsh` and `orch version`: shell completion made from the CLI's own commands.
import type { Command } from "commander";
import { UsageError } from "../../internal/cli/errors.js";
import { version } from "../../internal/version.js";

/** Every command path ("kv put") with its long flags, read from the program itself so it cannot drift. */
function words(program: Command): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (c: Command, prefix: string): void => {
    for (const sub of c.commands) {
      const path = prefix === "" ? sub.name() : `${prefix} ${sub.name()}`;
      out.set(path, [...sub.options.map((o) => o.long ?? "").filter((l) => l !== ""), ...sub.commands.map((s) => s.name()), "--help"]);
      walk(sub, path);
    }
  };
  out.set("", [...program.commands.map((c) => c.name()), ...program.options.map((o) => o.long ?? "").filter((l) => l !== "")]);
  walk(program, "");
  return out;
}

function bashScript(program: Command): string {
  const cases = [...words(program)].map(([path, ws]) => `    "${path}") opts="${ws.join(" ")}" ;;`).join("\n");
  return `# orch bash completion: source <(orch completion bash)
_orch() {
  local cur path="" w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case "\${path:+$path }$w" in
${[...words(program).keys()].filter((p) => p !== "").map((p) => `      "${p}") path="${p}" ;;`).join("\n")}
    esac
  done
  local opts=""
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _orch orch
`;
}

export function registerCompletion(program: Command): void {
  program
    .command("completion <shell>")
    .description("print a shell completion script: bash or zsh (e.g. source <(orch completion bash))")
    .action((shell: string) => {
      if (shell === "bash") return void process.stdout.write(bashScript(program));
      if (shell === "zsh") return void process.stdout.write(`# orch zsh completion: source <(orch completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bashScript(program)}`);
      throw new UsageError(`completion ${JSON.stringify(shell)}: give bash or zsh`);
    });
}

export function registerVersion(program: Command): void {
  program
    .command("version")
    .description("print the orch version")
    .option("--json", "print as JSON")
    .action((o: { json?: boolean }) => {
      process.stdout.write(o.json === true ? JSON.stringify({ version, node: process.versions.node }) + "\n" : `orch ${version}\n`);
    });
}
