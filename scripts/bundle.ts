// Bundles cmd/orch/main.ts into one CommonJS file for Node's single executable applications.
import { build, type Plugin } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = process.argv[2] ?? path.join(root, "dist/sea/orch.cjs");

// Optional native parts of ssh2 (pulled in by dockerode; orch talks to a local socket
// only) become modules that throw, which ssh2 already tolerates. Left external, they
// would make the executable's restricted require() print a warning at every start.
const stubOptionalNative: Plugin = {
  name: "stub-optional-native",
  setup(b) {
    b.onResolve({ filter: /^cpu-features$|\.node$/ }, (args) => ({ path: args.path, namespace: "stub" }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not embedded in the orch executable`)});`,
      loader: "js",
    }));
  },
};

const result = await build({
  entryPoints: [path.join(root, "cmd/orch/main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: false,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  alias: { "node-gyp-build": path.join(root, "internal/sea/node-gyp-build.cjs") },
  plugins: [stubOptionalNative],
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
process.stdout.write(`bundle: ${path.relative(root, outfile)} ${(bytes / 1e6).toFixed(1)} MB\n`);
