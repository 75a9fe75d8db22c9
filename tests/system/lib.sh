# Helpers for the scenario scripts that run inside the disposable machine.
# Source it: . "$(dirname "$0")/lib.sh"
set -euo pipefail

AGENTS=(jack-supervisor flag-watcher disk-guard acl-keeper vps-bridge)

step() { printf '\n== %s\n' "$*"; }
pass() { printf '   ok: %s\n' "$*"; }
# A scenario names the units whose journal explains a failure in DEBUG_UNITS.
fail() {
  printf '   FAIL: %s\n' "$*" >&2
  for u in ${DEBUG_UNITS:-}; do
    printf '   journal of %s:\n' "$u" >&2
    journalctl -u "$u" --no-pager -o short-precise -n 40 2>/dev/null | sed 's/^/     /' >&2 || true
  done
  exit 1
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds or the
# deadline passes (then fails the scenario, naming what it waited for).
wait_until() {
  local limit=$1 what=$2
  shift 2
  local deadline=$(( $(date +%s%N) + limit * 1000000000 ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s%N)" -lt "$deadline" ] || fail "after ${limit}s still not: $what"
    sleep 0.05
  done
  pass "$what"
}

unit_prop() { systemctl show -P "$2" "$1"; }
is_state() { [ "$(systemctl is-active "$1")" = "$2" ]; }

# restart_marked UNIT: restarts UNIT and remembers where the journal was, so that
# jr KEY=VALUE... prints UNIT's entries since then as JSON lines, those with every field
# given. Filtered by jq, not by journalctl's matches: systemd 252's --after-cursor with a
# match skips the first matching entry.
mark="" mark_unit=""
restart_marked() {
  mark=$(journalctl -q -n 1 -o json --no-pager | jq -r .__CURSOR)
  mark_unit=$1
  systemctl restart "$1" || fail "systemctl restart $1 failed"
  wait_until 10 "$1 is active" is_state "$1" active
}
jr() {
  local filter="select(._SYSTEMD_UNIT == \"$mark_unit.service\")" kv
  for kv in "$@"; do filter+=" | select(.${kv%%=*} == \"${kv#*=}\")"; done
  journalctl -q --no-pager -o json --after-cursor "$mark" | jq -c "$filter"
}
# jr_count KEY=VALUE...: how many such entries since restart_marked;
# jr_at_least N KEY=VALUE...: at least N of them (for wait_until).
jr_count() { jr "$@" | wc -l; }
jr_at_least() {
  local n=$1
  shift
  [ "$(jr_count "$@")" -ge "$n" ]
}
# ms_since T: milliseconds since T, a `date +%s%N` value.
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# one_refusal TARGET COMPONENT: since restart_marked, exactly one path-refused warning from
# the unit, for TARGET, naming COMPONENT as a symlink.
one_refusal() {
  local lines got
  lines=$(jr OPENCLAW_EVENT=path-refused)
  [ "$(jr_count OPENCLAW_EVENT=path-refused)" = 1 ] || fail "path-refused other than once: $lines"
  got=$(jq -r '[.PRIORITY, .SYSLOG_IDENTIFIER, .OPENCLAW_TARGET, .OPENCLAW_COMPONENT, .OPENCLAW_REASON] | join(" ")' <<<"$lines")
  [ "$got" = "4 $mark_unit $1 $2 symlink" ] ||
    fail "path-refused fields: '$got', expected '4 $mark_unit $1 $2 symlink'"
}
