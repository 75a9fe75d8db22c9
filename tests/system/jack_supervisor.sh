#!/usr/bin/env bash
# jack-supervisor against a real systemd: a corrupted config plus a crash is repaired from
# the newest valid backup within seconds; with no valid backup it stops, alerts once, does
# not storm, and a config fixed by hand brings the bot back without restarting it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"

step "a stand-in gateway, its backups, and the supervisor watching it"
setup_gateway
# .bak parses but fails the validator (remote mode); .bak.1 is older but valid.
valid_config "backup 1" > $cfg.bak.1
touch -d '-2 hours' $cfg.bak.1
valid_config "backup 0, remote" | sed 's/"local"/"remote"/' > $cfg.bak
valid_config "external, oldest" > /root/oc-backups/jack/openclaw-20260101.json
touch -d '-1 day' /root/oc-backups/jack/openclaw-20260101.json
write_supervisor_config 5
restart_supervisor
pass "STATUS: $(unit_prop $js StatusText)"

step "corrupt the live config and kill the gateway: healthy again on the newest valid backup"
t0=$(now_ms)
corrupt_and_kill
restored() { healthy && grep -q 'backup 1' $cfg; }
wait_until 10 "the gateway answers again, on openclaw.json.bak.1" restored
pass "healthy again $(( $(now_ms) - t0 )) ms after the kill"
broken=$(ls $cfg.broken-* 2>/dev/null | head -n 1)
[ -n "$broken" ] || fail "the broken config was not kept"
grep -q '^{ "gateway": { "mode": "local", $' "$broken" || fail "$broken is not the broken config"
pass "the broken config is kept as $(basename "$broken")"
[ "$(stat -c %u:%a $cfg)" = 101000:640 ] || fail "owner/mode not kept: $(stat -c %u:%a $cfg)"
pass "owner and mode kept: $(stat -c %U:%a $cfg)"
wait_until 5 "one alert is written" alerts_are 1 '"agent":"jack-supervisor"'
pass "alert: $(grep '"agent":"jack-supervisor"' $alerts)"
journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=restore | grep -q "restored $cfg from $cfg.bak.1" \
  || fail "the restore is not in the journal"
pass "journal: $(journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=restore | tail -n 1)"
# The package's catalog explains it: journalctl -x shows its text under the entry, with the
# bot and the backup filled in.
explained=$(journalctl -u $js --no-pager -x -o short OPENCLAW_EVENT=restore | tail -n 20)
grep -q "The configuration of jack was restored from a backup" <<<"$explained" ||
  fail "journalctl -x shows no catalog text for the restore: $explained"
grep -q "the newest valid backup ($cfg.bak.1)" <<<"$explained" ||
  fail "the catalog text does not name the backup: $explained"
pass "journalctl -x: $(grep -m 1 'Subject\|The configuration of jack' <<<"$explained" | sed 's/^ *//')"
journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=recovered | tail -n 1 | sed 's/^/   journal: /'
shown=$(openclaw-agentctl alerts --limit 1)
grep -q "RECOVERED  jack-supervisor  jack  recovered: jack is healthy again" <<<"$shown" \
  || fail "openclaw-agentctl alerts does not show it: $shown"
pass "agentctl alerts: $(cut -c1-120 <<<"$shown")"

step "every backup invalid: no storm, one critical alert, the supervisor stays up"
for f in $cfg.bak.1 /root/oc-backups/jack/openclaw-20260101.json; do echo '{ "gateway": {} }' > $f; done
sup_pid=$(unit_prop $js MainPID)
corrupt_and_kill
wait_until 10 "a critical alert is raised" alerts_are 1 '"level":"critical"'
pass "alert: $(grep '"level":"critical"' $alerts | tail -n 1 | cut -c1-400)"
settled() { ! is_state $gw activating && ! is_state $gw active; }
wait_until 10 "the gateway is left stopped, not restarting" settled
n0=$(unit_prop $gw NRestarts)
# An observation window, not a synchronisation: nothing may restart the gateway in it.
sleep 6
n1=$(unit_prop $gw NRestarts)
[ "$n1" = "$n0" ] || fail "NRestarts went from $n0 to $n1 after the supervisor gave up"
[ "$n1" -le 5 ] || fail "NRestarts is $n1: a storm"
pass "NRestarts stays at $n1; gateway $(systemctl is-active $gw)"
[ "$(alert_count '"level":"critical"')" = 1 ] || fail "more than one critical alert"
is_state $js active || fail "$js is not active"
pass "one critical alert; $js active, STATUS: $(unit_prop $js StatusText)"
openclaw-agentctl restore jack --dry-run | sed 's/^/   agentctl: /' || true

step "fixing the config by hand brings the bot back, without restarting the supervisor"
valid_config "fixed by hand" > $cfg
fixed() { healthy && grep -q 'fixed by hand' $cfg; }
wait_until 10 "the gateway answers again on the fixed config" fixed
[ "$(unit_prop $js MainPID)" = "$sup_pid" ] || fail "the supervisor was restarted"
pass "supervisor pid $sup_pid unchanged"
wait_until 5 "a recovered alert follows" alerts_are 2 '"level":"recovered"'
journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=resumed | tail -n 1 | sed 's/^/   journal: /'

step "a config healthy for stable_sec is kept as last-known-good, and restored when no backup is valid"
STABLE_SEC=2 write_supervisor_config 5 >/dev/null
systemctl reload $js
snaps=/var/lib/openclaw-agents/jack-supervisor/snapshots/jack
snapshotted() { ls $snaps 2>/dev/null | grep -q json; }
wait_until 10 "a snapshot of the running config" snapshotted
snap=$(ls $snaps/*.json | head -n 1)
grep -q 'fixed by hand' "$snap" || fail "the snapshot is not the running config"
[ "$(stat -c %a "$snap")" = 600 ] || fail "the snapshot is not mode 0600"
pass "$snap (mode 600); nothing new beside the config: $(ls $bot | tr '\n' ' ')"
corrupt_and_kill
from_snapshot() { healthy && grep -q 'fixed by hand' $cfg; }
wait_until 10 "healthy again on the snapshot (every backup is still invalid)" from_snapshot
journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=restore | tail -n 1 | grep -q "(snapshot)" \
  || fail "the restore did not come from the snapshot"
pass "journal: $(journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=restore | tail -n 1 | cut -c1-160)"
