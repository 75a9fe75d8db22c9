#!/usr/bin/env bash
# flag-watcher against a real systemd: revives, flags left while it was down, hostile
# entries, a burst of 500 flags, a start-limit latch, and kill -9 mid-revive.
. "$(dirname "$0")/lib.sh"
flags=/root/oc-flags
u=oc-gateway.service
fw=openclaw-flag-watcher
mkdir -p $flags
# A stand-in gateway: counts its starts; stopping it takes a moment, like a real gateway.
cat > /run/systemd/system/$u <<UNIT
[Unit]
StartLimitIntervalSec=60
StartLimitBurst=5
[Service]
ExecStartPre=/bin/sh -c 'echo start >> /root/oc-gateway.starts'
ExecStart=/bin/sleep infinity
ExecStop=/bin/sleep 2
UNIT
systemctl daemon-reload
systemctl start $u
cat > /etc/openclaw-agents/flag-watcher.json <<CONF
{ "directories": [ { "path": "$flags", "allow": ["jack"] } ],
  "targets": { "jack": { "unit": "$u" } },
  "min_interval_sec": 3, "max_per_hour": 60,
  "log_file": "/root/oc-watchdog.log" }
CONF
systemctl restart $fw
wait_until 10 "$fw is active" is_state $fw active

stamp() { unit_prop $u ExecMainStartTimestampMonotonic; }
starts() { wc -l < /root/oc-gateway.starts; }
gone() { [ ! -e "$flags/$1" ] && [ ! -L "$flags/$1" ]; }
stamp_changed() { [ "$(stamp)" != "$1" ] && is_state $u active; }
interval_passed() { [ "$(date +%s)" -ge $(( $1 + 4 )) ]; }

step "touch revive-jack.flag restarts the unit and the flag is gone"
before=$(stamp)
touch $flags/revive-jack.flag
wait_until 10 "the gateway restarted" stamp_changed "$before"
wait_until 5 "the flag is gone" gone revive-jack.flag
journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=revive | tail -n 1 | sed 's/^/   journal: /'
grep -q "jack restarted via flag" /root/oc-watchdog.log || fail "no line in the human log"
pass "log_file: $(tail -n 1 /root/oc-watchdog.log)"
last=$(date +%s)

step "hostile entries: no restart, nothing followed, daemon stays active"
sum=$(sha256sum /etc/passwd)
before=$(stamp)
wait_until 10 "the coalescing interval passed" interval_passed "$last"
ln -s /etc/passwd $flags/revive-jack.flag
wait_until 5 "the symlink was removed" gone revive-jack.flag
mkfifo $flags/revive-jack.flag
wait_until 5 "the FIFO was removed" gone revive-jack.flag
mkdir $flags/revive-jack.flag
wait_until 5 "the folder was removed" gone revive-jack.flag
touch $flags/revive-unknown.flag
wait_until 5 "revive-unknown.flag was removed" gone revive-unknown.flag
[ "$(stamp)" = "$before" ] || fail "a hostile entry restarted the gateway"
[ "$(sha256sum /etc/passwd)" = "$sum" ] || fail "/etc/passwd changed"
is_state $fw active || fail "$fw is not active"
pass "gateway not restarted, /etc/passwd unchanged, $fw active"
journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=flag-rejected | tail -n 4 | sed 's/^/   journal: /'

step "a flag dropped while the daemon was down is handled at start-up"
systemctl stop $fw
before=$(stamp)
touch $flags/revive-jack.flag
systemctl start $fw
wait_until 10 "the gateway restarted" stamp_changed "$before"
wait_until 5 "the flag is gone" gone revive-jack.flag
last=$(date +%s)

step "500 flags in one second: one restart per interval, daemon stays active"
wait_until 10 "the coalescing interval passed" interval_passed "$last"
n0=$(starts)
t0=$(date +%s)
since=$(date '+%Y-%m-%d %H:%M:%S')
for i in $(seq 1 500); do : > $flags/revive-jack.flag; done
t1=$(date +%s)
wait_until 10 "the last flag is gone" gone revive-jack.flag
wait_until 15 "the gateway is active" is_state $u active
settled() { [ -z "$(unit_prop $u Job)" ] && is_state $u active; }
wait_until 15 "no job left on the gateway" settled
n=$(( $(starts) - n0 ))
allowed=$(( (t1 - t0) / 3 + 1 ))
is_state $fw active || fail "$fw is not active after the burst"
[ "$n" -ge 1 ] && [ "$n" -le "$allowed" ] || fail "$n restarts for a burst of $((t1 - t0 + 1)) s (allowed 1..$allowed)"
coalesced=$(journalctl -u $fw --since "$since" --no-pager OPENCLAW_EVENT=revive-coalesced | grep -c coalesced || true)
pass "$n restart(s) for 500 flags written in $((t1 - t0)) s; $coalesced coalesced"
last=$(date +%s)
wait_until 10 "the coalescing interval passed" interval_passed "$last"
before=$(stamp)
touch $flags/revive-jack.flag
wait_until 10 "a flag after the interval still restarts the gateway" stamp_changed "$before"

step "a unit latched in start-limit-hit is revived"
for i in $(seq 1 8); do systemctl restart $u 2>/dev/null || true; done
latched() { [ "$(unit_prop $u Result)" = start-limit-hit ] && is_state $u failed; }
wait_until 30 "the gateway is latched in start-limit-hit" latched
last=$(date +%s)
wait_until 10 "the coalescing interval passed" interval_passed "$last"
touch $flags/revive-jack.flag
wait_until 15 "the gateway is active again" is_state $u active
pass "$(journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=reset-failed | tail -n 1)"

step "kill -9 between a flag and its restart: the restart happens exactly once"
settled_fw() { is_state $fw active && ! grep -qs in_flight_since /run/openclaw-agents/flag-watcher/in-flight.json; }
wait_until 15 "nothing in flight" settled_fw
last=$(date +%s)
wait_until 10 "the coalescing interval passed" interval_passed "$last"
pid=$(unit_prop $fw MainPID)
n0=$(starts)
touch $flags/revive-jack.flag
in_flight() { grep -qs in_flight_since /run/openclaw-agents/flag-watcher/in-flight.json; }
wait_until 5 "the revive is recorded as in flight" in_flight
kill -9 "$pid"
pass "killed $fw (pid $pid) while the gateway was being restarted"
back() { p=$(unit_prop $fw MainPID); [ "$p" != 0 ] && [ "$p" != "$pid" ] && is_state $fw active; }
wait_until 20 "$fw was restarted by systemd" back
wait_until 20 "the interrupted revive is resolved" settled_fw
wait_until 15 "the gateway is active" settled
n=$(( $(starts) - n0 ))
[ "$n" = 1 ] || fail "the gateway started $n times for one flag"
pass "the gateway started exactly once"
journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=revive-resumed | tail -n 1 | sed 's/^/   journal: /'

step "openclaw-agentctl revive asks for the same action and reports the outcome"
last=$(date +%s)
wait_until 10 "the coalescing interval passed" interval_passed "$last"
before=$(stamp)
out=$(openclaw-agentctl revive jack) || fail "agentctl revive exited $?: $out"
grep -q "revived jack (done)" <<<"$out" || fail "unexpected output: $out"
[ "$(stamp)" != "$before" ] || fail "the gateway was not restarted"
pass "$(tail -n 1 <<<"$out")"
set +e
openclaw-agentctl revive nobody >/dev/null 2>&1
rc=$?
set -e
[ $rc -ne 0 ] || fail "agentctl revive of an unknown target exited 0"
pass "an unknown target is refused (exit $rc)"

step "a log_file replaced by a symlink is not written through"
sum=$(sha256sum /etc/passwd)
rm -f /root/oc-watchdog.log
ln -s /etc/passwd /root/oc-watchdog.log
last=$(date +%s)
wait_until 10 "the coalescing interval passed" interval_passed "$last"
before=$(stamp)
touch $flags/revive-jack.flag
wait_until 10 "the gateway restarted" stamp_changed "$before"
log_refused() { journalctl -u $fw --no-pager OPENCLAW_EVENT=log-file-refused | grep -q oc-watchdog.log; }
wait_until 5 "the journal says the log file was refused" log_refused
[ "$(sha256sum /etc/passwd)" = "$sum" ] || fail "/etc/passwd changed"
pass "/etc/passwd unchanged"

step "over max_per_hour: refused with an alert, watching goes on, and a restart keeps the count"
sed -i 's/"max_per_hour": 60/"max_per_hour": 2/' /etc/openclaw-agents/flag-watcher.json
systemctl reload $fw
last=$(date +%s)
wait_until 10 "the coalescing interval passed" interval_passed "$last"
before=$(stamp)
touch $flags/revive-jack.flag
wait_until 5 "the flag is gone" gone revive-jack.flag
refused() { journalctl -u $fw --no-pager OPENCLAW_EVENT=revive-refused | grep -q "refused revive of jack"; }
wait_until 5 "the journal says the revive was refused" refused
grep -q '"event":"revive-refused"' /var/lib/openclaw-agents/alerts.jsonl || fail "no alert"
[ "$(stamp)" = "$before" ] || fail "the gateway was restarted over the budget"
systemctl restart $fw
touch $flags/revive-jack.flag
wait_until 5 "the flag is gone" gone revive-jack.flag
n=$(journalctl -u $fw --no-pager OPENCLAW_EVENT=revive-refused | grep -c "refused revive of jack")
[ "$n" -ge 2 ] || fail "after a daemon restart the budget was reset ($n refusals)"
[ "$(stamp)" = "$before" ] || fail "the gateway was restarted over the budget after a daemon restart"
is_state $fw active || fail "$fw is not active"
pass "refused twice, across a daemon restart; alert: $(grep revive-refused /var/lib/openclaw-agents/alerts.jsonl | tail -n 1)"
