#!/usr/bin/env bash
# Alerts reach Telegram through the persisted outbox: a 429 with retry_after is honoured
# and the message delivered once; a message queued while Telegram is down and the
# supervisor is killed -9 is delivered after both come back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/jack_lib.sh"
tg_port=18111
tg_log=/root/oc-telegram.log
tg_pid=""
start_telegram() {  # N_429 RETRY_AFTER
  "$standin" telegram $tg_port $tg_log "$1" "$2" >/dev/null 2>&1 &
  tg_pid=$!
  wait_until 5 "the Telegram stand-in listens" curl -s -o /dev/null http://127.0.0.1:$tg_port/
}
stop_telegram() { kill "$tg_pid"; wait "$tg_pid" 2>/dev/null || true; }
trap 'stop_telegram 2>/dev/null || true' EXIT
delivered() { [ "$(grep -c "^[0-9]* 200 POST /bot123:SECRET/sendMessage .*$1" $tg_log)" = "${2:-1}" ]; }

setup_gateway
valid_config "backup" > $cfg.bak
echo "123:SECRET" > /etc/openclaw-agents/telegram.token
chmod 600 /etc/openclaw-agents/telegram.token
write_supervisor_config 10 ", \"telegram\": { \"token_file\": \"/etc/openclaw-agents/telegram.token\", \"chat_id\": \"42\", \"api_url\": \"http://127.0.0.1:$tg_port\" }"
restart_supervisor

step "Telegram answers 429 retry_after=2 twice: the alert is retried later and delivered once"
start_telegram 2 2
corrupt_and_kill
wait_until 30 "the recovered alert reached Telegram" delivered '"chat_id":"42"'
grep '^[0-9]* 429' $tg_log >/dev/null || fail "no 429 was answered"
# Each retry came no sooner than retry_after (2 s) after the 429 before it.
awk '{ if (prev && $1 - prev < 1900) { print "retried after " $1 - prev " ms"; bad=1 } prev=$1 } END { exit bad }' $tg_log \
  || fail "a retry came before retry_after"
pass "$(awk '{print $2}' $tg_log | tr '\n' ' ')(gaps $(awk '{ if (prev) printf "%d ms ", $1 - prev; prev=$1 }' $tg_log))"
sleep 3  # an observation window: a duplicate would arrive in it
delivered '"chat_id":"42"' 1 || fail "delivered more than once: $(cat $tg_log)"
pass "delivered once: $(grep ' 200 ' $tg_log | cut -d' ' -f4- | cut -c1-160)"

step "Telegram down and the supervisor killed -9: the queued alert is delivered after"
stop_telegram
: > $tg_log
corrupt_and_kill
wait_until 10 "the gateway recovered while Telegram was down" alerts_are 2 '"level":"recovered"'
outbox=/var/lib/openclaw-agents/jack-supervisor/telegram-outbox
queued() { ls $outbox | grep -q json; }
wait_until 5 "the alert waits in the outbox" queued
pid=$(unit_prop $js MainPID)
kill -9 "$pid"
back() { p=$(unit_prop $js MainPID); [ "$p" != 0 ] && [ "$p" != "$pid" ] && is_state $js active; }
wait_until 15 "systemd restarted the supervisor" back
start_telegram 0 1
wait_until 40 "the queued alert reached Telegram after both came back" delivered 'healthy again'
pass "$(cut -d' ' -f2- $tg_log | cut -c1-160)"
