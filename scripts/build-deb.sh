#!/usr/bin/env bash
# Builds openclaw-host-agents_<version>_<arch>.deb from this tree into OUTDIR (default
# build/deb), leaving the source tree clean. Prints the .deb's path last.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

cd "$root"
export DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)"
# dpkg-buildpackage writes its results next to the source folder; build from a private
# copy of the tracked files so neither the tree nor its parent collects artefacts.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/src"
(cd "$work/src" && dpkg-buildpackage -b -us -uc >"$work/build.log" 2>&1) || {
  tail -n 60 "$work/build.log" >&2
  echo "build-deb: dpkg-buildpackage failed" >&2
  exit 1
}
rm -f "$out"/openclaw-host-agents_*
mv "$work"/openclaw-host-agents_* "$out"/
deb=$(ls "$out"/openclaw-host-agents_*.deb | grep -v dbgsym | head -n 1)
if command -v lintian >/dev/null; then
  lintian --fail-on error "$deb" || { echo "build-deb: lintian reports errors" >&2; exit 1; }
fi
echo "$deb"
