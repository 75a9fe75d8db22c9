#!/usr/bin/env bash
# The measuring half of acl_bench.sh, run inside the disposable machine.
set -euo pipefail
files=$OC_FILES folders=$OC_FOLDERS samples=$OC_SAMPLES
uid=101000
unit=openclaw-acl-keeper
seed=/srv/bench/setfacl   # the seeds' method works on this copy
kept=/srv/bench/daemon    # the daemon's copy
sweep_deadline=600        # seconds; a sweep slower than this is a finding, not a wait

now_us() { echo "${EPOCHREALTIME/./}"; }
ms_since() { echo $(( ($(now_us) - $1) / 1000 )); }

# FILES empty files spread over FOLDERS folders, one mkdir and a few touch calls in all.
make_tree() {
  mkdir -p "$1"
  (cd "$1"
   awk -v n="$folders" 'BEGIN { for (i = 0; i < n; i++) printf "d%04d\n", i }' | xargs mkdir
   awk -v n="$files" -v d="$folders" \
     'BEGIN { for (j = 0; j < n; j++) printf "d%04d/f%06d\n", j % d, j }' | xargs touch)
}

# The seeds' two commands on $seed; prints their wall time in ms. The -d run's complaints
# about files are discarded by the seeds; here they are kept aside to be counted.
seed_apply() {
  local t0 rc=0
  t0=$(now_us)
  setfacl -R -m "u:$uid:rwx" "$seed"
  setfacl -R -d -m "u:$uid:rwx" "$seed" 2>/root/setfacl-d.err || rc=$?
  ms_since "$t0"
  echo "$rc" > /root/setfacl-d.rc
}

sweep_lines() {
  journalctl -q -o json "_SYSTEMD_UNIT=$unit.service" OPENCLAW_EVENT=acl-sweep
}
sweep_count() { sweep_lines | wc -l; }
# Waits for acl-sweep line number BEFORE+1 (polling the count, deadline $sweep_deadline) and
# prints its SWEEP_MS, CHECKED, FIXED, SKIPPED and journal time (us), tab-separated.
wait_sweep() {
  local before=$1 deadline=$(( $(date +%s) + sweep_deadline ))
  while [ "$(sweep_count)" -le "$before" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "no acl-sweep line within $sweep_deadline s" >&2
      systemctl status --no-pager -n 20 "$unit" >&2 || true
      return 1
    fi
    sleep 0.1
  done
  sweep_lines | sed -n "$((before + 1))p" | jq -r '[.OPENCLAW_SWEEP_MS, .OPENCLAW_CHECKED,
    .OPENCLAW_FIXED, .OPENCLAW_SKIPPED, (._SOURCE_REALTIME_TIMESTAMP // .__REALTIME_TIMESTAMP)]
    | map(. // "?") | @tsv'
}

# Entries of TREE whose access ACL gives $uid effective rwx, and folders with the default.
acl_census() {
  getfacl -R -p -n "$1" 2>/dev/null | awk -v u="user:$uid:rwx" '
    $0 == u { a++ } $0 == "default:" u { d++ } END { printf "%d access, %d default", a, d }'
}

# Milliseconds from T0 (us) to a journal time (us), or n/a.
ms_until() { [[ $2 =~ ^[0-9]+$ ]] && echo $(( ($2 - $1) / 1000 )) || echo n/a; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

t0=$(now_us)
make_tree "$seed"
make_tree "$kept"
gen_ms=$(ms_since "$t0")
entries=$(( files + folders + 1 ))
sync

# (1) First application.
s1=$(seed_apply)
d_errors=$(wc -l < /root/setfacl-d.err) d_rc=$(cat /root/setfacl-d.rc)
cat > /etc/openclaw-agents/acl-keeper.json <<CONF
{ "rules": [ { "path": "$kept", "entries": ["u:$uid:rwx"], "default": true } ],
  "sweep_interval_sec": 600 }
CONF
sync
before=$(sweep_count)
t0=$(now_us)
systemctl restart $unit
restart_ms=$(ms_since "$t0")
if line=$(wait_sweep "$before"); then
  IFS=$'\t' read -r d1 c1 f1 k1 ts1 <<< "$line"
  w1=$(ms_until "$t0" "$ts1")
else
  d1=n/a c1="?" f1="?" k1="?" w1=n/a
fi
census_seed=$(acl_census "$seed")
census_kept=$(acl_census "$kept")

# (2) A sweep of an already-correct tree.
sync
s2=$(seed_apply)
before=$(sweep_count)
t0=$(now_us)
systemctl reload $unit
if line=$(wait_sweep "$before"); then
  IFS=$'\t' read -r d2 c2 f2 k2 ts2 <<< "$line"
  w2=$(ms_until "$t0" "$ts2")
else
  d2=n/a c2="?" f2="?" k2="?" w2=n/a
fi

# (3) Creation -> ACL in force, in a folder the sweep covered.
probe_dir=$kept/$(printf 'd%04d' $(( folders / 2 )))
latency=$("$OC_ACL_LATENCY" "$probe_dir" "$samples" "$uid" 2000) || latency="acl_latency failed"
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<< "$latency"; }

# (4) The daemon with the tree watched.
pid=$(systemctl show -P MainPID $unit)
rss=0 hwm=0 watches=0
if [ "$pid" -gt 0 ]; then
  rss=$(awk '/^VmRSS/ { print $2 }' /proc/"$pid"/status)
  hwm=$(awk '/^VmHWM/ { print $2 }' /proc/"$pid"/status)
  watches=$(cat /proc/"$pid"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:' || true)
fi
status=$(systemctl show -P StatusText $unit)

echo
echo "openclaw-acl-keeper vs the seeds' setfacl -R -m + setfacl -R -d -m, u:$uid:rwx"
echo "two identical trees of $files files in $folders folders + root ($entries entries each), generated in $gen_ms ms"
printf '%-46s %12s %12s %7s %8s\n' case "setfacl -R" acl-keeper ratio target
printf '%-46s %9s ms %9s ms %7s %8s\n' "(1) first application (keeper: SWEEP_MS)" "$s1" "$d1" "$(ratio "$d1" "$s1")" "<= 1.0"
printf '%-46s %12s %9s ms %7s\n' "    systemctl restart -> acl-sweep line (wall)" "" "$w1" "$(ratio "$w1" "$s1")"
printf '%-46s %9s ms %9s ms %7s %8s\n' "(2) already-correct tree (keeper: SWEEP_MS)" "$s2" "$d2" "$(ratio "$d2" "$s2")" "<= 0.5"
printf '%-46s %12s %9s ms %7s\n' "    systemctl reload -> acl-sweep line (wall)" "" "$w2" "$(ratio "$w2" "$s2")"
echo
echo "ratio (1) = keeper's first sweep / setfacl = $(ratio "$d1" "$s1")   (target <= 1.0)"
echo "ratio (2) = keeper's re-sweep / setfacl    = $(ratio "$d2" "$s2")   (target <= 0.5)"
echo
echo "sweep (1): checked $c1, fixed $f1, skipped $k1; systemctl restart returned after $restart_ms ms"
echo "sweep (2): checked $c2, fixed $f2, skipped $k2$([ "$f2" = 0 ] || echo "   <- expected fixed 0")"
echo "after (1): setfacl tree $census_seed; keeper tree $census_kept (of $entries entries, $((folders + 1)) folders)"
echo "setfacl -R -d: $d_errors error lines (discarded), exit status $d_rc"
echo
echo "(3) creation (mode 0600) -> uid $uid has effective rwx, $(field files) files in $probe_dir:"
echo "    p50 $(field p50_ms) ms, p99 $(field p99_ms) ms, max $(field max_ms) ms, missed the 2 s deadline: $(field missed)   (target p99 < 50 ms; seeds' cron: up to 10 min)"
[ -n "$(field files)" ] || echo "    $latency"
echo
echo "(4) $unit (pid $pid) with the tree watched: VmRSS $((rss / 1024)) MiB ($rss kB), peak VmHWM $((hwm / 1024)) MiB"
echo "    inotify watches held: $watches; StatusText: ${status:-(none)}"
