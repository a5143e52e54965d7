// Lint rules that enforce STYLE.md: no floating promises, no import cycles, and a
// deterministic core (raft/, internal/fsm/) with no timers, clock, randomness or Node I/O, and a
// pure Mesos protocol layer (internal/mesos/) with no timers, clock or randomness.
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Code whose output must depend only on its inputs: replayable from a seed.
// Beside the folders, the modules documented as pure: the built-in frameworks' decisions, the
// node views the scheduler reads, and the agent's reconciliation of desired against actual.
const deterministic = [
  "raft/**/*.ts",
  "internal/fsm/**/*.ts",
  "internal/scheduler/**/*.ts",
  "internal/server/cluster/frameworks.ts",
  "internal/server/cluster/view.ts",
  "internal/agent/reconcile.ts",
];

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "**/*.js", "**/*.cjs", "**/*.mjs"] },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    plugins: { "@typescript-eslint": tseslint.plugin, "import-x": importX },
    settings: {
      // Resolves "./x.js" to x.ts as tsc does, so cycles between sources are seen.
      "import-x/extensions": [".ts"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: path.join(root, "tsconfig.json") })],
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/await-thenable": "error",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: deterministic,
    rules: {
      "no-restricted-globals": [
        "error",
        ...["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval",
          "clearImmediate", "queueMicrotask", "Date", "process", "performance", "require",
          "Buffer", "crypto", "fetch"].map((name) => ({
          name,
          message: "deterministic code: time is ticks and I/O belongs to the caller",
        })),
      ],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "use the seeded generator passed in" },
        { object: "Date", property: "now", message: "time is ticks; timestamps arrive in commands" },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date']", message: "no clock in deterministic code" },
      ],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "deterministic code imports nothing from Node" },
            {
              regex: "^(fs|path|os|crypto|net|http|https|child_process|timers|events|stream|util|worker_threads)(/.*)?$",
              message: "deterministic code imports nothing from Node",
            },
          ],
        },
      ],
    },
  },
  {
    // Mesos's protocol layer is pure: the server passes in time (ms) and random bytes, so the
    // same call gives the same events in tests and in production. Buffer is allowed (RecordIO).
    files: ["internal/mesos/**/*.ts"],
    ignores: ["internal/mesos/**/*.test.ts", "internal/mesos/**/*.test-util.ts"],
    rules: {
      "no-restricted-globals": [
        "error",
        ...["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate",
          "queueMicrotask", "Date", "process", "performance", "crypto", "fetch", "require"].map((name) => ({
          name,
          message: "internal/mesos is pure: time and randomness are arguments",
        })),
      ],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "take random bytes as an argument" },
        { object: "Date", property: "now", message: "take the time as an argument" },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date']", message: "take the time as an argument" },
      ],
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["node:*"], message: "internal/mesos does no I/O; the server wires it" }] },
      ],
    },
  },
  {
    files: ["raft/**/*.ts"],
    ignores: ["raft/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:*"], message: "raft/ imports nothing from Node" },
            {
              regex: "^(fs|path|os|crypto|net|http|https|child_process|timers|events|stream|util|worker_threads)(/.*)?$",
              message: "raft/ imports nothing from Node",
            },
            { regex: "^\\.\\./", message: "raft/ is self-contained: it imports nothing outside raft/" },
          ],
        },
      ],
    },
  },
);
