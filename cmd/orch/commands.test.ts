// The start-up routing table: every command reaches its module, and only help loads them all.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { command_modules, modulesFor, type CommandModule } from "./commands.js";

async function registered(m: CommandModule): Promise<string[]> {
  const program = new Command("orch");
  (await m.load())(program);
  return program.commands.map((c) => c.name());
}

const names = (ms: readonly CommandModule[]): string[] => ms.flatMap((m) => m.names);

describe("command_modules", () => {
  it("lists exactly the commands each module registers, each name once", async () => {
    for (const m of command_modules) expect(await registered(m), `module of ${m.names.join(", ")}`).toEqual(m.names);
    const all = names(command_modules);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("modulesFor", () => {
  it("loads only the named command's module, after root options and their values", () => {
    expect(names(modulesFor(["ps"]))).toEqual(["ps", "services", "nodes"]);
    expect(names(modulesFor(["--addr", "10.0.0.1:4640", "run", "busybox"]))).toEqual(["run"]);
    expect(names(modulesFor(["--addr=10.0.0.1:4640", "kv", "get", "k"]))).toEqual(["kv"]);
    expect(names(modulesFor(["server", "--help"]))).toEqual(["server"]);
    expect(names(modulesFor(["version", "--json"]))).toEqual(["version"]);
  });

  it("loads nothing for --version alone (commander prints it before any command runs)", () => {
    expect(modulesFor(["--version"])).toEqual([]);
    expect(modulesFor(["-v"])).toEqual([]);
  });

  it("loads every module for help, no arguments, an unknown word, or completion", () => {
    for (const args of [[], ["--help"], ["-v", "-h"], ["help", "ps"], ["pss"], ["completion", "bash"], ["--addr", "ps"], ["--", "ps"]]) {
      expect(modulesFor(args), JSON.stringify(args)).toBe(command_modules);
    }
  });
});
