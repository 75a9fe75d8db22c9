#!/usr/bin/env bash
# A container owns the folders above its config and its flag folder, and swaps one of them
# for a symlink to another tree on the same disk. jack-supervisor must neither read, restore
# nor keep a config there, and flag-watcher must neither read nor remove names there: each
# says so once, naming the component, leaves the other tree as it was, and takes the path
# up again once it is a folder.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"
fw=openclaw-flag-watcher
DEBUG_UNITS="$js $fw $gw"
home=/root/oc-home          # the container's: it may rename anything below
other=/root/oc-other        # a tree that is not the bot's
bot=$home/agents/main
cfg=$bot/openclaw.json
flags=$home/box/flags

# The other tree, and a listing of it (names, sizes, modes, owners, content hashes).
mkdir -p $other/main $other/flags
printf '{ "gateway": { "mode": "local", ' > $other/main/openclaw.json
valid_config "theirs" > $other/main/openclaw.json.bak
: > $other/flags/revive-jack.flag
: > $other/flags/junk-name
listing() { (cd $other && find . -printf '%p %s %m %u %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }
before_listing=$(listing)
untouched() { [ "$(listing)" = "$before_listing" ] || fail "the other tree changed: $(diff <(echo "$before_listing") <(listing) || true)"; }

step "a stand-in gateway whose config lives below a folder its container owns"
setup_gateway
valid_config "backup" > $cfg.bak
chown -R 101000:101000 $home
write_supervisor_config 5
restart_supervisor
sup_pid=$(unit_prop $js MainPID)
mkdir -p $flags
chown -R 101000:101000 $home/box
cat > /etc/openclaw-agents/flag-watcher.json <<CONF
{ "directories": [ { "path": "$flags", "allow": ["jack"] } ],
  "targets": { "jack": { "unit": "$gw" } }, "min_interval_sec": 1, "max_per_hour": 20 }
CONF
restart_marked $fw
fw_pid=$(unit_prop $fw MainPID)

step "the config folder's parent swapped for a symlink, then the gateway killed"
mark=$(journalctl -q -n 1 -o json --no-pager | jq -r .__CURSOR)
mv $home/agents $home/agents.real
ln -s $other $home/agents
systemctl kill -s KILL $gw
# Filtered by jq, not by -u: systemd 252's --after-cursor with a match skips the first entry.
js_events() { journalctl -q --no-pager -o json --after-cursor "$mark" | jq -c "select(._SYSTEMD_UNIT == \"$js.service\" and .OPENCLAW_EVENT == \"$1\")"; }
refused_js() { js_events path-refused; }
said_js() { [ "$(refused_js | wc -l)" -ge 1 ]; }
wait_until 15 "the supervisor says its config folder is refused" said_js
# The gateway follows the symlink (as OpenClaw would) and fails on the broken config there;
# systemd restarts it until its start limit. The supervisor sees each exit and stays out.
failed_gw() { is_state $gw failed; }
wait_until 30 "the gateway exhausted its start limit on the other tree's config" failed_gw
# One retry interval more: still nothing done there, still said once.
sleep_until=$(( $(date +%s) + 12 ))
interval_over() { [ "$(date +%s)" -ge $sleep_until ]; }
wait_until 15 "a retry interval of the supervisor passed" interval_over
untouched
[ "$(refused_js | wc -l)" = 1 ] || fail "said $(refused_js | wc -l) times"
[ "$(refused_js | jq -r .OPENCLAW_COMPONENT)" = "$home/agents" ] || fail "names $(refused_js | jq -r .OPENCLAW_COMPONENT)"
[ "$(unit_prop $js MainPID)" = "$sup_pid" ] && [ "$(unit_prop $js NRestarts)" = 0 ] || fail "the supervisor was restarted"
pass "the other tree is as it was; said once: $(refused_js | jq -r .MESSAGE)"
openclaw-agentctl restore jack --dry-run 2>&1 | grep -E '^skipped' | sed 's/^/   agentctl: /' || true

step "the folder put back: the gateway is repaired from the bot's own backup"
rm $home/agents
mv $home/agents.real $home/agents
printf '{ "gateway": ' > $cfg
on_backup() { healthy && grep -q 'backup' $cfg; }
wait_until 30 "the gateway answers again, on its own openclaw.json.bak" on_backup
resolved_js() { js_events path-resolved | grep -q .; }
wait_until 5 "the supervisor says the folder resolves again" resolved_js
untouched
[ "$(unit_prop $js MainPID)" = "$sup_pid" ] || fail "the supervisor was restarted"
pass "repaired; the supervisor kept pid $sup_pid"

step "the flag folder's parent swapped for a symlink, flag-watcher restarted"
mv $home/box $home/box.real
ln -s $other $home/box
restart_marked $fw
refused_fw() { jr OPENCLAW_EVENT=path-refused; }
said_fw() { [ "$(refused_fw | wc -l)" -ge 1 ]; }
wait_until 10 "flag-watcher says the flag folder is refused" said_fw
sleep_until=$(( $(date +%s) + 12 ))
wait_until 15 "a retry interval of flag-watcher passed" interval_over
untouched
[ "$(refused_fw | wc -l)" = 1 ] || fail "said $(refused_fw | wc -l) times"
[ "$(refused_fw | jq -r .OPENCLAW_COMPONENT)" = "$home/box" ] || fail "names $(refused_fw | jq -r .OPENCLAW_COMPONENT)"
pass "the other tree's flag and junk name are still there; said once: $(refused_fw | jq -r .MESSAGE)"

step "the folder put back with a flag in it: revived within the retry interval"
stamp() { unit_prop $gw ExecMainStartTimestampMonotonic; }
before=$(stamp)
rm $home/box
mv $home/box.real $home/box
: > $flags/revive-jack.flag
t0=$(date +%s%3N)
revived() { [ "$(stamp)" != "$before" ] && is_state $gw active && [ ! -e $flags/revive-jack.flag ]; }
wait_until 20 "the gateway was revived from the flag" revived
resolved_fw() { jr OPENCLAW_EVENT=path-resolved | grep -q .; }
wait_until 5 "flag-watcher says the folder opens again" resolved_fw
untouched
pass "revived $(( $(date +%s%3N) - t0 )) ms after the folder was put back; $fw pid $(unit_prop $fw MainPID)"
