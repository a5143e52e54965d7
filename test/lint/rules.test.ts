// The lint rules STYLE.md relies on fire: cycles, floating promises, and a deterministic core.
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repo_root } from "../support/binary.js";

const probe = `__lint_probe_${process.pid}`;
const dirs = {
  fsm: path.join(repo_root, "internal/fsm", probe),
  raft: path.join(repo_root, "raft", probe),
  server: path.join(repo_root, "internal", probe),
};

const files: Record<string, string> = {
  [path.join(dirs.fsm, "clock.ts")]: [
    'import fs from "node:fs";',
    "export const stamp = (): number => Date.now() + Math.random() + fs.constants.F_OK;",
    "setTimeout(() => undefined, 1);",
    "export const made = new Date(0);",
  ].join("\n"),
  [path.join(dirs.raft, "outside.ts")]: 'import { version } from "../../internal/version.js";\nexport const v = version;\n',
  [path.join(dirs.server, "a.ts")]: 'import { b } from "./b.js";\nexport const a = (): number => b();\n',
  [path.join(dirs.server, "b.ts")]: 'import { a } from "./a.js";\nexport const b = (): number => a();\n',
  [path.join(dirs.server, "io.ts")]: [
    "export async function save(): Promise<void> {}",
    "save();",
    "export const now = (): number => Date.now();",
  ].join("\n"),
};

let results: ESLint.LintResult[] = [];

function rulesAt(file: string): string[] {
  const r = results.find((x) => x.filePath === file);
  if (r === undefined) throw new Error(`no lint result for ${file}`);
  return r.messages.map((m) => `${m.line}:${m.ruleId ?? "parse"}`);
}

beforeAll(async () => {
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  await Promise.all(Object.entries(files).map(([f, text]) => writeFile(f, text + "\n")));
  const eslint = new ESLint({ cwd: repo_root, overrideConfigFile: path.join(repo_root, "scripts/eslint.config.js") });
  results = await eslint.lintFiles(Object.keys(files));
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(dirs).map((d) => rm(d, { recursive: true, force: true })));
});

describe("lint", () => {
  it("forbids the clock, randomness, timers and node: imports in deterministic code", () => {
    expect(rulesAt(path.join(dirs.fsm, "clock.ts"))).toEqual(
      expect.arrayContaining([
        "1:no-restricted-imports",
        "2:no-restricted-globals",
        "2:no-restricted-properties",
        "3:no-restricted-globals",
        "4:no-restricted-syntax",
      ]),
    );
  });

  it("keeps raft/ self-contained", () => {
    expect(rulesAt(path.join(dirs.raft, "outside.ts"))).toContain("1:no-restricted-imports");
  });

  it("finds import cycles", () => {
    expect(rulesAt(path.join(dirs.server, "a.ts"))).toContain("1:import-x/no-cycle");
  });

  it("finds floating promises everywhere, and allows the clock outside the core", () => {
    expect(rulesAt(path.join(dirs.server, "io.ts"))).toEqual(["2:@typescript-eslint/no-floating-promises"]);
  });
});
