# Shared set-up for the jack-supervisor scenarios: a stand-in OpenClaw gateway unit that
# refuses to start without /gateway/mode, its config and backups, and the supervisor's
# config.  Source it after lib.sh with the stand-in binary as $1.
standin=${1:?usage: $0 PATH-TO-oc-standin}
gw=oc-gateway.service
js=openclaw-jack-supervisor
DEBUG_UNITS="$js oc-gateway.service"
bot=/root/oc-bot
cfg=$bot/openclaw.json
alerts=/var/lib/openclaw-agents/alerts.jsonl
port=18789

valid_config() {
  # JSON5 as OpenClaw users write it: a comment and a trailing comma.
  printf '{\n  // %s\n  "gateway": { "mode": "local", "port": %s },\n  "channels": { "telegram": {} },\n}\n' "$1" $port
}

setup_gateway() {
  mkdir -p $bot /root/oc-backups/jack
  valid_config "live" > $cfg
  chown 101000:101000 $cfg
  chmod 0640 $cfg
  # Like OpenClaw's own unit: Restart=always, 5 starts a minute (RestartSec shortened).
  cat > /run/systemd/system/$gw <<UNIT
[Unit]
StartLimitIntervalSec=60
StartLimitBurst=5
[Service]
ExecStart=$standin gateway $cfg $port
Restart=always
RestartSec=1
UNIT
  systemctl daemon-reload
  systemctl start $gw
  wait_until 10 "the stand-in gateway answers" healthy
}

# write_supervisor_config MAX_RESTORES [EXTRA_JSON_MEMBERS]
write_supervisor_config() {
  cat > /etc/openclaw-agents/jack-supervisor.json <<CONF
{ "bots": [ {
    "name": "jack", "unit": "$gw", "config": "$cfg",
    "required": ["/gateway/mode", "/channels/telegram"],
    // The validator sees a private copy of each candidate; this one only accepts local mode.
    "validator": ["/bin/sh", "-c", "grep -q '\"mode\": \"local\"' \"\$OPENCLAW_CONFIG_PATH\""],
    "backups": ["$cfg.bak", "$cfg.bak.*", "/root/oc-backups/jack/*"],
    "health": { "http": "http://127.0.0.1:$port/healthz", "interval_sec": 2, "timeout_sec": 1, "failures": 2 },
    "max_restores_per_hour": $1, "grace_sec": 10, "stable_sec": ${STABLE_SEC:-600} } ]${2:-} }
CONF
  openclaw-jack-supervisor --check-config || fail "the supervisor config does not check"
}

fw=openclaw-flag-watcher
flags=/root/oc-flags
# flag_watcher_on_gateway MAX_PER_HOUR: flag-watcher with one folder, $flags, where
# revive-jack.flag restarts the stand-in gateway; restarted and active.
flag_watcher_on_gateway() {
  mkdir -p $flags
  cat > /etc/openclaw-agents/flag-watcher.json <<CONF
{ "directories": [ { "path": "$flags", "allow": ["jack"] } ],
  "targets": { "jack": { "unit": "$gw" } }, "min_interval_sec": 1, "max_per_hour": $1 }
CONF
  systemctl restart $fw
  wait_until 10 "$fw is active" is_state $fw active
}

restart_supervisor() {
  systemctl restart $js
  wait_until 10 "$js is active" is_state $js active
}

healthy() { curl -sf -m 1 http://127.0.0.1:$port/healthz; }
now_ms() { date +%s%3N; }
alert_count() { grep -c "$1" $alerts 2>/dev/null || true; }
# alerts_are N PATTERN: exactly N lines of alerts.jsonl match PATTERN (for wait_until).
alerts_are() { [ "$(alert_count "$2")" = "$1" ]; }

# Breaks the live config and kills the gateway, as a bad edit followed by a crash would.
corrupt_and_kill() {
  printf '{ "gateway": { "mode": "local", ' > $cfg
  systemctl kill -s KILL $gw
}
