#!/usr/bin/env bash
# openclaw-agentctl status is rebuilt from systemd and the agents' state files: after a
# revive, a restore and a give-up, a `systemctl restart` of every agent changes nothing in
# what it shows (last actions, budgets, the given-up bot), its exit code says "down", and
# its human form fits 80 columns.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"
AGENTS_ALL="openclaw-jack-supervisor openclaw-flag-watcher openclaw-acl-keeper openclaw-disk-guard openclaw-vps-bridge"

setup_gateway
valid_config "backup" > $cfg.bak
write_supervisor_config 3
restart_supervisor
flag_watcher_on_gateway 6
systemctl start openclaw-vps-bridge.service
wait_until 10 "the bridge is active" is_state openclaw-vps-bridge active

# status exits non-zero while anything is wrong: the output is what is looked at here.
st() { openclaw-agentctl status "$@" || true; }
report() { cat /var/lib/openclaw-agents/$1/report.json 2>/dev/null; }
watching() { healthy >/dev/null && systemctl show -P StatusText $js | grep -q '^jack active'; }

step "a healthy host: exit code 0"
wait_until 15 "the supervisor watches a healthy jack" watching
rc=0; openclaw-agentctl status >/tmp/st.txt || rc=$?
[ $rc = 0 ] || fail "status exited $rc on a healthy host: $(cat /tmp/st.txt)"
pass "$(head -n 1 /tmp/st.txt)"

step "a revive by flag"
before=$(unit_prop $gw ExecMainStartTimestampMonotonic)
touch $flags/revive-jack.flag  # as a container would (the folder is bind-mounted into it)
revived() { report flag-watcher | jq -e '.last_action.event == "revive"' >/dev/null; }
wait_until 15 "flag-watcher's report has the revive" revived
restarted() { [ "$(unit_prop $gw ExecMainStartTimestampMonotonic)" != "$before" ] && healthy; }
wait_until 15 "the gateway is back" restarted

step "a restore: the config is broken and the gateway killed"
wait_until 30 "the supervisor watches a healthy jack again" watching
corrupt_and_kill
restored() { healthy && grep -q '// backup' $cfg; }
wait_until 20 "the gateway is healthy on the backup" restored
wait_until 20 "the supervisor counts it recovered" alerts_are 1 '"level":"recovered"'

step "a give-up: broken again, and no backup is valid any more"
printf '{ "gateway": {} }\n' > $cfg.bak
wait_until 30 "the supervisor watches a healthy jack again" watching
corrupt_and_kill
wait_until 20 "the supervisor gives up" alerts_are 1 '"event":"gave-up"'

view() {
  st --json | jq -S '{verdict, exit_code,
    agents: [.agents[] | {agent, last_action}],
    bots: [.bots[] | {name, given_up, given_up_why, budgets, last_action, last_actions}]}'
}
step "status --json before the restarts"
view > /tmp/before.json
cat /tmp/before.json | sed 's/^/   /' | head -n 60
jq -e '.verdict == "down" and .exit_code == 3' /tmp/before.json >/dev/null || fail "not down"
jq -e '.bots[0].given_up and (.bots[0].given_up_why | test("none of"))' /tmp/before.json >/dev/null \
  || fail "no given-up bot with its reason"
# One budget per bot: the revive and the supervisor's two repairs (the restore, then the
# attempt that gave up) all count, whoever made them.
jq -e '.bots[0].budgets | map(select(.agent == "flag-watcher"))[0] | .per_hour == 6 and .left == 3' \
  /tmp/before.json >/dev/null || fail "flag-watcher's budget is not 3 of 6"
jq -e '.bots[0].budgets | map(select(.agent == "jack-supervisor"))[0] | .per_hour == 3 and .left < 3' \
  /tmp/before.json >/dev/null || fail "jack-supervisor's budget does not count the repairs"
jq -e '.agents[] | select(.agent == "flag-watcher") | .last_action.event == "revive"' \
  /tmp/before.json >/dev/null || fail "flag-watcher's last action is not the revive"
jq -e '.agents[] | select(.agent == "jack-supervisor") | .last_action.event == "gave-up"' \
  /tmp/before.json >/dev/null || fail "jack-supervisor's last action is not the give-up"
jq -e '.bots[0].last_action | .event == "gave-up" and .agent == "jack-supervisor"' \
  /tmp/before.json >/dev/null || fail "the bot's last action is not the give-up"
jq -e '[.bots[0].last_actions[] | "\(.agent) \(.event)"] | sort == ["flag-watcher revive", "jack-supervisor gave-up"]' \
  /tmp/before.json >/dev/null || fail "the bot's last revive is not shown beside the give-up"
rc=0; openclaw-agentctl status >/dev/null || rc=$?
[ $rc = 3 ] || fail "status exited $rc, not 3 (down)"
pass "down, exit 3; restore recorded: $(report jack-supervisor | jq -c '.targets.jack.event')"

step "systemctl restart of every agent"
systemctl restart $AGENTS_ALL
for u in $AGENTS_ALL; do wait_until 15 "$u is active" is_state $u active; done
view > /tmp/after.json
diff /tmp/before.json /tmp/after.json || fail "status changed across the restarts"
pass "status --json is the same after the restarts"

step "the human form fits 80 columns"
st > /tmp/st.txt
sed 's/^/   /' /tmp/st.txt
width=$(wc -L < /tmp/st.txt)
[ "$width" -le 80 ] || fail "a line is $width columns wide"
grep -q "GIVEN UP" /tmp/st.txt || fail "the give-up is not shown"
grep -q "restarts left this hour" /tmp/st.txt || fail "no budgets shown"
pass "widest line: $width columns"
