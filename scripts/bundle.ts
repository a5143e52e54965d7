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

// dockerode requires gRPC and protobufjs for BuildKit image builds (buildImage with version "2"),
// which orch never does: 0.8 MB of the bundle, which every start pays for (see minifyWhitespace).
// They become stand-ins that load fine and throw a clear error if anything ever calls them.
const buildkitOnly = /^(@grpc\/grpc-js|@grpc\/proto-loader|protobufjs)$/;
const stubBuildkitDeps: Plugin = {
  name: "stub-buildkit-deps",
  setup(b) {
    b.onResolve({ filter: buildkitOnly }, (args) =>
      /[\\/]node_modules[\\/]dockerode[\\/]/.test(args.importer) ? { path: args.path, namespace: "stub-buildkit" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "stub-buildkit" }, (args) => {
      const message = `${args.path} is not embedded in the orch executable (dockerode uses it only to build images with BuildKit)`;
      return {
        contents: `const fail = () => { throw new Error(${JSON.stringify(message)}); };
module.exports = new Proxy(fail, { get: (_, key) => (key === "__esModule" ? false : fail), apply: fail, construct: fail });`,
        loader: "js",
      };
    });
  },
};

// commander requires node:child_process at load for executable subcommands, which orch never
// uses; that pulls in child_process, net, dgram and more (1–3 ms of every start). It gets a
// stand-in that requires the real module on first use.
const lazyChildProcess: Plugin = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: "lazy-child-process" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-child-process" }, () => ({
      contents: `let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require("node:child_process"))[key] });`,
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
  // Whitespace only: the executable turns the whole source into a V8 string and keeps it for
  // lazy compilation at every start (about 7 ms per MB under load, docs/BENCHMARKS.md); names
  // and syntax stay as written, so stack traces still name functions.
  minifyWhitespace: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  alias: { "node-gyp-build": path.join(root, "internal/sea/node-gyp-build.cjs") },
  plugins: [stubOptionalNative, stubBuildkitDeps, lazyChildProcess],
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
process.stdout.write(`bundle: ${path.relative(root, outfile)} ${(bytes / 1e6).toFixed(1)} MB\n`);
