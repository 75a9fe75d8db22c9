#!/usr/bin/env bash
# clang-tidy (the checks in .clang-tidy) on the .cpp files changed since BASE, compiled as the
# build compiles them (its compile_commands.json).  Exit 1 on any finding, 0 when clean or
# when nothing changed, 2 when it cannot run.
#   scripts/tidy-changed.sh [BASE]
# BASE, when not given:
#   - the merge-base of HEAD and origin/main, when that branch is known and HEAD is ahead of
#     it (a developer's branch: everything it changed, committed or not);
#   - else HEAD~1 (a CI clone, whose origin/main is HEAD itself, or which has no remote at
#     all: the last commit's files, and for a merge commit everything it brought in);
#   - else nothing is checked (a repository of one commit).
# Files not in the build (e.g. fuzz/, built only by clang in fuzz/run.sh) are skipped.
# OPENCLAW_BUILD_DIR: the configured build folder (default build/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${OPENCLAW_BUILD_DIR:-$root/build}
db="$build/compile_commands.json"

command -v clang-tidy >/dev/null ||
  { echo "tidy-changed: clang-tidy is not installed (scripts/install-deps.sh)" >&2; exit 2; }
[ -f "$db" ] || { echo "tidy-changed: no $db: configure the build first" >&2; exit 2; }

if [ $# -ge 1 ]; then
  base=$1
elif git rev-parse -q --verify origin/main >/dev/null &&
  [ "$(git merge-base origin/main HEAD)" != "$(git rev-parse HEAD)" ]; then
  base=$(git merge-base origin/main HEAD)
elif git rev-parse -q --verify HEAD~1 >/dev/null; then
  base=HEAD~1
else
  echo "tidy-changed: a single commit, nothing to compare with"
  exit 0
fi

files=()
while IFS= read -r f; do
  if grep -qF "\"file\": \"$root/$f\"" "$db"; then
    files+=("$f")
  else
    echo "tidy-changed: $f is not in the build, skipped"
  fi
done < <(git diff --name-only --diff-filter=d "$base" -- '*.cpp')
if [ ${#files[@]} -eq 0 ]; then
  echo "tidy-changed: no .cpp file changed since $base"
  exit 0
fi
echo "tidy-changed: ${#files[@]} file(s) changed since $base"

# The build's -Werror is the compiler's business: clang's own warnings are not findings here,
# and g++'s options clang does not know are not either.
printf '%s\0' "${files[@]}" |
  xargs -0 -n 1 -P "$(nproc)" clang-tidy -p "$build" --quiet \
    --extra-arg=-Wno-error --extra-arg=-Wno-unknown-warning-option >"$build/tidy.log" 2>&1 ||
  status=$?
findings=$(grep -c ',-warnings-as-errors\]$' "$build/tidy.log" || true)
if [ "${status:-0}" -ne 0 ] || [ "$findings" -ne 0 ]; then
  grep -A 3 ',-warnings-as-errors\]$' "$build/tidy.log" ||
    cat "$build/tidy.log"
  echo "tidy-changed: $findings finding(s) in ${#files[@]} file(s)"
  exit 1
fi
echo "tidy-changed: clean"
