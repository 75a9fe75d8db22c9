#!/usr/bin/env bash
# A container floods its flag folder once the hourly budget is spent: 3 000 refused flags
# cost a handful of alert and journal lines, flag-watcher keeps its PID, and a flag after a
# reload with a bigger budget still revives. On the way: alerts.jsonl rotates at its size
# and `openclaw-agentctl alerts` reads across the generations; junk names are removed with a
# bounded number of journal lines; stopping the daemon tells the counts still open.
. "$(dirname "$0")/lib.sh"
flags=/root/oc-flood-flags
u=oc-flood.service
fw=openclaw-flag-watcher
alerts=/var/lib/openclaw-agents/alerts.jsonl
DEBUG_UNITS="$fw $u"
mkdir -p $flags
# A stand-in gateway that counts its starts.
cat > /run/systemd/system/$u <<UNIT
[Service]
ExecStartPre=/bin/sh -c 'echo start >> /root/oc-flood.starts'
ExecStart=/bin/sleep infinity
UNIT
systemctl daemon-reload
systemctl start $u
write_config() {
  cat > /etc/openclaw-agents/flag-watcher.json <<CONF
{ "directories": [ { "path": "$flags", "allow": ["jack"] } ],
  "targets": { "jack": { "unit": "$u" } },
  "min_interval_sec": 1, "max_per_hour": $1 }
CONF
}
write_config 1
systemctl stop $fw
rm -f $alerts $alerts.* /var/lib/openclaw-agents/flag-watcher/state.json
# 1 MiB and a bit of older alerts: the next alert written is the one that rotates the log.
awk 'BEGIN { pad = sprintf("%300s", ""); gsub(/ /, "x", pad)
             for (i = 0; i < 3200; i++)
               printf "{\"ts\":\"2026-01-01T00:00:00Z\",\"level\":\"info\",\"agent\":\"seed\",\"event\":\"seed\",\"target\":\"t\",\"message\":\"seed line %d\",\"details\":{\"pad\":\"%s\"}}\n", i, pad }' > $alerts
[ "$(stat -c %s $alerts)" -gt 1048576 ] || fail "the seeded log is under 1 MiB"
restart_marked $fw

stamp() { unit_prop $u ExecMainStartTimestampMonotonic; }
starts() { wc -l < /root/oc-flood.starts; }
gone() { [ ! -e "$flags/$1" ] && [ ! -L "$flags/$1" ]; }
stamp_changed() { [ "$(stamp)" != "$1" ] && is_state $u active; }
nothing_in_flight() { ! grep -qs in_flight_since /run/openclaw-agents/flag-watcher/in-flight.json; }
interval_passed() { [ "$(date +%s)" -ge $(( $1 + 2 )) ]; }
fw_lines() { jr "$@" | wc -l; }
alert_lines() { cat $alerts $alerts.* 2>/dev/null | grep -c "$1" || true; }

step "spend the budget of one restart an hour"
before=$(stamp)
touch $flags/revive-jack.flag
wait_until 10 "the gateway restarted" stamp_changed "$before"
wait_until 10 "nothing in flight" nothing_in_flight
last=$(date +%s)
wait_until 10 "the coalescing interval passed" interval_passed "$last"
pid=$(unit_prop $fw MainPID)
n0=$(starts)
before=$(stamp)

step "3 000 refused flags, each written once the previous one is gone"
t0=$(date +%s%N)
for i in $(seq 1 3000); do
  : > $flags/revive-jack.flag
  # Busy-polls the folder, not the clock: the next flag goes in once this one is handled.
  spins=0
  while [ -e $flags/revive-jack.flag ]; do
    spins=$((spins + 1))
    [ $spins -lt 5000000 ] || fail "flag $i was not removed"
  done
done
t1=$(date +%s%N)
pass "3000 flags handled in $(( (t1 - t0) / 1000000 )) ms"
[ "$(unit_prop $fw MainPID)" = "$pid" ] || fail "$fw was restarted (pid $pid -> $(unit_prop $fw MainPID))"
is_state $fw active || fail "$fw is not active"
pass "$fw still pid $pid, active"
[ "$(stamp)" = "$before" ] && [ "$(starts)" = "$n0" ] || fail "the gateway was restarted over the budget"
pass "the gateway was not restarted"
refused_alerts=$(alert_lines '"event":"revive-refused"')
fw_alerts=$(alert_lines '"agent":"flag-watcher"')
[ "$refused_alerts" = 1 ] || fail "$refused_alerts revive-refused alert lines (want 1 until the window ends)"
[ "$fw_alerts" -le 5 ] || fail "$fw_alerts alert lines from flag-watcher"
pass "alert lines from flag-watcher: $fw_alerts ($refused_alerts revive-refused)"
# The alert's own line, then per started minute five lines and one summary.
refused_journal=$(fw_lines OPENCLAW_EVENT=revive-refused)
allowed=$(( 1 + 6 * ((t1 - t0) / 60000000000 + 1) ))
[ "$refused_journal" -le "$allowed" ] || fail "$refused_journal journal lines for revive-refused (allowed $allowed)"
pass "journal lines for revive-refused: $refused_journal"
grep -q '"level":"warning"' <(grep revive-refused $alerts $alerts.* 2>/dev/null) || fail "the alert has no level"
pass "alert: $(grep -h revive-refused $alerts $alerts.* 2>/dev/null | head -n 1 | cut -c1-220)"

step "the first alert rotated the seeded log; agentctl reads across the generations"
[ -f $alerts.1 ] || fail "no $alerts.1"
grep -q '"seed line 3199"' $alerts.1 || fail "the seeded lines are not in $alerts.1"
grep -q '"event":"revive-refused"' $alerts.1 || fail "the rotating alert is not in $alerts.1"
[ ! -e $alerts.2 ] || fail "rotated twice"
pass "$(ls -l $alerts* | awk '{print $5, $9}' | tr '\n' ' ')"
shown=$(openclaw-agentctl alerts --limit 2)
grep -q "seed line 3199" <<<"$shown" && grep -q "WARNING  flag-watcher  jack  revive-refused" <<<"$shown" \
  || fail "openclaw-agentctl alerts --limit 2 shows: $shown"
pass "agentctl alerts: $(tail -n 1 <<<"$shown" | cut -c1-120)"

step "a reload with a bigger budget: the next flag revives, same pid"
write_config 3
systemctl reload $fw
wait_until 10 "$fw is active after the reload" is_state $fw active
touch $flags/revive-jack.flag
wait_until 10 "the gateway restarted" stamp_changed "$before"
[ "$(unit_prop $fw MainPID)" = "$pid" ] || fail "$fw was restarted"
pass "revived; $fw still pid $pid"

step "1 000 junk names at once: all removed, a handful of journal lines"
for i in $(seq 1 1000); do : > "$flags/junk-$i"; done
empty() { [ -z "$(ls -A $flags)" ]; }
wait_until 20 "every junk name was removed" empty
rejected=$(fw_lines OPENCLAW_EVENT=flag-rejected)
[ "$rejected" -le 6 ] || fail "$rejected journal lines for flag-rejected"
pass "journal lines for flag-rejected: $rejected"

step "stopping the daemon tells the counts still open"
systemctl stop $fw
follow_up() { jq -e 'select(.event == "revive-refused" and .details.repeats == 2999)' $alerts >/dev/null 2>&1; }
wait_until 5 "one follow-up alert counts the 2999 repeats" follow_up
pass "follow-up: $(grep -h '"repeats"' $alerts | cut -c1-220)"
[ "$(alert_lines '"event":"revive-refused"')" = 2 ] || fail "more than two revive-refused alert lines"
summary() { jr OPENCLAW_EVENT=flag-rejected | grep -q '"OPENCLAW_SUPPRESSED":"995"'; }
wait_until 5 "the journal counts the 995 junk names not logged one by one" summary
pass "journal: $(jr OPENCLAW_EVENT=flag-rejected OPENCLAW_SUPPRESSED=995 | jq -r .MESSAGE)"
shown=$(openclaw-agentctl alerts --json --limit 3)
[ "$(jq -s length <<<"$shown")" = 3 ] || fail "agentctl alerts --json --limit 3: $shown"
pass "agentctl alerts --json --limit 3 spans $(jq -r .agent <<<"$shown" | tr '\n' ' ')"
