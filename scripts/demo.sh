#!/usr/bin/env bash
# The suite's main job, shown end to end: build the .deb, boot a disposable real systemd
# machine (a copy-on-write clone of this host), install the package there, and play the
# seeds' stories in it (tests/system/demo-scenario.sh) with a timeline. The host's own
# services are not touched; the one container lives in a Podman store of its own.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${OPENCLAW_BUILD_DIR:-$root/build}
ts() { date +%H:%M:%S.%3N; }

echo "$(ts) installing build dependencies"
bash scripts/install-deps.sh
echo "$(ts) building the package"
deb=$(bash scripts/build-deb.sh "$build/deb" | tail -n 1)
echo "$(ts) built $(basename "$deb")"
echo "$(ts) fetching the real OpenClaw gateway from npm (once; cached after)"
cache=$(bash scripts/openclaw-cache.sh | tail -n 1)
echo "$(ts) starting Podman's Docker Engine API with a bot container, for the container story"
. tests/system/demo_container.sh
echo "$(ts) booting a disposable systemd machine and installing the package"
exec tests/system/docker_engine.sh --health-cmd "$demo_health_cmd" -- \
  tests/system/machine.sh --deb "$deb" --bind @DOCKER_DIR@ -- tests/system/demo-scenario.sh "$cache"
