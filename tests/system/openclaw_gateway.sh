#!/usr/bin/env bash
# The agents with the real OpenClaw gateway, as root's user unit (the way `openclaw gateway
# install` leaves it) or as a system unit: a flag revives it, openclaw-agentctl status shows
# it, a corrupted config plus a crash is repaired onto a config OpenClaw accepts and stays
# so for a minute, and a hand-edited JSON5 config survives a crash untouched.
#
#   openclaw_gateway.sh OPENCLAW-CACHE user|system       (inside the disposable machine)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/openclaw_lib.sh"

step "the real gateway ($(openclaw --version)) as a $oc_kind unit"
t0=$(now_ms)
oc_install_gateway
pass "installed and healthy, with its own backups, in $(( $(now_ms) - t0 )) ms"
oc_write_agent_configs
wait_until 10 "$fw and $js are active" is_state $js active

step "a flag from the container user revives the gateway"
before=$(oc_prop ExecMainStartTimestampMonotonic)
t0=$(now_ms)
setpriv --reuid=101000 --regid=101000 --clear-groups touch /srv/oc-flags/revive-jack.flag
wait_until 60 "the gateway runs a new main process and answers" oc_restarted_since "$before"
pass "revived and healthy in $(( $(now_ms) - t0 )) ms"
revived() { journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=revive | grep -q "revived jack (done)"; }
wait_until 5 "flag-watcher logged the revive" revived
pass "journal: $(journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=revive | tail -n 1)"

step "openclaw-agentctl status shows the gateway"
status=$(openclaw-agentctl status || true)
grep -A1 "^● jack " <<<"$status" | sed 's/^/   /'
expected="● jack ($oc_unit"
[ "$oc_kind" = user ] && expected+=" in root's user manager"
grep -qF "$expected)" <<<"$status" || fail "status does not name the gateway's unit: $status"
grep -A1 "^● jack " <<<"$status" | grep -q "state:  active (running)" || fail "not shown active"
bot=$(openclaw-agentctl status --json | jq -c '.bots[] | select(.name == "jack")')
[ "$(jq -r .active_state <<<"$bot")" = active ] || fail "status --json: $bot"
[ "$(jq -r .manager <<<"$bot")" = "$oc_kind" ] || fail "status --json names the wrong manager: $bot"
pass "status --json: $(jq -c '{name, unit, manager, user, active_state, agents}' <<<"$bot")"

step "the supervisor judges the restore candidates ahead, with OpenClaw's validator"
ready() { systemctl show -P StatusText $js | grep -q "ready to restore $oc_cfg"; }
wait_until 60 "STATUS says what a repair would restore" ready
pass "STATUS: $(systemctl show -P StatusText $js)"

step "corrupted config + kill: healthy again on a config OpenClaw accepts"
ready_file=$(systemctl show -P StatusText $js | sed -n 's/.*ready to restore \([^,]*\),.*/\1/p')
mark=$(journalctl -q -n 1 -o json --no-pager | jq -r .__CURSOR)
before=$(oc_prop ExecMainStartTimestampMonotonic)
t0=$(now_ms)
oc_corrupt_and_kill
wait_until 60 "the gateway answers again" oc_restarted_since "$before"
pass "healthy again $(( $(now_ms) - t0 )) ms after the kill"
oc_validate >/dev/null || fail "the live config does not validate: $(oc_validate)"
pass "openclaw config validate: $(oc_validate | tr -d '\n' | cut -c1-100)"
since() { journalctl -q --no-pager -o json --after-cursor "$mark" | jq -r "select(.OPENCLAW_EVENT == \"$1\") | .MESSAGE"; }
since restore | grep -q "restored $oc_cfg from $ready_file" || fail "not restored from $ready_file: $(since restore)"
pass "journal: $(since restore | head -n 1 | cut -c1-200)"
runs_on() { since running-config | grep -q "runs on $oc_cfg: "; }
wait_until 10 "the journal says which config the gateway runs on" runs_on
pass "journal: $(since running-config | tail -n 1)"
ls $oc_dir | grep -q 'openclaw.json.broken-' || fail "the broken config was not kept"

step "and stays so for a minute"
pid=$(oc_prop MainPID)
sum=$(oc_sum)
end=$(( $(date +%s) + 60 ))
while [ "$(date +%s)" -lt "$end" ]; do
  oc_healthy || fail "the gateway stopped answering"
  [ "$(oc_prop MainPID)" = "$pid" ] || fail "the gateway was restarted again"
  [ "$(oc_sum)" = "$sum" ] || fail "the config changed: $(head -c 300 $oc_cfg)"
  sleep 1  # sampling, not waiting for anything
done
[ "$(since restore | wc -l)" = 1 ] || fail "more than one restore"
pass "one minute: healthy, same main process $pid, same config, one restore"

step "a hand-edited JSON5 config that OpenClaw accepts survives a crash untouched"
# With a meta block, as in every config OpenClaw wrote: without one, OpenClaw's own start-up
# check would find it suspicious next to the config it last saw and put its .bak back.
cat > $oc_cfg <<CONF
// edited by hand: comments, unquoted keys, single quotes, trailing commas
{
  gateway: {
    mode: 'local', port: $oc_port, bind: 'loopback',
    auth: { mode: 'token', token: 'hand-edited', },
  },
  update: { checkOnStart: false, },
  models: { catalogRefresh: { enabled: false, }, },
  meta: { lastTouchedVersion: '2026.9.6', },
}
CONF
oc_validate >/dev/null || fail "precondition: OpenClaw does not accept the edit: $(oc_validate)"
sum=$(oc_sum)
broken=$(ls $oc_dir | grep -c broken- || true)
mark=$(journalctl -q -n 1 -o json --no-pager | jq -r .__CURSOR)
before=$(oc_prop ExecMainStartTimestampMonotonic)
sc kill -s KILL $oc_unit
wait_until 60 "the gateway is back on its own (systemd's Restart=)" oc_restarted_since "$before"
[ "$(oc_sum)" = "$sum" ] || fail "the hand-edited config was changed: $(head -c 300 $oc_cfg)"
[ -z "$(since restore)" ] || fail "the supervisor restored over a valid config: $(since restore)"
[ "$(ls $oc_dir | grep -c broken- || true)" = "$broken" ] || fail "a broken copy was made"
pass "byte for byte the same after the crash; no restore"

step "nothing stormed"
[ "$(systemctl show -P NRestarts $js)" = 0 ] || fail "the supervisor restarted"
is_state $js active && is_state $fw active || fail "an agent is not active"
pass "supervisor: $(systemctl show -P StatusText $js | cut -c1-200)"
