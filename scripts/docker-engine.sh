#!/usr/bin/env bash
# Ensures a Docker engine answers and the local test image exists; safe to run again.
#
# 1. installs Debian's docker.io and busybox-static when missing (needs root);
# 2. starts dockerd in the background when no engine answers, and waits for it;
# 3. builds orch-test/busybox:latest by `docker import` of a busybox rootfs, since no
#    registry is reachable here.
# A second run finds all three done and exits 0 in well under a second.
set -euo pipefail

image="${ORCH_TEST_IMAGE:-orch-test/busybox:latest}"
engine_wait_seconds="${ORCH_ENGINE_WAIT_SECONDS:-60}"
dockerd_log="${ORCH_DOCKERD_LOG:-/var/log/orch-dockerd.log}"

say() { printf 'docker-engine: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

engine_answers() { docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing ${missing[*]}; run this script as root, or: sudo apt-get install -y ${missing[*]}"
  say "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

start_engine() {
  engine_answers && return 0
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || die "no Docker engine answers and starting dockerd needs root: sudo $0"
    say "starting dockerd (log: $dockerd_log)"
    setsid nohup dockerd >"$dockerd_log" 2>&1 < /dev/null &
  fi
  local waited=0
  until engine_answers; do
    if [ "$waited" -ge "$((engine_wait_seconds * 10))" ]; then
      tail -n 20 "$dockerd_log" >&2 2>/dev/null || true
      die "dockerd did not answer within ${engine_wait_seconds}s; see $dockerd_log"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  say "engine answers: API $(docker version --format '{{.Server.APIVersion}}')"
}

build_image() {
  docker image inspect "$image" >/dev/null 2>&1 && return 0
  say "building $image from /bin/busybox"
  local rootfs
  rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' RETURN
  mkdir -p "$rootfs/bin" "$rootfs/usr/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
  cp /bin/busybox "$rootfs/usr/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    ln -sf /usr/bin/busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/bin:/usr/bin' -c 'CMD ["/bin/sh"]' - "$image" >/dev/null
}

install_packages
start_engine
build_image
