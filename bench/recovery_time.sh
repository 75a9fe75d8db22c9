#!/usr/bin/env bash
# Time to recover, all in one run inside a disposable systemd machine: the gateway's config
# is corrupted and the gateway killed -9; jack-supervisor restores a valid backup and
# restarts it.  Measured from the kill to the first 200 from the gateway's /healthz.
# Baseline, same run: the gateway's own start time (`systemctl restart` to the first 200),
# the floor any recovery is bounded by.  Prints p50/p90 of each and the ratio.
#
#   bench/recovery_time.sh [RUNS]      (run from the repo root as root; builds nothing:
#                                       needs build/ and build/deb from scripts/test.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
deb=$(ls build/deb/openclaw-host-agents_*.deb | head -n 1)
standin=$root/build/tests/system/oc-standin
[ -x "$standin" ] || { echo "build first: cmake --build build --target oc-standin" >&2; exit 2; }
export OC_RUNS=${1:-10}
exec tests/system/machine.sh --deb "$deb" -- bench/recovery_time_inside.sh "$standin"
