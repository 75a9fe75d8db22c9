#!/usr/bin/env bash
# The dead man's switch: with a heartbeat in notify.json, jack-supervisor POSTs to its URL
# every interval while the bot is healthy; when it gives up on the bot it POSTs one
# <url>/fail saying why, and the pings stop until the bot is well again.
#   jack_supervisor_heartbeat.sh PATH-TO-oc-standin PATH-TO-oc-agent-standin
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"
receiver=${2:?usage: $0 PATH-TO-oc-standin PATH-TO-oc-agent-standin}

step "a heartbeat receiver on loopback, a stand-in gateway, and the supervisor pinging"
"$receiver" 0 --name hc > /run/hc.port 2> /run/hc.log &
receiver_pid=$!
trap 'kill $receiver_pid 2>/dev/null || true' EXIT
wait_until 10 "the receiver prints its port" test -s /run/hc.port
hc="http://127.0.0.1:$(head -n 1 /run/hc.port)"
beats() { curl -sf "$hc/hc-log"; }
# count PATH: how many POSTs reached PATH.
count() { beats | jq --arg p "$1" '[.[] | select(.path == $p)] | length'; }
at_least() { [ "$(count "$1")" -ge "$2" ]; }
setup_gateway
valid_config "backup" > $cfg.bak
write_supervisor_config 5
echo "{ \"heartbeat\": { \"url\": \"$hc/hc/host-1\", \"interval_sec\": 1 } }" \
  > /etc/openclaw-agents/notify.json
openclaw-jack-supervisor --check-config || fail "the config with notify.json does not check"
restart_supervisor
wait_until 15 "pings arrive while the bot is healthy" at_least /hc/host-1 3
pass "$(count /hc/host-1) pings; STATUS: $(unit_prop $js StatusText)"
[ "$(count /hc/host-1/fail)" = 0 ] || fail "a /fail while healthy: $(beats)"

step "no valid config left: one /fail saying why, and the pings stop"
echo '{ "gateway": {} }' > $cfg.bak
corrupt_and_kill
wait_until 15 "the receiver is told /fail" at_least /hc/host-1/fail 1
why=$(beats | jq -r '[.[] | select(.path == "/hc/host-1/fail")][0].body')
grep -q "^jack: stopped acting" <<<"$why" || fail "the /fail body does not say why: $why"
pass "/fail: $(cut -c1-160 <<<"$why")"
n0=$(count /hc/host-1)
# An observation window, not a synchronisation: three intervals without a ping.
sleep 3.5
n1=$(count /hc/host-1)
[ "$n1" = "$n0" ] || fail "pings went on while the bot was given up: $n0 -> $n1"
[ "$(count /hc/host-1/fail)" = 1 ] || fail "more than one /fail: $(beats)"
pass "no ping in 3.5 s, one /fail; STATUS: $(unit_prop $js StatusText)"

step "the bot fixed by hand: the pings come back"
valid_config "fixed by hand" > $cfg
wait_until 20 "pings resume" at_least /hc/host-1 $(( n1 + 2 ))
pass "$(count /hc/host-1) pings in all; journal: $(journalctl -u $js -o cat --no-pager OPENCLAW_EVENT=heartbeat-fail-sent | tail -n 1)"

step "a notify.json with a broken webhook is refused, naming the key"
echo "{ \"webhook\": { \"url\": \"ftp://127.0.0.1/x\" } }" > /etc/openclaw-agents/notify.json
set +e
out=$(openclaw-jack-supervisor --check-config 2>&1)
rc=$?
set -e
[ $rc != 0 ] || fail "--check-config accepted a webhook URL that is not http(s)"
grep -q "webhook.url" <<<"$out" || fail "the refusal does not name webhook.url: $out"
pass "exit $rc: $(head -n 1 <<<"$out")"
rm /etc/openclaw-agents/notify.json
