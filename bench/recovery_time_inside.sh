#!/usr/bin/env bash
# The measuring half of recovery_time.sh, run inside the disposable machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/system/lib.sh"
. "$here/../tests/system/jack_lib.sh"
n=$OC_RUNS
setup_gateway >/dev/null
valid_config "backup" > $cfg.bak
write_supervisor_config 60 >/dev/null
restart_supervisor >/dev/null

ns() { date +%s%N; }
# Milliseconds from now until the gateway answers on a config holding MARK (deadline 30 s).
until_healthy_on() {
  local t0=$1 mark=$2 deadline=$(( $(date +%s) + 30 ))
  until grep -q "$mark" $cfg 2>/dev/null && curl -sf -m 1 -o /dev/null http://127.0.0.1:$port/healthz; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo miss; return; }
    sleep 0.01
  done
  echo $(( ($(ns) - t0) / 1000000 ))
}
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { i = int((NR - 1) * p + 0.5) + 1; print v[i] }'; }

: > /root/recover.txt
: > /root/start.txt
for i in $(seq 1 "$n"); do
  # (b) the floor: a plain restart of the same gateway.
  t0=$(ns)
  systemctl restart $gw
  until_healthy_on "$t0" gateway >> /root/start.txt
  # (a) corrupt + kill: the supervisor's recovery.
  t0=$(ns)
  corrupt_and_kill
  until_healthy_on "$t0" '// backup' >> /root/recover.txt
  # The gateway answers before the supervisor has confirmed it; a kill in between would be
  # judged part of this repair.  Wait for its verdict (not timed) before the next run.
  wait_until 10 "run $i counted as recovered" alerts_are "$i" '"level":"recovered"' >/dev/null
  # The gateway's own start limit (5 a minute) must not be what is measured.
  systemctl reset-failed $gw
done
miss=$(grep -c miss /root/recover.txt || true)
grep -v miss /root/recover.txt > /root/recover.ok || true
a50=$(pct 0.5 < /root/recover.ok); a90=$(pct 0.9 < /root/recover.ok)
b50=$(pct 0.5 < /root/start.txt); b90=$(pct 0.9 < /root/start.txt)
echo "runs: $n"
echo "(a) corrupt + kill -> healthy (jack-supervisor): p50 ${a50} ms, p90 ${a90} ms, missed $miss"
echo "(b) systemctl restart -> healthy (the floor):   p50 ${b50} ms, p90 ${b90} ms"
echo "ratio p50(a)/p50(b): $(echo "scale=2; $a50 / $b50" | bc)"
echo "journal: $(journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=recovered | tail -n 1)"
