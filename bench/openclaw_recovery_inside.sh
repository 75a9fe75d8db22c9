#!/usr/bin/env bash
# The measuring half of openclaw_recovery.sh, run inside the disposable machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/system/lib.sh"
export OC_MAX_RESTORES=60
. "$here/../tests/system/openclaw_lib.sh"
n=$OC_RUNS
oc_install_gateway >/dev/null
oc_write_agent_configs >/dev/null
ready() { systemctl show -P StatusText $js | grep -q "ready to restore"; }
wait_until 60 "the supervisor has judged its candidates" ready >/dev/null

# Polled with curl every 50 ms: cheap next to a gateway start (a systemctl per poll is not).
answers() { curl -sf -m 1 -o /dev/null http://127.0.0.1:$oc_port/healthz; }
# Milliseconds from $1 (ns) until /healthz answers (deadline 90 s), after it has stopped.
until_healthy() {
  local t0=$1 deadline=$(( $(date +%s) + 90 ))
  until answers; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo miss; return; }
    sleep 0.05
  done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}
until_down() { while answers; do sleep 0.02; done; }
recoveries_are() { [ "$(grep -c '"level":"recovered"' $alerts 2>/dev/null)" = "$1" ]; }
pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { i = int((NR - 1) * p + 0.5) + 1; print v[i] }'; }

: > /root/recover.txt
: > /root/start.txt
: > /root/detect.txt
for i in $(seq 1 "$n"); do
  # (b) the floor: the gateway's own restart.
  t0=$(date +%s%N)
  sc restart $oc_unit
  until_down
  until_healthy "$t0" >> /root/start.txt
  # Settled (its post-start work done) before the next measurement, as a running bot is.
  sleep 5
  # (a) corrupt + kill: the supervisor's recovery.
  t0=$(date +%s%N)
  oc_corrupt_and_kill
  until_down
  until_healthy "$t0" >> /root/recover.txt
  wait_until 30 "run $i counted as recovered" recoveries_are "$i" >/dev/null
  # Where the time went: the kill to the restart the supervisor issued (journal time of its
  # restore line), and from there to healthy.
  restored_us=$(journalctl -u $js -o json --no-pager OPENCLAW_EVENT=restore | tail -n 1 | jq -r .__REALTIME_TIMESTAMP)
  echo "$(( (restored_us * 1000 - t0) / 1000000 ))" >> /root/detect.txt
  oc_validate >/dev/null || { echo "run $i: the live config does not validate"; exit 1; }
  sleep 5
done
miss=$(grep -c miss /root/recover.txt || true)
grep -v miss /root/recover.txt > /root/recover.ok || true
a50=$(pct 0.5 < /root/recover.ok); a90=$(pct 0.9 < /root/recover.ok)
b50=$(pct 0.5 < /root/start.txt); b90=$(pct 0.9 < /root/start.txt)
echo "OpenClaw $(openclaw --version) as a $oc_kind unit, $n runs"
echo "(a) corrupt + kill -> healthy (jack-supervisor): p50 ${a50} ms, p90 ${a90} ms, missed $miss  [$(tr '\n' ' ' < /root/recover.txt)]"
echo "(b) systemctl restart -> healthy (the floor):   p50 ${b50} ms, p90 ${b90} ms  [$(tr '\n' ' ' < /root/start.txt)]"
echo "    of (a): kill -> config restored and restart issued: p50 $(pct 0.5 < /root/detect.txt) ms  [$(tr '\n' ' ' < /root/detect.txt)]"
echo "ratio p50(a)/p50(b): $(echo "scale=2; $a50 / $b50" | bc)"
echo "journal: $(journalctl -u $js --no-pager -o cat OPENCLAW_EVENT=running-config | tail -n 1)"
