#!/usr/bin/env bash
# After dpkg -i: every agent is active with a STATUS line, the flag-watcher's start-up
# entry is structured in the journal, and systemd-analyze verifies every unit.
. "$(dirname "$0")/lib.sh"

step "every agent is active and says what it is doing"
for a in "${AGENTS[@]}"; do
  wait_until 10 "openclaw-$a is active" is_state "openclaw-$a" active
  status=$(unit_prop "openclaw-$a" StatusText)
  [ -n "$status" ] || fail "openclaw-$a has no STATUS line"
  pass "openclaw-$a STATUS: $status"
done
wait_until 5 "openclaw-vps-bridge.socket is active" is_state openclaw-vps-bridge.socket active

step "the flag-watcher's start-up entry carries structured fields"
entry=$(journalctl -u openclaw-flag-watcher -o verbose --no-pager OPENCLAW_EVENT=start)
grep -q 'SYSLOG_IDENTIFIER=openclaw-flag-watcher' <<<"$entry" || fail "no SYSLOG_IDENTIFIER in: $entry"
grep -q 'OPENCLAW_EVENT=start' <<<"$entry" || fail "no OPENCLAW_EVENT=start in: $entry"
grep -q 'OPENCLAW_CONFIG=/etc/openclaw-agents/flag-watcher.json' <<<"$entry" || fail "no OPENCLAW_CONFIG in: $entry"
pass "$(grep -E '^ +MESSAGE=' <<<"$entry" | head -n 1 | sed 's/^ *//')"

step "the bridge answers on its socket, and only with the token"
token=$(cat /etc/openclaw-agents/vps-bridge.token)
[ "$(stat -c %a /etc/openclaw-agents/vps-bridge.token)" = 600 ] || fail "token file is not mode 0600"
code=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18790/api/vps/status)
[ "$code" = 401 ] || fail "without a token the bridge said $code, not 401"
body=$(curl -sf -H "Authorization: Bearer $token" http://127.0.0.1:18790/api/vps/status) || fail "with the token the bridge refused"
grep -q '"status":"ok"' <<<"$body" || fail "unexpected answer: $body"
pass "401 without the token; with it: $body"

step "openclaw-agentctl status sees every agent active"
openclaw-agentctl status || fail "agentctl status exited $?"
openclaw-agentctl status --json | grep -c '"active_state": "active"' | grep -qx 5 || fail "agentctl --json does not show 5 active agents"
pass "5 active agents in --json"

step "systemd-analyze verify passes on every unit"
for u in /lib/systemd/system/openclaw-*.service /lib/systemd/system/openclaw-*.socket; do
  out=$(systemd-analyze verify "$u" 2>&1) || fail "verify $u: $out"
  [ -z "$out" ] || fail "verify $u printed: $out"
done
pass "no complaints"

step "exposure per unit (systemd-analyze security)"
for a in "${AGENTS[@]}"; do
  line=$(systemd-analyze security "openclaw-$a.service" --no-pager | tail -n 1)
  score=$(grep -oE '[0-9]+\.[0-9]+' <<<"$line" | head -n 1)
  awk -v s="$score" 'BEGIN { exit !(s < 4.0) }' || fail "openclaw-$a exposure $score is not below 4.0"
  pass "openclaw-$a: $score"
done
