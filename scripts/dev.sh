#!/usr/bin/env bash
# The README's first command: on a fresh Debian machine, install what orch needs, build the
# executable, and start a single-node cluster (`orch dev`: server and agent in one process,
# state in ./orch-data). Idempotent: a second run only starts orch dev again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/docker-engine.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -x dist/orch ] || [ -n "$(find cmd internal raft storage -newer dist/orch -name '*.ts' -print -quit)" ]; then
  bash scripts/build-binary.sh
fi
exec dist/orch dev "$@"
