#!/usr/bin/env bash
# The suite's main job, shown end to end: build the .deb, boot a disposable real systemd
# machine (a copy-on-write clone of this host), install the package there, and show the
# agents at work with a timeline. The host's own services are not touched.
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
echo "$(ts) booting a disposable systemd machine and installing the package"
exec tests/system/machine.sh --deb "$deb" -- tests/system/demo-scenario.sh "$cache"
