#!/usr/bin/env bash
# Flag -> restarted latency, all in one run inside a disposable systemd machine:
#   (a) openclaw-flag-watcher, (b) the seeds' path unit + oneshot, (c) busctl RestartUnit
# (the floor). Latency = the unit's ExecMainStartTimestampMonotonic minus the moment the
# flag was written (or busctl started). Prints p50/p90 and the ratios, missed flags for
# (a), and the daemon's idle RSS and wake-ups.
#
#   bench/flag_latency.sh [SAMPLES]      (run from the repo root as root; builds nothing:
#                                         needs build/ and build/deb from scripts/test.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
deb=$(ls build/deb/openclaw-host-agents_*.deb | head -n 1)
stamp=$root/build/bench/stamp_exec
[ -x "$stamp" ] || { echo "build first: cmake --build build --target stamp_exec" >&2; exit 2; }
export OC_SAMPLES=${1:-25} OC_STAMP=$stamp
exec tests/system/machine.sh --deb "$deb" -- bench/flag_latency_inside.sh
