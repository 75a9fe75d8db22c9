#!/usr/bin/env bash
# openclaw-disk-guard's prune against `find DIR -type f -mtime +7 -delete`, all in one run
# inside a disposable systemd machine, on two identical freshly generated trees in a tmpfs
# that a filler file keeps above the daemon's act threshold:
#   (1) wall and CPU time of find on one tree and of the daemon's prune action on the other
#       (OPENCLAW_ACTION_MS of its `prune` journal line; CPU of its process),
#   (2) both trees end with exactly their young files, none removed,
#   (3) the daemon's CPU time and context switches while idle (interval_sec 3600).
# Prints a table and the ratio daemon ACTION_MS / find wall (target <= 1.0).
#
#   bench/prune_bench.sh [FILES [FOLDERS [IDLE_SEC]]]   (defaults 100000 1000 20; run from the
#                                                       repo root as root; builds nothing)
#
# OC_DEB overrides the package (default build/deb/openclaw-host-agents_*.deb).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
deb=${OC_DEB:-$(ls build/deb/openclaw-host-agents_*.deb 2>/dev/null | head -n 1)}
[ -f "$deb" ] || { echo "no package: run scripts/test.sh (build/deb) or set OC_DEB" >&2; exit 2; }
export OC_FILES=${1:-100000} OC_FOLDERS=${2:-1000} OC_IDLE_SEC=${3:-20}
exec tests/system/machine.sh --deb "$deb" -- bench/prune_bench_inside.sh
