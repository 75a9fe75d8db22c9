#!/usr/bin/env bash
# Every test: builds (warnings are errors), checks formatting, runs the unit tests, builds
# the .deb, fetches the real OpenClaw once (cached), then runs the system tests, each in a
# disposable real systemd machine.
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
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
done_phase build

phase "format"
unformatted=$(git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run 2>&1 | grep -c warning || true)
[ "$unformatted" = 0 ] || { git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run; echo "clang-format: $unformatted problem(s)"; exit 1; }
echo "clang-format clean"
done_phase format

phase "unit tests"
ctest --test-dir "$build" -L unit --output-on-failure -j"$(nproc)"
done_phase "unit tests"

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
