#!/usr/bin/env bash
# Builds dist/orch: one executable (Node's single executable applications) holding the
# bundled CLI and classic-level's native addon, runnable with no node_modules or Node.
set -euo pipefail
cd "$(dirname "$0")/.."

fuse="NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2"
addon="node_modules/classic-level/prebuilds/linux-x64/classic-level.node"
work="dist/sea"

[ -f "$addon" ] || { echo "build-binary: $addon missing; run npm ci first" >&2; exit 1; }
[ "$(uname -m)" = "x86_64" ] || { echo "build-binary: only linux-x64 is set up (this is $(uname -m))" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"

npx --no-install tsx scripts/bundle.ts "$work/orch.cjs"

cat >"$work/sea-config.json" <<JSON
{
  "main": "$work/orch.cjs",
  "output": "$work/orch.blob",
  "disableExperimentalSEAWarning": true,
  "useCodeCache": true,
  "useSnapshot": false,
  "assets": { "classic-level.node": "$addon" }
}
JSON
node --experimental-sea-config "$work/sea-config.json" >/dev/null

cp "$(command -v node)" "$work/orch"
chmod u+w "$work/orch"
strip "$work/orch" 2>/dev/null || echo "build-binary: strip not available; the executable stays larger" >&2
if ! inject_log="$(npx --no-install postject "$work/orch" NODE_SEA_BLOB "$work/orch.blob" --sentinel-fuse "$fuse" 2>&1)"; then
  echo "$inject_log" >&2
  echo "build-binary: postject could not inject the bundle" >&2
  exit 1
fi
mv "$work/orch" dist/orch
built_version="$(dist/orch --version)" || { echo "build-binary: dist/orch does not run" >&2; exit 1; }
echo "build-binary: dist/orch $(du -m dist/orch | cut -f1) MB, version $built_version"
