#!/usr/bin/env bash
# SIGHUP with a broken config keeps the daemon running on the old one; a good one applies.
. "$(dirname "$0")/lib.sh"
u=openclaw-flag-watcher
conf=/etc/openclaw-agents/flag-watcher.json
wait_until 10 "$u is active" is_state $u active
pid=$(unit_prop $u MainPID)
cp $conf /root/flag-watcher.json.orig

step "a wrong-typed key: reload is refused, same process, still active"
since=$(date '+%Y-%m-%d %H:%M:%S')
sed 's/"min_interval_sec": 10/"min_interval_sec": "ten"/' /root/flag-watcher.json.orig > $conf
grep -q '"ten"' $conf || fail "test setup: config not broken"
systemctl reload $u
refused() { journalctl -u $u --since "$since" --no-pager OPENCLAW_EVENT=reload-refused | grep -q 'min_interval_sec'; }
wait_until 10 "the journal says the reload was refused, naming min_interval_sec" refused
is_state $u active || fail "$u is $(systemctl is-active $u) after a refused reload"
[ "$(unit_prop $u MainPID)" = "$pid" ] || fail "MainPID changed from $pid"
pass "still active as pid $pid"
journalctl -u $u --since "$since" --no-pager -o cat | sed 's/^/   journal: /'

step "a valid config: reload applies it"
since=$(date '+%Y-%m-%d %H:%M:%S')
mkdir -p /root/reload-flags
cat > $conf <<'CONF'
{ "directories": [ { "path": "/root/reload-flags", "allow": ["jack"] } ],
  "targets": { "jack": { "unit": "oc-none.service" } } }
CONF
systemctl reload $u
reloaded() { journalctl -u $u --since "$since" --no-pager OPENCLAW_EVENT=reload | grep -q 'reloaded'; }
wait_until 10 "the journal says the configuration was reloaded" reloaded
[ "$(unit_prop $u MainPID)" = "$pid" ] || fail "MainPID changed from $pid"
applied() { unit_prop $u StatusText | grep -q "watching 1/1 folder"; }
wait_until 5 "STATUS shows the new folder" applied
pass "STATUS: $(unit_prop $u StatusText)"
