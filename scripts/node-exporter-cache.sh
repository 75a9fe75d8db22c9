#!/usr/bin/env bash
# Fetches Debian's prometheus-node-exporter package (not installed on this host) into a cache
# folder outside the repository, once, for the metrics system test to install inside the
# disposable machine.  Prints the .deb's path on its last line.
set -euo pipefail
cache=${OPENCLAW_TEST_CACHE_ROOT:-/var/cache/openclaw-host-agents}/node-exporter
mkdir -p "$cache"
deb=$(ls "$cache"/prometheus-node-exporter_*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
  echo "node-exporter-cache: downloading prometheus-node-exporter" >&2
  (cd "$cache" && apt-get download prometheus-node-exporter >/dev/null 2>&1) ||
    { apt-get update -qq && (cd "$cache" && apt-get download prometheus-node-exporter >/dev/null); }
  deb=$(ls "$cache"/prometheus-node-exporter_*.deb | head -n 1)
fi
echo "$deb"
