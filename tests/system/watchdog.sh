#!/usr/bin/env bash
# The watchdog ping runs on the daemon's loop: while the loop runs, systemd sees pings;
# when the process stalls, systemd's watchdog fires and restarts it.
. "$(dirname "$0")/lib.sh"
u=openclaw-disk-guard
mkdir -p /run/systemd/system/$u.service.d
printf '[Service]\nWatchdogSec=2s\nRestartSec=100ms\n' > /run/systemd/system/$u.service.d/watchdog.conf
systemctl daemon-reload
systemctl restart $u
wait_until 10 "$u is active" is_state $u active

step "pings arrive while the loop runs"
first=$(unit_prop $u WatchdogTimestampMonotonic)
advanced() { [ "$(unit_prop $u WatchdogTimestampMonotonic)" -gt "$first" ]; }
wait_until 5 "WatchdogTimestamp advanced past $first" advanced
pid=$(unit_prop $u MainPID)

step "a stalled daemon is restarted by systemd's watchdog"
kill -STOP "$pid"
restarted() { p=$(unit_prop $u MainPID); [ "$p" != 0 ] && [ "$p" != "$pid" ] && is_state $u active; }
wait_until 15 "$u runs again as a new process" restarted
journalctl -u $u --no-pager | grep -q 'Watchdog timeout' || fail "no watchdog timeout in the journal"
pass "journal: $(journalctl -u $u --no-pager | grep 'Watchdog timeout' | tail -n 1)"
