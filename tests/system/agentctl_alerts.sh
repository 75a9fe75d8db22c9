#!/usr/bin/env bash
# openclaw-agentctl alerts: --agent, --level and --since pick lines of the shared alert log;
# --follow prints each new alert as it is appended, filtered, and goes on across a rotation.
# The lines are appended here as an agent appends them (one write a line); the agents' own
# appends are tested with each agent.
. "$(dirname "$0")/lib.sh"
log=/var/lib/openclaw-agents/alerts.jsonl
# alert TS LEVEL AGENT MESSAGE: one line, as the lib writes it.
alert() {
  printf '{"ts":"%s","level":"%s","agent":"%s","event":"test","target":"t","message":"%s","details":{}}\n' \
    "$1" "$2" "$3" "$4" >> $log
}
now() { date -u +%FT%TZ; }

step "filters over what is in the log"
alert 2020-01-01T00:00:00Z critical disk-guard "old critical"
alert "$(now)" warning disk-guard "new warning"
alert "$(now)" critical disk-guard "new critical"
alert "$(now)" critical flag-watcher "flag critical"
got=$(openclaw-agentctl alerts --agent disk-guard --level critical --json | jq -r .message | paste -sd,)
[ "$got" = "old critical,new critical" ] || fail "--agent disk-guard --level critical: $got"
got=$(openclaw-agentctl alerts --agent disk-guard --level critical --since 1h --json | jq -r .message)
[ "$got" = "new critical" ] || fail "with --since 1h: $got"
got=$(openclaw-agentctl alerts --level critical --limit 1 --json | jq -r .message)
[ "$got" = "flag critical" ] || fail "--limit 1 after the filter: $got"
set +e
out=$(openclaw-agentctl alerts --since yesterday 2>&1)
rc=$?
set -e
[ $rc = 2 ] && grep -q "30m" <<<"$out" || fail "a bad --since: exit $rc, $out"
pass "agent, level, since and limit; a bad --since says what is accepted"

step "--follow prints new critical alerts as they come, across a rotation"
openclaw-agentctl alerts --follow --level critical --limit 1 > /run/follow.out 2>&1 &
follower=$!
trap 'kill $follower 2>/dev/null || true' EXIT
wait_until 5 "the newest critical alert is listed first" grep -q "flag critical" /run/follow.out
alert "$(now)" critical jack-supervisor "after the start"
wait_until 5 "a new critical alert is printed" grep -q "after the start" /run/follow.out
alert "$(now)" warning jack-supervisor "a warning"
mv $log $log.1  # what a rotation does; the next append creates the log again
alert "$(now)" critical acl-keeper "after the rotation"
wait_until 5 "the alert after the rotation is printed" grep -q "after the rotation" /run/follow.out
grep -q "a warning" /run/follow.out && fail "a warning passed --level critical: $(cat /run/follow.out)"
kill $follower
pass "$(wc -l < /run/follow.out) lines: $(cut -c1-60 /run/follow.out | paste -sd'|')"
