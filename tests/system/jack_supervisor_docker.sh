#!/usr/bin/env bash
# jack-supervisor against a real Docker Engine API (Podman's): a container whose
# healthcheck fails is restarted, under the same hourly budget as units; once the budget is
# spent it stops restarting and raises one critical alert.
. "$(dirname "$0")/lib.sh"
js=openclaw-jack-supervisor
DEBUG_UNITS=$js
alerts=/var/lib/openclaw-agents/alerts.jsonl
sock=$OC_DOCKER_DIR/docker.sock
name=$OC_CONTAINER
api() { curl -sf --unix-socket $sock "http://d/v1.41$1"; }
health() { api /containers/$name/json | sed -n 's/.*"Health":{"Status":"\([a-z]*\)".*/\1/p'; }
restarts() { journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=repair | grep -c "restarting container $name" || true; }
restarts_are() { [ "$(restarts)" = "$1" ]; }
gave_up() { grep -q '"level":"critical".*"event":"gave-up"\|"event":"gave-up".*"level":"critical"' $alerts 2>/dev/null; }

step "a container whose healthcheck always fails"
unhealthy() { [ "$(health)" = unhealthy ]; }
wait_until 20 "Docker reports $name unhealthy" unhealthy
cat > /etc/openclaw-agents/jack-supervisor.json <<CONF
{ "bots": [ { "name": "ross", "container": "$name", "restart_unhealthy": true,
              "health": { "interval_sec": 1 }, "max_restores_per_hour": 2, "grace_sec": 3 } ],
  "docker_socket": "$sock" }
CONF
systemctl restart $js
wait_until 10 "$js is active" is_state $js active

step "it is restarted, and its restarts are budgeted"
s0=$(api /containers/$name/json | sed -n 's/.*"StartedAt":"\([^"]*\)".*/\1/p')
wait_until 30 "the first restart" restarts_are 1
moved() { s=$(api /containers/$name/json | sed -n 's/.*"StartedAt":"\([^"]*\)".*/\1/p'); [ -n "$s" ] && [ "$s" != "$s0" ]; }
wait_until 20 "State.StartedAt moved (was $s0)" moved
wait_until 40 "the second restart, after a backoff" restarts_are 2
wait_until 60 "the budget of 2 is spent: a critical alert" gave_up
pass "alert: $(grep '"gave-up"' $alerts | cut -c1-300)"
# An observation window, not a synchronisation: no third restart may come in it.
sleep 5
restarts_are 2 || fail "restarted $(restarts) times with a budget of 2"
is_state $js active || fail "$js is not active"
pass "2 restarts, then none; $js active; STATUS: $(unit_prop $js StatusText)"
journalctl -u $js --no-pager -o cat | grep -E "restarting container|repair failed|giving up" | sed 's/^/   journal: /'
