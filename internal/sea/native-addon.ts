// Stands in for `node-gyp-build` inside the single executable: loads classic-level's
// native addon from the executable's embedded asset instead of node_modules.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

/** Name of the asset scripts/build-binary.sh embeds (see its sea-config). */
export const classic_level_asset = "classic-level.node";

let loaded: unknown;

// Only classic-level calls node-gyp-build in orch's bundle, so the folder it passes
// (rewritten by the bundler anyway) is not needed.
export default function loadBinding(): unknown {
  if (loaded !== undefined) return loaded;
  // `node:sea` exists only in Node's single-executable runtime, so it is required lazily.
  const sea = createRequire(__filename)("node:sea") as {
    isSea(): boolean;
    getAsset(key: string): ArrayBuffer;
  };
  if (!sea.isSea()) throw new Error("native addon shim used outside the orch executable");
  const bytes = new Uint8Array(sea.getAsset(classic_level_asset));
  // dlopen needs a file: write it to a fresh private folder and delete it once loaded
  // (the mapping stays valid after the unlink).
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "orch-addon-"));
  const file = path.join(tmp, classic_level_asset);
  try {
    fs.writeFileSync(file, bytes, { mode: 0o700 });
    const mod = { exports: {} as unknown };
    process.dlopen(mod, file);
    loaded = mod.exports;
    return loaded;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
