# Shared set-up for the scenarios with the real OpenClaw gateway, from the cache that
# scripts/openclaw-cache.sh fills. Source it after lib.sh with the cache folder as $1 and the
# kind of unit as $2: "user" (root's user manager, as `openclaw gateway install` makes it)
# or "system" (a system unit with the same settings, as other hosts run it).
oc_cache=${1:?usage: $0 OPENCLAW-CACHE user|system}
oc_kind=${2:?usage: $0 OPENCLAW-CACHE user|system}
export PATH="$oc_cache/bin:$PATH" HOME=/root
oc_dir=/root/.openclaw
oc_cfg=$oc_dir/openclaw.json
oc_port=18789
oc_unit=openclaw-gateway.service
js=openclaw-jack-supervisor
fw=openclaw-flag-watcher
alerts=/var/lib/openclaw-agents/alerts.jsonl

if [ "$oc_kind" = user ]; then
  # Straight to the manager's private socket: `-M root@` starts a helper per call, which,
  # polled, would slow the gateway down.
  sc() { XDG_RUNTIME_DIR=/run/user/0 systemctl --user "$@"; }
  oc_user_key=', "user": "root"'
else
  sc() { systemctl "$@"; }
  oc_user_key=''
fi
DEBUG_UNITS="$js $fw"

oc_prop() { sc show -P "$1" $oc_unit; }
oc_healthy() { curl -sf -m 1 -o /dev/null http://127.0.0.1:$oc_port/healthz; }
oc_validate() { OPENCLAW_CONFIG_PATH=${1:-$oc_cfg} openclaw config validate --json; }
oc_sum() { sha256sum < $oc_cfg; }
now_ms() { date +%s%3N; }
# The gateway answers on a main process newer than the given start stamp.
oc_restarted_since() { [ "$(oc_prop ExecMainStartTimestampMonotonic)" != "$1" ] && oc_healthy; }

# A config as a person writes one: JSON5, with settings that keep it offline and on loopback.
oc_write_config() {
  cat > $oc_cfg <<'CONF'
{
  // written by the test, as an operator would
  gateway: { mode: 'local', port: 18789, bind: 'loopback', auth: { mode: 'token', token: 'test-token' } },
  update: { checkOnStart: false },
  models: { catalogRefresh: { enabled: false } },
}
CONF
}

# The same unit OpenClaw's installer writes for the user manager, as a system unit.
oc_write_system_unit() {
  cat > /etc/systemd/system/$oc_unit <<UNIT
[Unit]
Description=OpenClaw Gateway
After=network-online.target
StartLimitBurst=10
StartLimitIntervalSec=300
[Service]
ExecStart=$(readlink -f "$oc_cache/bin/node") $(readlink -f "$oc_cache/bin/openclaw.mjs") gateway --port $oc_port
Restart=always
RestartSec=5
RestartPreventExitStatus=78
TimeoutStartSec=30
SuccessExitStatus=0 143
KillMode=mixed
Environment=HOME=/root
Environment=OPENCLAW_SYSTEMD_UNIT=$oc_unit
[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable --now --quiet $oc_unit
}

oc_install_gateway() {
  mkdir -p $oc_dir
  oc_write_config
  if [ "$oc_kind" = user ]; then
    loginctl enable-linger root
    wait_until 30 "root's user manager runs" test -S /run/user/0/systemd/private
    XDG_RUNTIME_DIR=/run/user/0 openclaw gateway install --force >/dev/null
    sc start $oc_unit
  else
    oc_write_system_unit
  fi
  wait_until 90 "the gateway answers /healthz" oc_healthy
  # What OpenClaw's own writes leave: a meta block in the config and the previous file as
  # .bak (and .last-good after a start, when OpenClaw promotes one: not every start does).
  openclaw config set gateway.auth.token test-token-2 >/dev/null 2>&1
  local before
  before=$(oc_prop ExecMainStartTimestampMonotonic)
  sc restart $oc_unit
  wait_until 90 "the gateway answers again after its restart" oc_restarted_since "$before"
  pass "OpenClaw's files: $(ls $oc_dir | grep openclaw.json | tr '\n' ' ')"
}

oc_write_agent_configs() {
  mkdir -p /srv/oc-flags
  chown 101000:101000 /srv/oc-flags
  cat > /etc/openclaw-agents/flag-watcher.json <<CONF
{ "directories": [ { "path": "/srv/oc-flags", "allow": ["jack"] } ],
  "targets": { "jack": { "unit": "$oc_unit"$oc_user_key } },
  "min_interval_sec": 2, "max_per_hour": 30 }
CONF
  cat > /etc/openclaw-agents/jack-supervisor.json <<CONF
{ "bots": [ {
    "name": "jack", "unit": "$oc_unit"$oc_user_key,
    "config": "$oc_cfg",
    "required": ["/gateway/mode"],
    "validator": ["$oc_cache/bin/node", "$oc_cache/bin/openclaw.mjs", "config", "validate", "--json"],
    "backups": ["$oc_cfg.bak", "$oc_cfg.bak.*"],
    "health": { "http": "http://127.0.0.1:$oc_port/healthz", "interval_sec": 2, "timeout_sec": 1, "failures": 3 },
    "max_restores_per_hour": ${OC_MAX_RESTORES:-10}, "grace_sec": 60 } ] }
CONF
  openclaw-flag-watcher --check-config >/dev/null || fail "the flag-watcher config does not check"
  openclaw-jack-supervisor --check-config >/dev/null || fail "the supervisor config does not check"
  systemctl reload $fw $js
}

# Breaks the live config and kills the gateway, as a bad edit followed by a crash would.
oc_corrupt_and_kill() {
  printf '{ gateway: { mode: "local", ' > $oc_cfg
  sc kill -s KILL $oc_unit
}
