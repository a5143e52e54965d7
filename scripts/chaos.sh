#!/usr/bin/env bash
# Runs the chaos suite: real orch servers in network namespaces, agents on a private Docker
# engine, a client workload from the host, and a seeded nemesis; ends with a summary and
# exit 0 only if every check passed. Needs root (namespaces, iptables, mount).
#
#   bash scripts/chaos.sh [--minutes 2] [--seed N] [--servers 3|5] [--faults k1,k2|all] [--keep-logs]
#
# A failing run prints its seed; the same --seed replays the same fault schedule.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "chaos: needs root for ip netns, iptables and mount; run: sudo bash $0 $*" >&2; exit 2; }
[ -x dist/orch ] || bash scripts/build-binary.sh
bash scripts/docker-engine.sh

child=""
cleanup() {
  local code=$?
  # The runner tears down itself; this catches the case where it was killed outright.
  if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  npx --no-install tsx scripts/chaos/main.ts --teardown >/dev/null 2>&1 || true
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

npx --no-install tsx scripts/chaos/main.ts "$@" &
child=$!
wait "$child"
