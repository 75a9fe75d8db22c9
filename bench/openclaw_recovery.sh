#!/usr/bin/env bash
# Time to recover the real OpenClaw gateway, all in one run inside a disposable systemd
# machine, the gateway as root's user unit (as `openclaw gateway install` makes it) or as a
# system unit: its config is corrupted and the gateway killed -9, jack-supervisor restores a
# valid config (judged ahead with `openclaw config validate`) and restarts it; measured from
# the kill to the first 200 from /healthz.  Baseline, same run: the gateway's own
# `systemctl restart` to the first 200, the floor any recovery is bounded by.  Prints p50/p90
# of each and the ratio (target: at most 1.1).
#
#   bench/openclaw_recovery.sh [RUNS [user|system]]    (root; needs build/deb from
#                                                       scripts/test.sh; fetches OpenClaw once)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
deb=${OC_DEB:-$(ls build/deb/openclaw-host-agents_*.deb | head -n 1)}
cache=$(bash scripts/openclaw-cache.sh | tail -n 1)
export OC_RUNS=${1:-5}
exec tests/system/machine.sh --deb "$deb" -- bench/openclaw_recovery_inside.sh "$cache" "${2:-user}"
