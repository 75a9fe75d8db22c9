#!/usr/bin/env bash
# jack-supervisor against what a bot container can leave in its config folder, with a real
# systemd: bytes that are not UTF-8 and numbers beyond double's range, 60 000 dangling
# backup names, and a planted setuid world-writable file at the live path. Each time the
# gateway comes back and the supervisor neither crashes nor restarts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"

step "a stand-in gateway and the supervisor watching it"
setup_gateway
valid_config "backup 1" > $cfg.bak.1
write_supervisor_config 20
restart_supervisor
sup_pid=$(unit_prop $js MainPID)
recorded() { jq -e '.bots.jack.healthy_config.uid == 101000' /var/lib/openclaw-agents/jack-supervisor/state.json; }
wait_until 10 "the supervisor recorded the owner and mode of the healthy config" recorded
still_same_supervisor() {
  [ "$(unit_prop $js MainPID)" = "$sup_pid" ] || fail "the supervisor was restarted (pid $(unit_prop $js MainPID))"
  [ "$(unit_prop $js NRestarts)" = 0 ] || fail "the supervisor restarted $(unit_prop $js NRestarts) time(s)"
  jq -e . /var/lib/openclaw-agents/jack-supervisor/state.json >/dev/null || fail "state.json is not JSON"
}

step "a live config that is not UTF-8, and a backup holding 1e999"
printf '{ "gateway": { "mode": "\xff\xfe\xc3(" } ' > $cfg
printf '{ "gateway": { "mode": "remote", "big": 1e999, "k\xff": -1e999 }, "channels": { "telegram": {} } }' > $cfg.bak
t0=$(now_ms)
systemctl kill -s KILL $gw
on_backup_1() { healthy && grep -q 'backup 1' $cfg; }
wait_until 10 "the gateway answers again, on openclaw.json.bak.1" on_backup_1
still_same_supervisor
pass "healthy in $(( $(now_ms) - t0 )) ms; supervisor pid $sup_pid, no restart, state.json parses"
journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=restore | tail -n 1 | cut -c1-200 | sed 's/^/   journal: /'

step "60 000 dangling openclaw.json.bak.* links"
cd $bot
for i in $(seq 1 60000); do echo "openclaw.json.bak.l$i"; done | xargs -n 5000 sh -c 'for n; do ln -s /nonexistent/x "$n"; done' _
cd - >/dev/null
[ "$(ls $bot | grep -c '^openclaw.json.bak.l')" = 60000 ] || fail "not 60 000 links"
valid_config "backup 2" > $cfg.bak.1
corrupt_and_kill
t0=$(now_ms)
on_backup_2() { healthy && grep -q 'backup 2' $cfg; }
wait_until 20 "the gateway answers again, on the one real backup among 60 000 names" on_backup_2
still_same_supervisor
pid=$(unit_prop $js MainPID)
pass "healthy in $(( $(now_ms) - t0 )) ms; supervisor peak RSS $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status), now $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
openclaw-agentctl restore jack --dry-run | grep '^skipped' | sed 's/^/   agentctl: /'
find $bot -maxdepth 1 -name 'openclaw.json.bak.l*' -delete

step "a planted setuid, world-writable file at the live path"
rm -f $cfg
printf '{ "gateway": ' > $cfg
chown 101000:101000 $cfg
chmod 06777 $cfg
systemctl kill -s KILL $gw
on_backup_2_again() { healthy && grep -q 'backup 2' $cfg; }
wait_until 10 "the gateway answers again" on_backup_2_again
mode=$(stat -c %a $cfg)
owner=$(stat -c %u:%g $cfg)
[ "$owner:$mode" = "101000:101000:640" ] || fail "the restored config is $owner mode $mode, not as seen healthy (101000:101000 640)"
still_same_supervisor
pass "restored as $owner mode $mode, as the supervisor saw it healthy; the planted file is kept as $(ls $bot | grep broken | tail -n 1) ($(stat -c %a $bot/$(ls $bot | grep broken | tail -n 1)))"
