#!/usr/bin/env bash
# Every fuzz target for a number of runs each (default 10 000 000, the target of issue 12:
# no crash in them), one target at a time, each from a copy of its seeds; prints per target
# the executions, the seconds, executions per second and crashes, then a summary line.
#   bench/fuzz.sh [RUNS [MAX_SECONDS_PER_TARGET [TARGET...]]]
# MAX_SECONDS_PER_TARGET (default none) ends a slow target early: the executions column
# then says how far it got.  Builds in build-fuzz/ (or $OPENCLAW_FUZZ_BUILD_DIR) with clang.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10000000}
limit=(--runs "$runs")
[ -z "${2:-}" ] || limit+=(--seconds "$2")
shift $(($# < 2 ? $# : 2))
exec bash "$root/fuzz/run.sh" "${OPENCLAW_FUZZ_BUILD_DIR:-$root/build-fuzz}" "${limit[@]}" "$@"
