#!/usr/bin/env bash
# flag-watcher against a real Docker Engine API (Podman's compatible service): a flag
# restarts the container; an unknown container and a stopped engine are clear errors.
. "$(dirname "$0")/lib.sh"
flags=/root/oc-flags
fw=openclaw-flag-watcher
# Run through docker_engine.sh and machine.sh --bind "$OC_DOCKER_DIR": the engine runs on
# the host, its socket is bound into this machine.
sock=$OC_DOCKER_DIR/docker.sock
name=$OC_CONTAINER
api() { curl -sf --unix-socket $sock "http://d/v1.41$1"; }
started() { api /containers/$name/json | sed -n 's/.*"StartedAt":"\([^"]*\)".*/\1/p'; }
running() { api /containers/$name/json | grep -q '"Running":true'; }

step "the engine answers inside the machine"
wait_until 10 "$name is running" running

mkdir -p $flags
cat > /etc/openclaw-agents/flag-watcher.json <<CONF
{ "directories": [ { "path": "$flags", "allow": ["john", "ghost"] } ],
  "targets": { "john": { "container": "$name" }, "ghost": { "container": "no-such-box" } },
  "min_interval_sec": 0, "max_per_hour": 60, "docker_socket": "$sock" }
CONF
systemctl restart $fw
wait_until 10 "$fw is active" is_state $fw active

step "touch revive-john.flag restarts the container and the flag is gone"
before=$(started)
[ -n "$before" ] || fail "no StartedAt for openclaw-john"
touch $flags/revive-john.flag
changed() { s=$(started); [ -n "$s" ] && [ "$s" != "$before" ] && running; }
wait_until 20 "State.StartedAt changed (was $before)" changed
[ ! -e $flags/revive-john.flag ] || fail "the flag is still there"
pass "now $(started)"
journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=revive | tail -n 1 | sed 's/^/   journal: /'

step "an unknown container is a clear error, and the daemon stays active"
touch $flags/revive-ghost.flag
said_404() { journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=revive | grep -q "no such container 'no-such-box'"; }
wait_until 20 "the journal says there is no such container" said_404
grep -q '"event":"revive-failed"' /var/lib/openclaw-agents/alerts.jsonl || fail "no alert"
pass "alert: $(grep revive-failed /var/lib/openclaw-agents/alerts.jsonl | tail -n 1)"

step "with no engine at the socket, a revive fails clearly and the daemon stays active"
sed -i "s|\"docker_socket\": \"$sock\"|\"docker_socket\": \"/run/no-engine.sock\"|" /etc/openclaw-agents/flag-watcher.json
systemctl reload $fw
touch $flags/revive-john.flag
said_down() { journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=revive | grep -q "Docker engine not reachable"; }
wait_until 20 "the journal says the engine is not reachable" said_down
is_state $fw active || fail "$fw is not active"
pass "$(journalctl -u $fw --no-pager -o cat OPENCLAW_EVENT=revive | tail -n 1)"
