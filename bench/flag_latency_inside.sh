#!/usr/bin/env bash
# The measuring half of flag_latency.sh, run inside the disposable machine.
set -euo pipefail
n=$OC_SAMPLES
u=oc-bench.service
# No start limit: ~75 restarts in a few minutes are the point of the run.
cat > /run/systemd/system/$u <<'UNIT'
[Unit]
StartLimitIntervalSec=0
[Service]
ExecStart=/bin/sleep infinity
UNIT
# (b) as the seeds built it: a path unit whose oneshot removes the flag and restarts.
mkdir -p /root/bench-a /root/bench-b
cat > /run/systemd/system/oc-revive-seed.path <<'UNIT'
[Path]
PathExists=/root/bench-b/revive-jack.flag
UNIT
cat > /run/systemd/system/oc-revive-seed.service <<'UNIT'
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'rm -f /root/bench-b/revive-jack.flag; systemctl restart oc-bench.service'
UNIT
systemctl daemon-reload
systemctl start $u oc-revive-seed.path
cat > /etc/openclaw-agents/flag-watcher.json <<CONF
{ "directories": [ { "path": "/root/bench-a", "allow": ["jack"] } ],
  "targets": { "jack": { "unit": "$u" } }, "min_interval_sec": 0, "max_per_hour": 60 }
CONF
systemctl restart openclaw-flag-watcher

stamp() { systemctl show -P ExecMainStartTimestampMonotonic $u; }
# One sample: run the trigger under stamp_exec, wait (deadline 10 s) for a new start.
sample() {
  local before t0 now deadline
  before=$(stamp)
  t0=$("$OC_STAMP" "$@" | sed -n 1p)
  deadline=$(( $(date +%s) + 10 ))
  while now=$(stamp); [ "$now" = "$before" ] || [ "$(systemctl is-active $u)" != active ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo miss
      echo "missed a sample of: $*" >&2
      journalctl -u openclaw-flag-watcher -n 8 --no-pager -o short-precise >&2
      return
    fi
    sleep 0.005
  done
  echo $(( now - t0 ))
}
# The three cases take turns, one sample each per round, so that whatever else the host is
# doing at a moment weighs on all three alike.  Paced so the seeds' oneshot stays under
# systemd's default start limit (5 in 10 s): the comparison is of latency, not of how the
# path unit dies in a burst.
for c in a b c; do : > /root/bench-$c.txt; done
for i in $(seq 1 "$n"); do
  sample touch /root/bench-a/revive-jack.flag >> /root/bench-a.txt
  sleep 1
  sample touch /root/bench-b/revive-jack.flag >> /root/bench-b.txt
  sleep 1
  sample busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 \
    org.freedesktop.systemd1.Manager RestartUnit ss $u replace >> /root/bench-c.txt
  sleep 1
done

pct() { grep -v miss "$1" | sort -n | awk -v p="$2" '{v[NR]=$1} END {i=int((NR-1)*p/100)+1; print v[i]}'; }
misses() { grep -c miss "$1" || true; }
echo
echo "flag -> restarted latency, $n samples each (microseconds)"
printf '%-34s %8s %8s %7s\n' case p50 p90 missed
for c in a b c; do
  case $c in a) l="(a) openclaw-flag-watcher" ;; b) l="(b) seeds' path unit + oneshot" ;; c) l="(c) busctl RestartUnit (floor)" ;; esac
  printf '%-34s %8s %8s %7s\n' "$l" "$(pct /root/bench-$c.txt 50)" "$(pct /root/bench-$c.txt 90)" "$(misses /root/bench-$c.txt)"
done
a=$(pct /root/bench-a.txt 50); b=$(pct /root/bench-b.txt 50); c=$(pct /root/bench-c.txt 50)
awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN {
  printf "ratio p50(a)/p50(c) = %.2f   (target <= 1.05)\n", a / c
  printf "ratio p50(a)/p50(b) = %.2f   (target <= 0.50)\n", a / b }'

pid=$(systemctl show -P MainPID openclaw-flag-watcher)
echo
echo "idle openclaw-flag-watcher (pid $pid):" $(grep -E 'VmRSS|RssAnon|RssFile' /proc/$pid/status | tr -s ' \t' ' ')
switches() { cat /proc/$pid/task/*/status | awk '/voluntary_ctxt_switches/ {s += $2} END {print s}'; }
w0=$(switches)
sleep 31
w1=$(switches)
echo "context switches of all its threads in 31 s idle: $((w1 - w0)) (the watchdog ping every 15 s accounts for 2 wake-ups + their D-Bus-less notify; no polling)"
