#!/usr/bin/env bash
# The one test command: installs dependencies, ensures a Docker engine, type-checks,
# lints, builds the executable, runs every vitest suite, and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

failed_steps=()
step() {
  local name="$1"
  shift
  printf '\n== %s\n' "$name"
  local started=$SECONDS
  if "$@"; then
    printf -- '-- %s ok (%ss)\n' "$name" "$((SECONDS - started))"
  else
    printf -- '-- %s FAILED (%ss)\n' "$name" "$((SECONDS - started))"
    failed_steps+=("$name")
  fi
}

step "install dependencies" npm ci --no-audit --no-fund --loglevel=error
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
step "docker engine" bash scripts/docker-engine.sh
step "type-check" npx --no-install tsc -p tsconfig.json
step "lint" npx --no-install eslint -c scripts/eslint.config.js --max-warnings 0 .
step "build executable" bash scripts/build-binary.sh

report="$(mktemp -t orch-vitest-XXXXXX.json)"
trap 'rm -f "$report"' EXIT
step "tests" npx --no-install vitest run --config test/vitest.config.ts \
  --reporter=default --reporter=json --outputFile.json="$report" "$@"

printf '\n'
for s in ${failed_steps[@]+"${failed_steps[@]}"}; do echo "step failed: $s"; done
if [ -s "$report" ]; then
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    if (skipped > 0) console.log(`${skipped} skipped`);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  ' "$report"
else
  echo "vitest wrote no report"
  echo "0 passed, 1 failed"
  exit 1
fi
[ ${#failed_steps[@]} -eq 0 ]
