// The lint block that keeps internal/mesos pure fires: no clock, timers, randomness or node: imports.
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, expect, it } from "vitest";
import { repo_root } from "../../test/support/binary.js";

const dir = path.join(repo_root, "internal/mesos", `__lint_probe_${process.pid}`);
const file = path.join(dir, "impure.ts");

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it("forbids Date, Math.random, timers and node: imports, and allows Buffer", async () => {
  await mkdir(dir, { recursive: true });
  const source = [
    'import { randomBytes } from "node:crypto";',
    "export const stamp = (): number => Date.now() + Math.random() + randomBytes(1).length;",
    "setTimeout(() => undefined, 1);",
    "export const made = new Date(0);",
    'export const bytes = Buffer.from("ok");',
  ].join("\n");
  await writeFile(file, source + "\n");
  const eslint = new ESLint({ cwd: repo_root, overrideConfigFile: path.join(repo_root, "scripts/eslint.config.js") });
  const [result] = await eslint.lintFiles([file]);
  const found = (result?.messages ?? []).map((m) => `${m.line}:${m.ruleId ?? "parse"}`);
  expect(found).toEqual(
    expect.arrayContaining(["1:no-restricted-imports", "2:no-restricted-globals", "2:no-restricted-properties", "3:no-restricted-globals", "4:no-restricted-syntax"]),
  );
  expect(found.filter((f) => f.startsWith("5:"))).toEqual([]);
}, 120_000);
