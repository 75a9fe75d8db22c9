#!/usr/bin/env bash
# One restart owner and one budget per bot: a revive flag dropped while jack-supervisor is
# repairing the gateway is absorbed by the repair (one restart, not two), and revives by
# flag-watcher and repairs by jack-supervisor spend one hourly budget.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"
DEBUG_UNITS="$js $fw $gw"
ledger=/var/lib/openclaw-agents/restarts/unit@system@$gw.json

setup_gateway
# The gateway takes 3 s to start, as a real one loading its plugins does: a repair's
# restart stays under way long enough for a container to drop a flag during it.
mkdir -p /run/systemd/system/$gw.d
printf '[Service]\nExecStartPre=/bin/sleep 3\n' > /run/systemd/system/$gw.d/slow.conf
systemctl daemon-reload
valid_config "backup" > $cfg.bak
write_supervisor_config 3
restart_supervisor
flag_watcher_on_gateway 6
watching() { healthy >/dev/null && systemctl show -P StatusText $js | grep -q '^jack active'; }
wait_until 15 "the supervisor watches a healthy jack" watching
shared() { jq -c '[.restarts[].by]' $ledger 2>/dev/null || echo '[]'; }
mark=$(journalctl -q -n 1 -o json --no-pager | jq -r .__CURSOR)
events() {  # events UNIT EVENT: that unit's entries with that event since the mark
  journalctl -q --no-pager -o json --after-cursor "$mark" |
    jq -c "select(._SYSTEMD_UNIT == \"$1.service\" and .OPENCLAW_EVENT == \"$2\")"
}
has_event() { [ -n "$(events "$1" "$2")" ]; }

step "a flag dropped during a repair is absorbed by it"
corrupt_and_kill
wait_until 20 "jack-supervisor is repairing jack" has_event $js repair
touch $flags/revive-jack.flag  # as the bot's container would, seeing its gateway down
wait_until 10 "flag-watcher absorbs the flag into the repair" has_event $fw revive-absorbed
wait_until 5 "the flag is removed" test ! -e $flags/revive-jack.flag
restored() { healthy && grep -q '// backup' $cfg; }
wait_until 30 "the gateway is healthy on the backup" restored
wait_until 20 "the supervisor counts it recovered" alerts_are 1 '"level":"recovered"'
[ -z "$(events $fw revive)" ] || fail "flag-watcher restarted the gateway during the repair: $(events $fw revive)"
[ "$(shared)" = '["jack-supervisor"]' ] || fail "the shared ledger is $(shared), not one repair"
events $fw revive-absorbed | jq -r .MESSAGE | sed 's/^/   /'
pass "one restart: $(shared)"

step "revives and restores spend one budget"
wait_until 30 "the supervisor watches a healthy jack again" watching
for n in 2 3; do
  before=$(unit_prop $gw ExecMainStartTimestampMonotonic)
  touch $flags/revive-jack.flag
  restarted() { [ "$(unit_prop $gw ExecMainStartTimestampMonotonic)" != "$before" ] && healthy; }
  wait_until 20 "revive by flag $((n - 1)) restarted the gateway" restarted
  wait_until 5 "the shared ledger holds $n restarts" test "$(jq '.restarts | length' $ledger)" = $n
done
[ "$(shared)" = '["jack-supervisor","flag-watcher","flag-watcher"]' ] || fail "shared ledger: $(shared)"
budgets=$(openclaw-agentctl status --json | jq -c '.bots[0].budgets | map({(.agent): .left}) | add' || true)
[ "$budgets" = '{"jack-supervisor":0,"flag-watcher":3}' ] && pass "budgets left: $budgets" ||
  fail "budgets left: $budgets, expected jack-supervisor 0 of 3 and flag-watcher 3 of 6"
wait_until 30 "the supervisor watches a healthy jack again" watching
corrupt_and_kill
wait_until 20 "the supervisor gives up: the shared budget is spent" alerts_are 1 '"event":"gave-up"'
grep '"event":"gave-up"' $alerts | grep -q 'budget' || fail "the give-up is not for the budget: $(grep gave-up $alerts)"
own=$(jq '.bots.jack.repairs | length' /var/lib/openclaw-agents/jack-supervisor/state.json)
[ "$own" = 1 ] || fail "the supervisor's own ledger holds $own repairs"
pass "given up after 1 repair of its own and 2 revives: $(grep -o '"message":"[^"]*"' <(grep gave-up $alerts))"
