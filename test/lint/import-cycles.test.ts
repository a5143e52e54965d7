// No import cycles among the sources, not even through `import type` (which eslint's no-cycle skips):
// a handler module must not depend on the machine that dispatches to it.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repo_root } from "../support/binary.js";
import { cycles, importGraph, sourcesUnder } from "./import-graph.js";

describe("import cycles, type-only ones included", () => {
  it("the sources have none", () => {
    const files = sourcesUnder(repo_root, ["cmd", "internal", "raft", "storage"]);
    expect(files.length).toBeGreaterThan(100);
    const found = cycles(importGraph(files)).map((c) => c.map((f) => path.relative(repo_root, f)).join(" <-> "));
    expect(found).toEqual([]);
  });

  it("finds a cycle made of type imports alone", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "orch-cycles-"));
    writeFileSync(path.join(dir, "machine.ts"), 'import { handle } from "./handler.js";\nexport class Machine { run(): void { handle(this); } }\n');
    writeFileSync(path.join(dir, "handler.ts"), 'import type { Machine } from "./machine.js";\nexport function handle(m: Machine): void { void m; }\n');
    writeFileSync(path.join(dir, "leaf.ts"), 'export const x = 1;\n');
    const found = cycles(importGraph(sourcesUnder(dir, ["."])));
    expect(found.map((c) => c.map((f) => path.basename(f)))).toEqual([["handler.ts", "machine.ts"]]);
  });
});
