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

at "the real OpenClaw gateway ($(PATH="$1/bin:$PATH" openclaw --version)), installed as OpenClaw installs itself: openclaw gateway install, root's user unit"
. "$(dirname "$0")/openclaw_lib.sh" "$1" user
t0=$(now_ms)
oc_install_gateway >/dev/null
at "the gateway answers /healthz ($(( $(now_ms) - t0 )) ms to install and start it twice); unit: $(grep -m1 ExecStart /root/.config/systemd/user/$oc_unit | cut -c1-80)..."
oc_write_agent_configs
at "flag-watcher and jack-supervisor watch it in root's user manager (\"user\": \"root\" in their configs)"
openclaw-agentctl status | sed -n '/^Bots:/,$p' | sed 's/^/  /'

at "the gateway hangs (SIGSTOP); its watchdog bot in a container drops revive-jack.flag"
gw=$(oc_prop MainPID)
kill -STOP "$gw"
before=$(oc_prop ExecMainStartTimestampMonotonic)
setpriv --reuid=101000 --regid=101000 --clear-groups touch /srv/oc-flags/revive-jack.flag
t0=$(now_ms)
at "flag written by uid 101000"
wait_until 90 "the gateway is back" oc_restarted_since "$before" >/dev/null
at "healed: the gateway answers again as pid $(oc_prop MainPID), $(( $(now_ms) - t0 )) ms after the flag (most of it OpenClaw's own start)"
journalctl -u openclaw-flag-watcher -o short-precise --no-pager OPENCLAW_EVENT=revive | tail -n 1 | sed 's/^/  /'

ready() { systemctl show -P StatusText $js | grep -q "ready to restore"; }
wait_until 60 "the supervisor judged the backups" ready >/dev/null
at "jack-supervisor judged OpenClaw's backups ahead with openclaw config validate"
echo "  STATUS: $(systemctl show -P StatusText $js | cut -c1-160)"

at "a bad edit breaks openclaw.json, then the gateway crashes (kill -9)"
before=$(oc_prop ExecMainStartTimestampMonotonic)
t0=$(now_ms)
oc_corrupt_and_kill
at "gateway killed; its config: $(cat $oc_cfg)"
wait_until 90 "the gateway is back" oc_restarted_since "$before" >/dev/null
at "healed: the gateway answers again, $(( $(now_ms) - t0 )) ms after the kill, on a config OpenClaw accepts: $(oc_validate | jq -c .valid)"
journalctl -u $js -o short-precise --no-pager | grep -E 'repairing|restored|runs on' | tail -n 3 | cut -c1-260 | sed 's/^/  /'
echo "  kept: $(ls $oc_dir | grep broken)"

at "acl-keeper: the container user (uid 101000) is given /root/.openclaw, and keeps it"
cat > /etc/openclaw-agents/acl-keeper.json <<'CONF'
{ "rules": [ { "path": "/root/.openclaw", "entries": ["u:101000:rwX"], "default": true } ] }
CONF
ln -s /etc/shadow $oc_dir/evil
systemctl reload openclaw-acl-keeper
swept() { journalctl -u openclaw-acl-keeper -o cat --no-pager OPENCLAW_EVENT=acl-sweep | grep -q '(reload)'; }
wait_until 10 "the reload's sweep" swept >/dev/null
journalctl -u openclaw-acl-keeper -o short-precise --no-pager OPENCLAW_EVENT=acl-sweep | tail -n 1 | sed 's/^/  /'
echo "  /etc/shadow, planted as a symlink in the tree: $(getfacl -cp /etc/shadow 2>/dev/null | tr '\n' ' ')(untouched)"
printf 'remember: the user likes tea\n' > $oc_dir/memory.md
chmod 600 $oc_dir/memory.md
at "a bot wrote memory.md and chmod-ed it 600"
granted() { getfacl -cp $oc_dir/memory.md 2>/dev/null | grep -q '^mask::rw'; }
wait_until 5 "memory.md's ACL" granted >/dev/null
at "$(getfacl -cp $oc_dir/memory.md | tr '\n' ' ')"
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
