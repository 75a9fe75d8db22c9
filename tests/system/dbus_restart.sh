#!/usr/bin/env bash
# `systemctl restart dbus` under running agents, as a dbus upgrade does: afterwards a flag
# still revives the gateway and a crash with a corrupted config is still repaired, within
# seconds, by the same flag-watcher and supervisor processes, which said what happened.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"
DEBUG_UNITS="$js $fw $gw"

step "a stand-in gateway, watched by the supervisor and revivable by flag"
setup_gateway
valid_config "backup" > $cfg.bak
write_supervisor_config 10
restart_supervisor
flag_watcher_on_gateway 30
js_pid=$(unit_prop $js MainPID)
fw_pid=$(unit_prop $fw MainPID)

step "the system bus restarts under them"
mark=$(journalctl -q -n 1 -o json --no-pager | jq -r .__CURSOR)
systemctl restart dbus
wait_until 10 "dbus is active again" is_state dbus active
since() { journalctl -q --no-pager -o json --after-cursor "$mark" | jq -r "select(._SYSTEMD_UNIT == \"$1.service\" and .OPENCLAW_EVENT == \"$2\") | .MESSAGE"; }
lost_and_back() { [ -n "$(since "$1" manager-lost)" ] && [ -n "$(since "$1" manager-connected)" ]; }
wait_until 15 "the supervisor lost the bus and reconnected" lost_and_back $js
wait_until 15 "flag-watcher lost the bus and reconnected" lost_and_back $fw
pass "journal: $(since $fw manager-lost | head -n 1)"
pass "journal: $(since $fw manager-connected | head -n 1)"

step "a flag still revives the gateway"
stamp() { unit_prop $gw ExecMainStartTimestampMonotonic; }
restarted_since() { [ "$(stamp)" != "$1" ] && healthy; }
before=$(stamp)
t0=$(now_ms)
touch /root/oc-flags/revive-jack.flag
wait_until 10 "the gateway was restarted" restarted_since "$before"
pass "revived $(( $(now_ms) - t0 )) ms after the flag"

step "a corrupted config and a crash are still repaired"
t0=$(now_ms)
corrupt_and_kill
repaired() { healthy && grep -q '// backup' $cfg; }
wait_until 10 "the gateway answers again on the backup" repaired
pass "repaired $(( $(now_ms) - t0 )) ms after the kill"
[ "$(unit_prop $js MainPID)" = "$js_pid" ] || fail "the supervisor was restarted"
[ "$(unit_prop $fw MainPID)" = "$fw_pid" ] || fail "flag-watcher was restarted"
pass "same processes: supervisor $js_pid, flag-watcher $fw_pid"
