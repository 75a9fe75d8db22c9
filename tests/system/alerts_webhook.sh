#!/usr/bin/env bash
# Alerts from every agent to a webhook: notify.json names a receiver on loopback (the stand-in
# agent's /hc/ recorder), flag-watcher fails a revive (its unit does not exist) and disk-guard
# finds a mount over its critical threshold; the receiver gets both alerts as JSON bodies.
# Then `openclaw-agentctl alert-test`: delivered (exit 0), a dead receiver (exit 1), no
# channel (exit 3); and a broken notify.json at a reload keeps the channels in force.
#   alerts_webhook.sh PATH-TO-oc-agent-standin
. "$(dirname "$0")/lib.sh"
receiver=${1:?usage: $0 PATH-TO-oc-agent-standin}
fw=openclaw-flag-watcher
dg=openclaw-disk-guard
DEBUG_UNITS="$fw $dg"
notify=/etc/openclaw-agents/notify.json
flags=/root/oc-flags
mnt=/srv/dg
trap 'kill $receiver_pid 2>/dev/null || true; umount "$mnt" 2>/dev/null || true' EXIT

step "a webhook receiver on loopback, named by notify.json"
"$receiver" 0 --name hook > /run/hook.port 2> /run/hook.log &
receiver_pid=$!
wait_until 10 "the receiver prints its port" test -s /run/hook.port
hook="http://127.0.0.1:$(head -n 1 /run/hook.port)"
echo "{ \"webhook\": { \"url\": \"$hook/hc/alerts\" } }" > $notify
# bodies: every alert the receiver got, one JSON object a line.
bodies() { curl -sf "$hook/hc-log" | jq -c '.[] | select(.path == "/hc/alerts") | .body | fromjson'; }
# got AGENT EVENT: such a body arrived (-s: an empty log is false, not vacuously true).
got() { bodies | jq -s -e --arg a "$1" --arg e "$2" 'any(.[]; .agent == $a and .event == $e)' >/dev/null; }
pass "$notify: $(cat $notify)"

step "flag-watcher: a revive that fails (the unit does not exist) reaches the webhook"
mkdir -p $flags
cat > /etc/openclaw-agents/flag-watcher.json <<CONF
{ "directories": [ { "path": "$flags", "allow": ["jack"] } ],
  "targets": { "jack": { "unit": "oc-absent.service" } } }
CONF
openclaw-flag-watcher --check-config || fail "flag-watcher's config with notify.json does not check"
restart_marked $fw
touch $flags/revive-jack.flag
wait_until 15 "a flag-watcher revive-failed alert at the webhook" got flag-watcher revive-failed
body=$(bodies | jq -c 'select(.agent == "flag-watcher")' | sed -n 1p)
[ -n "$body" ] || fail "no flag-watcher body"
for f in level agent event target message ts details text; do
  jq -e --arg f $f 'has($f)' <<<"$body" >/dev/null || fail "the body has no $f: $body"
done
jq -e '.text | startswith("[CRITICAL] flag-watcher: ")' <<<"$body" >/dev/null ||
  fail "text is not '[CRITICAL] flag-watcher: ...': $body"
pass "body: $(cut -c1-300 <<<"$body")"

step "disk-guard: a mount over its critical threshold reaches the webhook"
mkdir -p $mnt
mount -t tmpfs -o size=8M tmpfs $mnt
# 10 of 32 chunks: 31 %, over critical 20; nothing can be pruned.
head -c $((10 * 262144)) /dev/zero > $mnt/filler
cat > /etc/openclaw-agents/disk-guard.json <<CONF
{ "mounts": [ { "path": "$mnt", "act_percent": 10, "target_percent": 5, "critical_percent": 20 } ],
  "interval_sec": 5, "prune": [], "journal_vacuum_size": "100M", "docker_prune": false,
  "dry_run": false }
CONF
restart_marked $dg
wait_until 20 "a disk-guard disk-critical alert at the webhook" got disk-guard disk-critical
pass "body: $(bodies | jq -c 'select(.agent == "disk-guard")' | sed -n 1p | cut -c1-300)"

step "the outboxes are empty once delivered"
for a in flag-watcher disk-guard; do
  echo "   $a: $(ls -A /var/lib/openclaw-agents/$a/webhook-outbox 2>&1 | paste -sd' ' -)"
done
echo "   bodies: $(bodies | wc -l); log: $(curl -sf "$hook/hc-log" | cut -c1-600)"
empty() { [ -z "$(ls -A /var/lib/openclaw-agents/$1/webhook-outbox | grep '^msg-' || true)" ]; }
wait_until 10 "flag-watcher's webhook outbox is empty" empty flag-watcher
wait_until 10 "disk-guard's webhook outbox is empty" empty disk-guard
outboxes=$( (openclaw-agentctl status --json || true) | jq -c '[.alert_outbox[] | select(.channel == "webhook")]')
jq -e 'map(select(.agent == "flag-watcher" or .agent == "disk-guard")) | length == 2 and all(.depth == 0)' \
  <<<"$outboxes" >/dev/null || fail "status does not show the two empty webhook outboxes: $outboxes"
pass "openclaw-agentctl status --json: $outboxes"

step "openclaw-agentctl alert-test: delivered"
rc=0
out=$(openclaw-agentctl alert-test 2>>/run/alert-test.err) || rc=$?
[ "$rc" = 0 ] || fail "alert-test exited $rc: $out"
[ "$out" = "webhook: delivered" ] || fail "alert-test said: $out"
got agentctl alert-test || fail "no alert-test body at the receiver: $(bodies)"
jq -e 'select(.event == "alert-test")' /var/lib/openclaw-agents/alerts.jsonl >/dev/null ||
  fail "alert-test wrote no line in alerts.jsonl"
pass "$out; in alerts.jsonl too"

step "alert-test against a receiver that is gone: exit 1, the reason, no token"
echo "secret-hook-token" > /etc/openclaw-agents/hook.token
echo "{ \"webhook\": { \"url\": \"http://127.0.0.1:9/none\", \"token_file\": \"/etc/openclaw-agents/hook.token\" } }" > $notify
rc=0
out=$(openclaw-agentctl alert-test 2>>/run/alert-test.err) || rc=$?
[ "$rc" = 1 ] || fail "alert-test exited $rc against a closed port: $out"
grep -q '^webhook: failed: the webhook unreachable' <<<"$out" || fail "alert-test said: $out"
! grep -q secret-hook-token <<<"$out$(cat /run/alert-test.err)" || fail "alert-test printed the token: $out"
pass "exit 1: $out"

step "alert-test with no channel: exit 3, saying so"
echo "{}" > $notify
rc=0
out=$(openclaw-agentctl alert-test 2>>/run/alert-test.err) || rc=$?
[ "$rc" = 3 ] || fail "alert-test exited $rc with no channel: $out"
grep -q "no alert channel configured" <<<"$out" || fail "alert-test said: $out"
pass "exit 3: $out"

step "a broken notify.json at a reload is refused, naming the key; the agent keeps running"
restart_marked $dg
echo "{ \"webhook\": { \"url\": \"gopher://x\" } }" > $notify
systemctl reload $dg || true
wait_until 10 "disk-guard refused the reload" jr_at_least 1 OPENCLAW_EVENT=reload-refused
jr OPENCLAW_EVENT=reload-refused | grep -q webhook.url || fail "the refusal does not name webhook.url: $(jr OPENCLAW_EVENT=reload-refused)"
is_state $dg active || fail "$dg is not active after a bad reload"
pass "$(jr OPENCLAW_EVENT=reload-refused | jq -r .MESSAGE | paste -sd' ' - | cut -c1-200)"
rm -f $notify
