#!/usr/bin/env bash
# jack-supervisor's restore budget (max_restores_per_hour) is persisted: neither
# `systemctl restart` nor kill -9 of the supervisor gives it a fresh hour.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"

setup_gateway
valid_config "backup" > $cfg.bak
write_supervisor_config 2
restart_supervisor

restore_once() {
  local n=$1
  corrupt_and_kill
  restored() { healthy && grep -q '// backup' $cfg; }
  wait_until 10 "restore $n: the gateway is healthy on the backup" restored
  wait_until 10 "restore $n: the supervisor counts it recovered" alerts_are "$n" '"level":"recovered"'
}
brokens() { ls $cfg.broken-* 2>/dev/null | wc -l; }

step "restore 1 of 2, then systemctl restart of the supervisor"
restore_once 1
restart_supervisor

step "restore 2 of 2, then kill -9 of the supervisor"
restore_once 2
pid=$(unit_prop $js MainPID)
kill -9 "$pid"
back() { p=$(unit_prop $js MainPID); [ "$p" != 0 ] && [ "$p" != "$pid" ] && is_state $js active; }
wait_until 15 "systemd restarted the supervisor (was pid $pid)" back
grep -q '"repairs"' /var/lib/openclaw-agents/jack-supervisor/state.json || fail "no ledger on disk"
pass "ledger: $(tr -d ' \n' < /var/lib/openclaw-agents/jack-supervisor/state.json | cut -c1-200)"

step "a third corruption within the hour is refused: no restore, one critical alert"
b0=$(brokens)
corrupt_and_kill
wait_until 10 "a critical alert names the spent budget" alerts_are 1 '"level":"critical".*budget'
pass "alert: $(grep '"level":"critical"' $alerts | cut -c1-300)"
[ "$(brokens)" = "$b0" ] || fail "a third restore happened"
grep -q '// backup' $cfg && fail "the config was restored a third time"
is_state $js active || fail "$js is not active"
pass "the broken config is left in place ($(brokens) kept copies, as before); $js active"
journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=gave-up | tail -n 1 | sed 's/^/   journal: /'
