#!/usr/bin/env bash
# openclaw-agentctl pause / resume: a paused bot is neither restored by jack-supervisor nor
# restarted by a revive flag; after `resume` it is restored at once; a pause with --for ends
# by itself and the bot is restored then.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"
DEBUG_UNITS="$js $fw $gw"

step "a stand-in gateway with a valid backup, the supervisor and the flag-watcher on it"
setup_gateway
valid_config "backup" > $cfg.bak
write_supervisor_config 5
restart_supervisor
flag_watcher_on_gateway 60
since=$(date '+%Y-%m-%d %H:%M:%S')
# said UNIT EVENT TEXT: the unit's journal since the start has EVENT with TEXT.
said() { journalctl -u "$1" --no-pager -o cat --since "$since" "OPENCLAW_EVENT=$2" | grep -q "$3"; }

step "paused: a broken config and a crash are left alone"
openclaw-agentctl pause jack --reason "upgrading node"
# status exits non-zero while a bot is down: only its output matters here.
status() { openclaw-agentctl status "$@" || true; }
status | grep -q "jack until resumed (upgrading node)" || fail "status does not show the pause: $(status)"
[ "$(status --json | jq -r '.paused[0].bot')" = jack ] || fail "status --json has no pause"
corrupt_and_kill
wait_until 10 "the supervisor says it leaves jack alone" said $js paused "jack is paused until resumed"
# An observation window, not a synchronisation: nothing may restore the config in it.
sleep 3
grep -q '"mode": "local", $' $cfg || fail "the config was replaced while paused: $(cat $cfg)"
said $js restore . && fail "a restore while paused"
pass "left alone; STATUS: $(unit_prop $js StatusText | cut -c1-160)"

step "paused: a revive flag is absorbed, nothing restarted"
touch $flags/revive-jack.flag
wait_until 5 "the flag is gone" test ! -e $flags/revive-jack.flag
wait_until 5 "flag-watcher says jack is paused" said $fw revive-paused "jack is paused"
said $fw revive "revived jack" && fail "flag-watcher revived a paused bot"
pass "$(journalctl -u $fw --no-pager -o cat --since "$since" OPENCLAW_EVENT=revive-paused | tail -n 1)"

step "resume: restored at once"
t0=$(now_ms)
openclaw-agentctl resume jack
restored() { healthy && grep -q '"backup"\|// backup' $cfg; }
wait_until 15 "jack is restored from its backup and answers" restored
pass "healthy $(( $(now_ms) - t0 )) ms after resume"

step "a pause with --for ends by itself"
since=$(date '+%Y-%m-%d %H:%M:%S')
openclaw-agentctl pause jack --for 3s
corrupt_and_kill
wait_until 10 "left alone at first" said $js paused "jack is paused until"
wait_until 20 "restored once the pause ended" restored
status | grep -q "^Paused" && fail "an ended pause is still shown"
pass "restored after the pause ended; STATUS: $(unit_prop $js StatusText | cut -c1-120)"
