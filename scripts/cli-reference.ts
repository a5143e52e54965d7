// Writes docs/CLI.md from the built executable's own --help, so the command reference cannot drift.
// Usage: npx tsx scripts/cli-reference.ts [--check]   (--check exits 1 if docs/CLI.md differs)
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const cli_doc_path = path.join(root, "docs/CLI.md");
/** Bound on command nesting walked (orch kv put is depth 2). */
const depth_max = 3;

function help(bin: string, args: string[]): string {
  // COLUMNS fixed so the wrapping does not depend on the terminal that runs this.
  return execFileSync(bin, [...args, "--help"], { env: { PATH: "/usr/bin:/bin", COLUMNS: "100", HOME: "/tmp" }, encoding: "utf8" });
}

function subcommands(text: string): string[] {
  const i = text.indexOf("\nCommands:\n");
  if (i < 0) return [];
  return text
    .slice(i + "\nCommands:\n".length)
    .split("\n")
    .map((l) => /^ {2}([a-z][a-z-]*)/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined && n !== "help");
}

export function cliReference(bin: string): string {
  const parts: string[] = [
    "# orch command reference",
    "",
    "Generated from the executable's own `--help` by `npx tsx scripts/cli-reference.ts`; a test fails when it drifts.",
    "",
    "Exit codes: `0` success; `1` the operation failed (the message says why and what to do); `2` the command line was wrong (unknown command or flag, a bad value). `orch run --once` exits with the task's own exit code.",
    "",
  ];
  const walk = (args: string[]): void => {
    const text = help(bin, args);
    parts.push(`## orch${args.length > 0 ? ` ${args.join(" ")}` : ""}`, "", "```", text.trimEnd(), "```", "");
    if (args.length >= depth_max) return;
    for (const sub of subcommands(text)) walk([...args, sub]);
  };
  walk([]);
  return parts.join("\n");
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = cliReference(path.join(root, "dist/orch"));
  if (process.argv.includes("--check")) {
    const cur = readFileSync(cli_doc_path, "utf8");
    if (cur !== text) {
      process.stderr.write("docs/CLI.md is out of date: run npx tsx scripts/cli-reference.ts\n");
      process.exit(1);
    }
  } else {
    writeFileSync(cli_doc_path, text);
    process.stdout.write(`wrote ${cli_doc_path}\n`);
  }
}
