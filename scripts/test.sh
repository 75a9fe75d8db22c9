#!/usr/bin/env bash
# Every test: builds (warnings are errors), runs clang-tidy on the changed files, checks
# formatting, runs the unit tests, then again under ASan+UBSan and under TSan, runs each fuzz
# target for a short time, builds the .deb, fetches the real OpenClaw once (cached), then runs
# the system tests, each in a disposable real systemd machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${OPENCLAW_BUILD_DIR:-$root/build}

phase_start=0
phase() { phase_start=$(date +%s); printf '\n==== %s\n' "$*"; }
done_phase() { printf '==== %s took %ss\n' "$1" "$(( $(date +%s) - phase_start ))"; }

phase "dependencies"
bash scripts/install-deps.sh
done_phase dependencies

phase "build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON -DOPENCLAW_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
done_phase build

phase "clang-tidy on the files changed (scripts/tidy-changed.sh: a branch since origin/main, else the last commit)"
bash scripts/tidy-changed.sh
done_phase clang-tidy

phase "format"
unformatted=$(git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run 2>&1 | grep -c warning || true)
[ "$unformatted" = 0 ] || { git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run; echo "clang-format: $unformatted problem(s)"; exit 1; }
echo "clang-format clean"
done_phase format

phase "unit tests"
ctest --test-dir "$build" -L unit --output-on-failure -j"$(nproc)"
done_phase "unit tests"

# The unit tests again, built instrumented: only their binary, -Og -g1 (half the compile time
# of -O2 -g, still with lines in every report), each build in a folder of its own.
sanitized_unit_tests() {
  local dir=$1 sanitizers=$2
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-Og -g1" \
    -DBUILD_TESTING=ON -DOPENCLAW_WERROR=ON -DOPENCLAW_SANITIZE="$sanitizers" >/dev/null
  cmake --build "$dir" --target unit_tests -j"$(nproc)"
}

phase "unit tests under ASan and UBSan"
sanitized_unit_tests "$build-asan" address,undefined
UBSAN_OPTIONS=print_stacktrace=1 "$build-asan/tests/unit/unit_tests" --gtest_brief=1
done_phase "unit tests under ASan and UBSan"

phase "unit tests under TSan (disk-guard's prune threads among them)"
sanitized_unit_tests "$build-tsan" thread
# The tests that need a user namespace of their own skip themselves here (a TSan build's
# forked children have a thread, and the kernel refuses them one).
TSAN_OPTIONS=halt_on_error=1 "$build-tsan/tests/unit/unit_tests" --gtest_brief=1
done_phase "unit tests under TSan"

phase "fuzz targets, each for 20 s"
# Built with clang, ASan, UBSan and libFuzzer in a folder of their own; each target starts
# from a copy of its seeds in fuzz/corpus/.  Any crash, hang or blow-up fails the run.
bash fuzz/run.sh "$build-fuzz" --seconds 20
done_phase "fuzz targets"

phase "package"
deb=$(bash scripts/build-deb.sh "$build/deb" | tail -n 1)
echo "built $deb"
done_phase package

phase "OpenClaw from npm (once per machine, then cached)"
openclaw_cache=$(bash scripts/openclaw-cache.sh | tail -n 1)
echo "OpenClaw: $openclaw_cache"
done_phase "OpenClaw from npm"

phase "system tests (real systemd in a disposable machine)"
cmake -S . -B "$build" -DOPENCLAW_DEB="$deb" -DOPENCLAW_CACHE="$openclaw_cache" >/dev/null
ctest --test-dir "$build" -L system --output-on-failure
done_phase "system tests"
