#!/usr/bin/env bash
# The demo's timeline, inside the disposable machine after the package is installed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ts() { date +%H:%M:%S.%3N; }
at() { printf '\n%s  %s\n' "$(ts)" "$*"; }

at "package installed: $(dpkg-query -W -f='${Package} ${Version}' openclaw-host-agents)"
for a in "${AGENTS[@]}"; do
  wait_until 10 "openclaw-$a is active" is_state "openclaw-$a" active >/dev/null
done
at "every agent is active (openclaw-agentctl status)"
openclaw-agentctl status

at "systemctl status shows each agent's STATUS line"
for a in "${AGENTS[@]}"; do
  printf '  %-26s %s\n' "openclaw-$a" "$(systemctl show -P StatusText "openclaw-$a")"
done

at "the flag-watcher's structured start-up entry (journalctl -o verbose OPENCLAW_EVENT=start)"
journalctl -u openclaw-flag-watcher -o verbose --no-pager OPENCLAW_EVENT=start \
  | grep -E 'MESSAGE=|SYSLOG_IDENTIFIER=|OPENCLAW_|PRIORITY=' | sed 's/^ */  /'

at "an operator saves a broken flag-watcher config and reloads"
conf=/etc/openclaw-agents/flag-watcher.json
cp $conf /root/flag-watcher.json.good
sed -i 's/"max_per_hour": 6/"max_per_hour": "six"/' $conf
pid=$(systemctl show -P MainPID openclaw-flag-watcher)
systemctl reload openclaw-flag-watcher
journalctl -u openclaw-flag-watcher --no-pager -n 3 -o short-precise | sed 's/^/  /'
at "it kept running on the previous config (pid $pid -> $(systemctl show -P MainPID openclaw-flag-watcher), $(systemctl is-active openclaw-flag-watcher))"
cp /root/flag-watcher.json.good $conf
systemctl reload openclaw-flag-watcher

at "a bot's gateway hangs (SIGSTOP); its watchdog bot in a container drops revive-jack.flag"
mkdir -p /root/openclaw-watchdog/flags
cat > /run/systemd/system/openclaw-gateway.service <<'UNIT'
[Unit]
Description=Stand-in OpenClaw gateway (demo)
[Service]
ExecStart=/bin/sleep infinity
UNIT
systemctl daemon-reload && systemctl start openclaw-gateway
cat > $conf <<'CONF'
{ "directories": [ { "path": "/root/openclaw-watchdog/flags", "allow": ["jack"] } ],
  "targets": { "jack": { "unit": "openclaw-gateway.service" } },
  "min_interval_sec": 10, "max_per_hour": 6,
  "log_file": "/root/openclaw-watchdog/watchdog.log" }
CONF
systemctl reload openclaw-flag-watcher
gw=$(systemctl show -P MainPID openclaw-gateway)
kill -STOP "$gw"
printf '  gateway pid %s is %s\n' "$gw" "$(ps -o stat= -p "$gw" | sed 's/T.*/stopped (hung)/')"
# The container's user (uid 101000 on the host) writes the flag.
# The container user may pass through /root to its flag folder (acl-keeper's job on a host).
setfacl -m u:101000:x /root /root/openclaw-watchdog
setfacl -m u:101000:rwx /root/openclaw-watchdog/flags
setpriv --reuid=101000 --regid=101000 --clear-groups touch /root/openclaw-watchdog/flags/revive-jack.flag
at "flag written by uid 101000"
healed() { p=$(systemctl show -P MainPID openclaw-gateway); [ "$p" != 0 ] && [ "$p" != "$gw" ]; }
wait_until 10 "gateway restarted" healed >/dev/null
at "healed: openclaw-gateway is $(systemctl is-active openclaw-gateway) as pid $(systemctl show -P MainPID openclaw-gateway); the flag is $( [ -e /root/openclaw-watchdog/flags/revive-jack.flag ] && echo still there || echo gone)"
journalctl -u openclaw-flag-watcher -o short-precise --no-pager OPENCLAW_EVENT=revive | tail -n 1 | sed 's/^/  /'
echo "  watchdog.log: $(tail -n 1 /root/openclaw-watchdog/watchdog.log)"
echo "  STATUS: $(systemctl show -P StatusText openclaw-flag-watcher)"

at "a bad edit breaks the gateway's config, then the gateway crashes (kill -9)"
oc=/root/.openclaw
mkdir -p $oc
printf '{ "gateway": { "mode": "local" }, "channels": { "telegram": {} } }\n' > $oc/openclaw.json.bak
cp $oc/openclaw.json.bak $oc/openclaw.json
# Like OpenClaw's gateway, the stand-in refuses to start without gateway.mode.
cat > /run/systemd/system/openclaw-gateway.service <<'UNIT'
[Unit]
Description=Stand-in OpenClaw gateway (demo)
[Service]
ExecStartPre=/usr/bin/jq -e .gateway.mode /root/.openclaw/openclaw.json
ExecStart=/bin/sleep infinity
Restart=always
RestartSec=2
UNIT
cat > /etc/openclaw-agents/jack-supervisor.json <<'CONF'
{ "bots": [ { "name": "jack", "unit": "openclaw-gateway.service",
              "config": "/root/.openclaw/openclaw.json",
              "required": ["/gateway/mode", "/channels/telegram"],
              "backups": ["/root/.openclaw/openclaw.json.bak", "/root/.openclaw/openclaw.json.bak.*"] } ] }
CONF
systemctl daemon-reload && systemctl restart openclaw-gateway && systemctl reload openclaw-jack-supervisor
printf '{ "gateway": { "mo' > $oc/openclaw.json
gw=$(systemctl show -P MainPID openclaw-gateway)
kill -9 "$gw"
at "gateway pid $gw killed; its config: $(cat $oc/openclaw.json)"
repaired() { is_state openclaw-gateway active && jq -e .gateway.mode $oc/openclaw.json; }
wait_until 10 "gateway repaired" repaired >/dev/null
at "healed: openclaw-gateway is $(systemctl is-active openclaw-gateway) as pid $(systemctl show -P MainPID openclaw-gateway), on the restored config"
journalctl -u openclaw-jack-supervisor -o short-precise --no-pager | grep -E 'repairing|restored|healthy again' | tail -n 3 | cut -c1-300 | sed 's/^/  /'
echo "  kept: $(ls $oc | grep broken)"
echo "  alert: $(grep '"agent":"jack-supervisor"' /var/lib/openclaw-agents/alerts.jsonl | tail -n 1 | cut -c1-200)"
echo "  STATUS: $(systemctl show -P StatusText openclaw-jack-supervisor | cut -c1-200)"

at "acl-keeper: the container user (uid 101000) is given /root/.openclaw, and keeps it"
cat > /etc/openclaw-agents/acl-keeper.json <<'CONF'
{ "rules": [ { "path": "/root/.openclaw", "entries": ["u:101000:rwX"], "default": true } ] }
CONF
ln -s /etc/shadow $oc/evil
systemctl reload openclaw-acl-keeper
swept() { journalctl -u openclaw-acl-keeper -o cat --no-pager OPENCLAW_EVENT=acl-sweep | grep -q '(reload)'; }
wait_until 10 "the reload's sweep" swept >/dev/null
journalctl -u openclaw-acl-keeper -o short-precise --no-pager OPENCLAW_EVENT=acl-sweep | tail -n 1 | sed 's/^/  /'
echo "  /etc/shadow, planted as a symlink in the tree: $(getfacl -cp /etc/shadow 2>/dev/null | tr '\n' ' ')(untouched)"
printf 'remember: the user likes tea\n' > $oc/memory.md
chmod 600 $oc/memory.md
at "a bot wrote memory.md and chmod-ed it 600"
granted() { getfacl -cp $oc/memory.md 2>/dev/null | grep -q '^mask::rw'; }
wait_until 5 "memory.md's ACL" granted >/dev/null
at "$(getfacl -cp $oc/memory.md | tr '\n' ' ')"
journalctl -u openclaw-acl-keeper -o short-precise --no-pager OPENCLAW_EVENT=acl-fix | tail -n 1 | cut -c1-220 | sed 's/^/  /'
echo "  openclaw-agentctl acl-verify: $(openclaw-agentctl acl-verify | tail -n 1)"

at "disk-guard: a bot's old sessions fill a small disk; the oldest go until it is under target"
dg=/srv/demo-disk
mkdir -p $dg && mount -t tmpfs -o size=8M tmpfs $dg
mkdir -p $dg/sessions
for i in $(seq 1 12); do head -c 256K /dev/zero > $dg/sessions/s$i.jsonl; done
for i in $(seq 1 8); do touch -d "$((20 + i)) days ago" $dg/sessions/s$i.jsonl; done
head -c 4M /dev/zero > $dg/bot-cache
echo "  $dg: $(df --output=pcent $dg | tail -n 1 | tr -d ' ') used by 12 sessions of 256 KiB (s1-s8 are 21-28 days old) and a 4 MiB cache"
cp /etc/openclaw-agents/disk-guard.json /root/disk-guard.json.good
cat > /etc/openclaw-agents/disk-guard.json <<CONF
{ "mounts": [ { "path": "$dg", "act_percent": 85, "target_percent": 75, "critical_percent": 95 } ],
  "interval_sec": 60,
  "prune": [ { "path": "$dg/sessions", "older_than_days": 7, "keep_newest": 2, "patterns": ["*.jsonl"] } ] }
CONF
systemctl reload openclaw-disk-guard
pruned() { journalctl -u openclaw-disk-guard -o cat --no-pager OPENCLAW_EVENT=prune | grep -q "$dg"; }
wait_until 10 "the prune" pruned >/dev/null
journalctl -u openclaw-disk-guard -o short-precise --no-pager \
  | grep -E 'disk-high|is at|removed /srv|prune on' | tail -n 8 | cut -c1-220 | sed 's/^/  /'
at "$dg is at $(df --output=pcent $dg | tail -n 1 | tr -d ' '); left: $(ls $dg/sessions | sort -V | tr '\n' ' ')"
cp /root/disk-guard.json.good /etc/openclaw-agents/disk-guard.json
systemctl reload openclaw-disk-guard
umount $dg

at "disk-guard's event loop is frozen (SIGSTOP): systemd's watchdog notices and restarts it"
mkdir -p /run/systemd/system/openclaw-disk-guard.service.d
printf '[Service]\nWatchdogSec=2s\nRestartSec=100ms\n' > /run/systemd/system/openclaw-disk-guard.service.d/demo.conf
systemctl daemon-reload && systemctl restart openclaw-disk-guard
old=$(systemctl show -P MainPID openclaw-disk-guard)
kill -STOP "$old"
restarted() { p=$(systemctl show -P MainPID openclaw-disk-guard); [ "$p" != 0 ] && [ "$p" != "$old" ]; }
wait_until 15 "disk-guard restarted" restarted >/dev/null
journalctl -u openclaw-disk-guard --no-pager -o short-precise | grep -E 'Watchdog|started|Started' | tail -n 4 | sed 's/^/  /'
at "healed: openclaw-disk-guard is $(systemctl is-active openclaw-disk-guard) as pid $(systemctl show -P MainPID openclaw-disk-guard)"

at "done; the machine is torn down now"
