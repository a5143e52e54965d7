#!/usr/bin/env bash
# Seeded Raft simulator: `scripts/sim.sh --seed 1234` replays one run; `--seeds N [--start S] [--nodes 3|5|7]` sweeps.
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx --no-install tsx test/sim/main.ts "$@"
