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
