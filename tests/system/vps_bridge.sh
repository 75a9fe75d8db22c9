#!/usr/bin/env bash
# openclaw-vps-bridge as installed: socket-activated on 127.0.0.1:18790, a DynamicUser, calling
# stand-in agents on loopback.  The token gate; history carried to an openai agent; 5xx
# retried then the fallback; 401 never retried; a 429's Retry-After waited out; the breaker
# opening, short-circuiting, alerting and reset; REST registration and sessions surviving a
# restart and a kill -9; request bounds; the journal's fields; the alert log's ownership.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bridge_lib.sh"

agent_token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
start_standin p_port primary --token "$agent_token"
start_standin s_port second
start_standin o_port solo
# The bridge is a dynamic user in group openclaw-agents: the agent's token is readable by it.
printf '%s\n' "$agent_token" >/etc/openclaw-agents/primary.token
chown root:openclaw-agents /etc/openclaw-agents/primary.token
chmod 0640 /etc/openclaw-agents/primary.token
apply_config "primary second solo" <<CONF
{
  // primary: openai with a token, two retries, then second.  solo: no retries, no fallback.
  "agents": [
    { "name": "primary", "url": "http://127.0.0.1:$p_port", "protocol": "openai",
      "model": "standin-model", "token_file": "/etc/openclaw-agents/primary.token",
      "timeout_sec": 2, "max_retries": 2, "fallback_agents": ["second"] },
    { "name": "second", "url": "http://127.0.0.1:$s_port", "protocol": "json",
      "timeout_sec": 2, "max_retries": 1 },
    { "name": "solo", "url": "http://127.0.0.1:$o_port", "protocol": "json",
      "timeout_sec": 2, "max_retries": 0 }
  ],
  "session_ttl_hours": 24,
  "allow_register": ["127.0.0.0/8"]
}
CONF

step "1. the token gate"
no_token=$(curl -s -o /dev/null -w '%{http_code}' $api/api/vps/status)
wrong=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer x$TOKEN" $api/api/vps/status)
[ "$no_token" = 401 ] || fail "no token: HTTP $no_token, expected 401"
[ "$wrong" = 401 ] || fail "a wrong token: HTTP $wrong, expected 401"
req GET /api/vps/status
expect_code 200 "the right token"
pass "no token $no_token, wrong token $wrong, right token $code ($(field .version))"

step "2. a call answered by the primary; the session's history reaches it"
call primary "first question" h-1
expect_code 200 "first call in h-1"
expect '.success and .agent_used == "primary" and .attempts == 1' "first call in h-1"
expect '.response == "primary heard: first question"' "first call's answer"
call primary "second question" h-1
expect_code 200 "second call in h-1"
seen=$(hits $p_port '[.last_body.messages[].role] | join(",")')
[ "$seen" = "user,assistant,user" ] || fail "the primary saw roles '$seen', expected user,assistant,user"
[ "$(hits $p_port .last_authorization_ok)" = true ] || fail "the primary's token did not reach it"
[ "$(hits $p_port .last_body.model)" = standin-model ] || fail "the model was not sent"
req GET /api/vps/sessions/h-1
expect '.messages | length == 4' "session h-1"
pass "2nd call: the stand-in saw $(hits $p_port '.last_body.messages | length') messages ($seen), bearer ok; session h-1 holds 4; $(field '.messages[3].content')"

step "3. the primary answers 500: two retries, then the fallback"
reset_hits $p_port
reset_hits $s_port
control $p_port '{"mode": "500", "count": -1}'
call primary "during an outage"
expect_code 200 "a call while the primary fails"
expect '.success and .agent_used == "second" and .attempts == 4' "1 + 2 retries + the fallback"
p_hits=$(hits $p_port .total)
[ "$p_hits" = 3 ] || fail "the primary had $p_hits hits, expected 3"
[ "$(hits $s_port .total)" = 1 ] || fail "the fallback had $(hits $s_port .total) hits, expected 1"
outage_request=$(field .request_id)
pass "attempts $(field .attempts), primary hits $p_hits, agent_used $(field .agent_used), latency $(field .latency_ms) ms (backoff included)"

step "4. the primary answers 401: never retried, the fallback answers"
reset_hits $p_port
control $p_port '{"mode": "401", "count": -1}'
for n in 1 2 3; do
  call primary "unauthorised $n"
  expect_code 200 "call $n while the primary says 401"
  expect '.agent_used == "second" and .attempts == 2' "call $n: one try on the primary, then second"
  got=$(hits $p_port .total)
  [ "$got" = "$n" ] || fail "after $n calls the primary had $got hits: a 401 was retried"
done
pass "3 calls, primary hits $(hits $p_port .total) (one each), answered by $(field .agent_used)"

step "5. the primary answers 429 with Retry-After: 1 once: the retry waits, then succeeds"
reset_hits $p_port
control $p_port '{"mode": "429", "count": 1, "retry_after": "1"}'
call primary "rate limited"
expect_code 200 "a call meeting one 429"
expect '.success and .agent_used == "primary" and .attempts == 2' "retried on the primary"
[ "$(hits $p_port .total)" = 2 ] || fail "the primary had $(hits $p_port .total) hits, expected 2"
lat=$(field .latency_ms)
less_than "$lat" 1000 && fail "answered in $lat ms: the retry came before Retry-After (1 s)"
pass "attempts 2 on the primary, latency $lat ms (>= 1000), trail $(field '[.trail[].class] | join(",")'))"

step "6. the breaker: opens, short-circuits, alerts, is reset"
control $p_port '{"mode": "500", "count": -1}'
control $o_port '{"mode": "500", "count": -1}'
n=0
until breaker_is primary open; do
  n=$((n + 1))
  [ $n -le 10 ] || fail "after 10 failing calls the primary's breaker is $(breaker_state primary)"
  call primary "towards the breaker $n"
  expect '.agent_used == "second"' "call $n while the primary fails"
done
pass "primary open after $n more call(s): $(get /api/health/circuit-breakers | jq -c .breakers.primary)"
before=$(hits $p_port .total)
call primary "while open"
expect '.agent_used == "second" and .attempts == 1' "the primary passed by while open"
[ "$(hits $p_port .total)" = "$before" ] || fail "the primary was called while its breaker was open"
pass "while open the primary is passed by: $(field '.trail | tojson')"
n=0
until breaker_is solo open; do
  n=$((n + 1))
  [ $n -le 10 ] || fail "after 10 failing calls solo's breaker is $(breaker_state solo)"
  call solo "towards the breaker $n"
  expect_code 502 "a failing call to solo"
done
pass "solo open after $n calls"
solo_hits=$(hits $o_port .total)
call solo "short-circuited"
expect_code 503 "a call whose whole chain is open"
expect '.success == false and .attempts == 0' "short-circuited"
[ "$(hits $o_port .total)" = "$solo_hits" ] || fail "solo was called while its breaker was open"
short_ms=$(field .latency_ms)
less_than "$short_ms" 1 || fail "a short-circuited call took $short_ms ms, expected well under 1 ms"
# Told to come back when the breaker half-opens (30 s after it opened, just now).
retry_after=$(header Retry-After)
[ -n "$retry_after" ] && [ "$retry_after" -ge 2 ] && [ "$retry_after" -le 30 ] \
  || fail "a short-circuited call said Retry-After '$retry_after', expected the breaker's 2-30 s"
pass "HTTP 503, Retry-After $retry_after s, attempts 0, latency_ms $short_ms: $(field .error)"
req GET '/api/health/alerts?limit=100'
expect '[.alerts[] | select(.event == "breaker-open" and .target == "primary")] | length >= 1' \
  "a breaker-open alert for the primary"
pass "alert: $(field '[.alerts[] | select(.event == "breaker-open")][0].message')"
req POST /api/health/circuit-breakers/primary/reset
expect_code 200 "the breaker reset"
expect '.was == "open" and .state == "closed"' "the breaker reset"
breaker_is primary closed || fail "after the reset the primary's breaker is $(breaker_state primary)"
control $p_port '{"mode": "ok"}'
reset_hits $p_port
call primary "after the reset"
expect '.success and .agent_used == "primary" and .attempts == 1' "the primary back after the reset"
pass "reset: was open, now closed; the next call answered by $(field .agent_used) ($(hits $p_port .total) hit)"

step "7. registration over REST, and what survives a restart and a kill -9"
req POST /api/vps/register "{\"name\": \"reg\", \"host\": \"127.0.0.1\", \"port\": $s_port, \"protocol\": \"json\"}"
expect_code 201 "registering reg"
expect '.agent.source == "registered"' "registering reg"
reg_url=$(field .agent.url)
req POST /api/vps/register '{"name": "meta", "host": "169.254.169.254", "port": 80}'
expect_code 403 "registering the metadata address"
meta_why=$(field .error)
req POST /api/vps/register '{"name": "far", "host": "10.9.8.7", "port": 80}'
expect_code 403 "registering an address outside allow_register"
req POST /api/vps/register "{\"name\": \"primary\", \"host\": \"127.0.0.1\", \"port\": $s_port}"
expect_code 409 "registering a config agent's name"
pass "reg 201 ($reg_url); 169.254.169.254 403 ($meta_why); 10.9.8.7 403; name clash 409"
call reg "hello reg" s-1
expect_code 200 "a call to reg in s-1"
expect '.agent_used == "reg"' "a call to reg"

# survives WHEN MESSAGES: after a restart, reg is known, s-1 holds MESSAGES, and reg answers
# with that history.
survives() {
  agents_are "primary reg second solo" || fail "after $1 the bridge lists: $(agent_names)"
  req GET /api/vps/sessions/s-1
  expect_code 200 "session s-1 after $1"
  expect ".messages | length == $2" "session s-1 after $1"
  call reg "after $1" s-1
  expect_code 200 "a call to reg after $1"
  expect '.agent_used == "reg"' "a call to reg after $1"
  [ "$(hits $s_port '.last_body.history | length')" = "$2" ] ||
    fail "after $1 reg was sent $(hits $s_port '.last_body.history | length') messages, expected $2"
  pass "after $1: reg listed, s-1 had $2 messages and reached reg, reg answered"
}
solo_reopens=$(get /api/health/circuit-breakers | jq -r .breakers.solo.reopens_in_ms)
t0=$(date +%s%N)
systemctl restart $bridge || fail "systemctl restart failed"
wait_until 10 "$bridge active after the restart" is_state $bridge active
solo_after=$(breaker_state solo)
gone=$(ms_since "$t0")
if [ "$solo_reopens" != null ] && [ "$gone" -lt $((solo_reopens - 500)) ]; then
  [ "$solo_after" = open ] ||
    fail "solo's breaker was open for $solo_reopens ms more; $gone ms later, after a restart, it is $solo_after"
  pass "solo's breaker survived the restart: open ($solo_reopens ms left before, restart took $gone ms)"
else
  pass "solo's breaker had $solo_reopens ms left and the restart took $gone ms: not judged"
fi
survives "systemctl restart" 2
pid=$(unit_prop $bridge MainPID)
kill -9 "$pid"
back() { p=$(unit_prop $bridge MainPID) && [ "$p" != 0 ] && [ "$p" != "$pid" ] && get /api/vps/status; }
wait_until 15 "the bridge is back after kill -9 of $pid" back
survives "kill -9" 4
[ -s $bridge_state/registry.json ] || fail "no registry.json in $bridge_state"
pass "state on disk: $(cd $bridge_state && find . -type f | sort | tr '\n' ' ')"

step "8. request bounds"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' x >"$work/big"
big=$(curl -s -o "$work/big.answer" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' --data-binary @"$work/big" $api/api/vps/call || true)
[ "$big" = 413 ] || fail "a body of 1 MiB + 1: HTTP $big, expected 413: $(cat "$work/big.answer")"
req POST /api/vps/call '{"agent_name": "primary", "prompt": '
expect_code 400 "malformed JSON"
expect '.error | test("JSON")' "the 400 names why"
bad_json=$(field .error)
req POST /api/vps/call '{"agent_name": "primary"}'
expect_code 400 "a call without a prompt"
chunked=$(curl -s -o "$work/chunked.answer" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Transfer-Encoding: chunked' --data-binary '{"agent_name": "primary", "prompt": "hi"}' \
  $api/api/vps/call || true)
[ "$chunked" = 411 ] || fail "a chunked body: HTTP $chunked, expected 411: $(cat "$work/chunked.answer")"
pass "1 MiB + 1: $big; malformed: 400 ($bad_json); no prompt: 400 ($(field .error)); chunked: $chunked"

step "9. the journal"
bridge_journal() {
  journalctl -q --no-pager -o json -b | jq -c "select(._SYSTEMD_UNIT == \"$bridge\") $1"
}
has_event() { [ -n "$(bridge_journal "| select(.OPENCLAW_EVENT == \"$1\")" | head -n 1)" ]; }
for event in call retry fallback breaker-open; do
  wait_until 10 "OPENCLAW_EVENT=$event in the journal" has_event $event
done
entry=$(bridge_journal "| select(.OPENCLAW_EVENT == \"call\" and .OPENCLAW_REQUEST_ID == \"$outage_request\")")
[ -n "$entry" ] || fail "no call entry with OPENCLAW_REQUEST_ID=$outage_request (step 3's call)"
got=$(jq -r '[.OPENCLAW_TARGET, .OPENCLAW_CLASS, .OPENCLAW_ATTEMPTS] | join(" ")' <<<"$entry")
[ "$got" = "second ok 4" ] || fail "step 3's call entry says '$got', expected 'second ok 4'"
pass "step 3's call: $(jq -c '{MESSAGE, OPENCLAW_TARGET, OPENCLAW_CLASS, OPENCLAW_ATTEMPTS, OPENCLAW_LATENCY_MS, OPENCLAW_REQUEST_ID}' <<<"$entry")"
retry=$(bridge_journal "| select(.OPENCLAW_EVENT == \"retry\" and .OPENCLAW_REQUEST_ID == \"$outage_request\")" | head -n 1)
[ -n "$retry" ] || fail "no retry entry for step 3's call"
pass "a retry: $(jq -c '{OPENCLAW_TARGET, OPENCLAW_CLASS, OPENCLAW_DECISION, OPENCLAW_LATENCY_MS}' <<<"$retry")"
pass "counts: $(for e in call retry fallback breaker-open; do printf '%s=%s ' $e "$(bridge_journal "| select(.OPENCLAW_EVENT == \"$e\")" | wc -l)"; done)"

step "10. the alert log: shared with the root agents through group openclaw-agents"
req GET '/api/health/alerts?limit=5'
expect_code 200 "GET /api/health/alerts?limit=5"
expect '.count >= 1 and .count <= 5 and (.alerts | length) == .count' "at most 5 alerts, at least 1"
pass "$(field .count) alert(s): $(field '[.alerts[] | .event + ":" + .target] | join(" ")')"
alerts=/var/lib/openclaw-agents/alerts.jsonl
owner=$(stat -c '%a %U:%G' $alerts)
[ "$owner" = "660 root:openclaw-agents" ] || fail "$alerts is $owner, expected 660 root:openclaw-agents"
openclaw-agentctl alerts >"$work/agentctl.out" || fail "openclaw-agentctl alerts failed"
grep -q 'breaker-open' "$work/agentctl.out" || fail "agentctl alerts shows no breaker-open: $(cat "$work/agentctl.out")"
pass "$alerts $owner; agentctl: $(grep -m1 'breaker-open' "$work/agentctl.out" | cut -c1-160)"

step "11. a call in flight when the bridge stops is answered 503, not dropped"
req POST /api/vps/register "{\"name\":\"staller\",\"host\":\"127.0.0.1\",\"port\":$s_port,\"timeout_sec\":30,\"max_retries\":0}"
expect_code 201 "registering staller"
control $s_port '{"mode": "stall", "count": -1}'
stalled_before=$(hits $s_port .total)
curl -sS -o "$work/stopped.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  --data-binary '{"agent_name":"staller","prompt":"held"}' $api/api/vps/call \
  >"$work/stopped.code" 2>"$work/stopped.err" &
caller=$!
stall_seen() { [ "$(hits $s_port .total)" -gt "$stalled_before" ]; }
wait_until 10 "the call reached the stalling agent" stall_seen
systemctl stop $bridge
wait "$caller" || true
stopped_code=$(cat "$work/stopped.code")
[ "$stopped_code" = 503 ] || fail "the call cut by the stop: HTTP $stopped_code, expected 503: $(cat "$work/stopped.json" "$work/stopped.err")"
jq -e '.success == false and (.error | test("stopping"))' "$work/stopped.json" >/dev/null \
  || fail "the call cut by the stop says $(cat "$work/stopped.json")"
pass "HTTP $stopped_code: $(jq -c '{error, attempts, latency_ms}' "$work/stopped.json")"
control $s_port '{"mode": "ok"}'
req GET /api/vps/status
expect_code 200 "the bridge, socket-activated again after the stop"
pass "the next request started it again: $(field .status)"
