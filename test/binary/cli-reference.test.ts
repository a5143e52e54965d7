// docs/CLI.md is exactly what the built executable's --help says, so the reference cannot drift.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { cli_doc_path, cliReference } from "../../scripts/cli-reference.js";
import { requireBinary } from "../support/binary.js";

it("docs/CLI.md matches the executable's help (regenerate: npx tsx scripts/cli-reference.ts)", () => {
  expect(readFileSync(cli_doc_path, "utf8")).toBe(cliReference(requireBinary()));
});
