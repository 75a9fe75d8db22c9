#!/usr/bin/env bash
# openclaw-acl-keeper against the seeds' `setfacl -R` (access, then default), all in one run
# inside a disposable systemd machine, on two identical freshly generated trees:
#   (1) first application: setfacl's wall time vs the daemon's first sweep,
#   (2) a sweep of an already-correct tree: setfacl again vs `systemctl reload`'s sweep,
#   (3) creation -> ACL in force latency (build/bench/acl_latency), p50/p99/max, misses,
#   (4) the daemon's RSS with the tree watched, and its status line.
# Prints a table and the ratios (1) and (2).
#
#   bench/acl_bench.sh [FILES [FOLDERS [SAMPLES]]]     (defaults 100000 1000 200; run from the
#                                                       repo root as root; builds nothing)
#
# OC_DEB overrides the package (default build/deb/openclaw-host-agents_*.deb) and
# OC_ACL_LATENCY the helper (default build/bench/acl_latency); the helper's folder is bound
# into the machine, so it may live outside the repository.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
deb=${OC_DEB:-$(ls build/deb/openclaw-host-agents_*.deb 2>/dev/null | head -n 1)}
[ -f "$deb" ] || { echo "no package: run scripts/test.sh (build/deb) or set OC_DEB" >&2; exit 2; }
latency=$(realpath -m "${OC_ACL_LATENCY:-$root/build/bench/acl_latency}")
[ -x "$latency" ] || { echo "build first: cmake --build build --target acl_latency" >&2; exit 2; }
export OC_FILES=${1:-100000} OC_FOLDERS=${2:-1000} OC_SAMPLES=${3:-200} OC_ACL_LATENCY=$latency
exec tests/system/machine.sh --deb "$deb" --bind "$(dirname "$latency")" -- bench/acl_bench_inside.sh
