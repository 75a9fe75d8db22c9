#!/usr/bin/env bash
# Builds the fuzz targets and runs each, one after the other, on a copy of its seeds, for a
# number of runs, a time, or both (whichever ends first).  One line per target: executions,
# seconds, executions per second, crashes (libFuzzer stops at the first and keeps it; its
# path and the report's first lines are then printed), and a summary line.  Exit status 1
# when any target crashed, hung or ran out of memory.
#   fuzz/run.sh BUILD_DIR [--runs N] [--seconds S] [TARGET...]
# The targets are built with clang, ASan, UBSan and assertions on (docs/fuzzing.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: $0 BUILD_DIR [--runs N] [--seconds S] [TARGET...]}
shift
limit=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) limit+=(-runs="$2"); shift 2 ;;
    --seconds) limit+=(-max_total_time="$2"); shift 2 ;;
    *) break ;;
  esac
done
[ ${#limit[@]} -gt 0 ] || { echo "$0: give --runs N, --seconds S or both" >&2; exit 2; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(config_reader json5 flag_name acl_xattr getdents http_request)

cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DOPENCLAW_FUZZ=ON -DOPENCLAW_WERROR=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" >/dev/null
cmake --build "$build" --target fuzz_targets -j"$(nproc)"

work="$build/fuzz-work"
rm -rf "$work"
mkdir -p "$work"
printf '%-14s %12s %9s %10s %8s\n' target executions seconds exec/s crashes
failed=0 total_execs=0 total_crashes=0
for t in "${targets[@]}"; do
  # New inputs are written to the copy; the seeds in the tree stay as they are.
  cp -r "$root/fuzz/corpus/$t" "$work/$t"
  start=$(date +%s.%N)
  # One input taking over 10 s is a hang, memory over 2 GiB a leak or a blow-up: both are
  # kept and counted as crashes.
  status=0
  "$build/fuzz/fuzz_$t" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/$t-" "$work/$t" >"$work/$t.log" 2>&1 || status=$?
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
  execs=${execs:-0}
  crashes=$(find "$work" -maxdepth 1 -name "$t-*" | wc -l)
  printf '%-14s %12s %9.1f %10.0f %8s\n' "$t" "$execs" "$seconds" \
    "$(echo "$execs / $seconds" | bc -l)" "$crashes"
  total_execs=$((total_execs + execs))
  total_crashes=$((total_crashes + crashes))
  if [ "$status" != 0 ] || [ "$crashes" != 0 ]; then
    failed=1
    grep -E 'ERROR|SUMMARY|property does not hold|Test unit written' "$work/$t.log" | head -n 5
  fi
done
echo "fuzz: ${#targets[@]} targets, $total_execs executions, $total_crashes crashes"
exit "$failed"
