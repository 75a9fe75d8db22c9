#!/usr/bin/env bash
# The measuring half of prune_bench.sh, run inside the disposable machine.
set -euo pipefail
files=$OC_FILES folders=$OC_FOLDERS idle_sec=$OC_IDLE_SEC
unit=openclaw-disk-guard
mnt=/srv/pb                 # a tmpfs of its own: the mount in trouble (ProtectSystem=full: /srv)
by_find=$mnt/find           # find works on this copy
by_daemon=$mnt/daemon       # the daemon's copy
lists=/root/prune-bench     # the generated names, kept off the mount
tmpfs_mb=256 filler_mb=150  # 59 % used: above act_percent 50, never under target_percent 1
old_days=30                 # well past older_than_days 7 and find's -mtime +7
prune_deadline=600          # seconds; a prune slower than this is a finding, not a wait

now_us() { echo "${EPOCHREALTIME/./}"; }
ms_since() { echo $(( ($(now_us) - $1) / 1000 )); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# File j goes in folder j % FOLDERS; in each folder every other file (by rank j / FOLDERS) is
# old, so old and young files alternate in every folder.
make_lists() {
  mkdir -p "$lists"
  awk -v n="$files" -v d="$folders" -v dir="$lists" 'BEGIN {
    for (i = 0; i < d; i++) printf "d%04d\n", i > (dir "/folders")
    for (j = 0; j < n; j++)
      printf "d%04d/f%06d\n", j % d, j > (dir (int(j / d) % 2 ? "/old" : "/young"))
  }'
  touch "$lists/old" "$lists/young"
  sort "$lists/young" > "$lists/young.sorted"
}

# One mkdir and a few touch calls per tree (xargs packs thousands of names per call); every
# old file gets the same mtime in both trees.
make_tree() {
  mkdir -p "$1"
  (cd "$1"
   xargs mkdir < "$lists/folders"
   xargs -r touch < "$lists/young"
   xargs -r touch -d "@$old_mtime" < "$lists/old")
}

prune_lines() {
  journalctl -q -o json "_SYSTEMD_UNIT=$unit.service" OPENCLAW_EVENT=prune
}
prune_count() { prune_lines | wc -l; }
# Waits for prune line number BEFORE+1 (polling the count, deadline $prune_deadline) and
# prints its TARGET, REMOVED, FREED_BYTES, ACTION_MS and journal time (us), tab-separated.
wait_prune() {
  local before=$1 deadline=$(( $(date +%s) + prune_deadline ))
  while [ "$(prune_count)" -le "$before" ]; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "no prune line within $prune_deadline s" >&2
      systemctl status --no-pager -n 20 "$unit" >&2 || true
      return 1
    fi
    sleep 1  # sparse: the poller would compete with the daemon for the CPUs; the figures
             # come from the line itself, not from when it is seen
  done
  prune_lines | sed -n "$((before + 1))p" | jq -r '[.OPENCLAW_TARGET, .OPENCLAW_REMOVED,
    .OPENCLAW_FREED_BYTES, .OPENCLAW_ACTION_MS,
    (._SOURCE_REALTIME_TIMESTAMP // .__REALTIME_TIMESTAMP)] | map(. // "?") | @tsv'
}

# CPU of process PID, tab-separated: utime and stime (clock ticks, every thread, ended ones
# included), the main thread's run time from /proc/PID/schedstat (ns, exact), voluntary and
# involuntary context switches.
proc_sample() {
  local pid=$1 stat rest
  stat=$(cat /proc/"$pid"/stat)
  rest=${stat##*) }           # after "pid (comm) ": field 3 (state) onwards
  read -r -a f <<< "$rest"
  printf '%s\t%s\t%s\t%s\t%s\n' "${f[11]}" "${f[12]}" \
    "$(awk '{ print $1 }' /proc/"$pid"/schedstat 2>/dev/null || echo n/a)" \
    "$(awk '/^voluntary_ctxt_switches/ { print $2 }' /proc/"$pid"/status)" \
    "$(awk '/^nonvoluntary_ctxt_switches/ { print $2 }' /proc/"$pid"/status)"
}
ticks_ms() { echo $(( $1 * 1000 / $(getconf CLK_TCK) )); }
ms() { [[ $1 =~ ^[0-9.]+$ ]] && echo "$1 ms" || echo "$1"; }
ns_ms() { [[ $1 =~ ^[0-9]+$ ]] && awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e6 }' || echo n/a; }

# Files left in TREE, and whether their names are exactly the young ones.
census() {
  local left same=no
  left=$(find "$1" -type f | wc -l)
  (cd "$1" && find . -type f -printf '%P\n' | sort | cmp -s - "$lists/young.sorted") && same=yes
  echo "$left files left, exactly the young ones: $same"
}

# The daemon's config; act_percent ACT (100: the mount never needs action).
write_config() {
  cat > /etc/openclaw-agents/disk-guard.json <<CONF
{ "mounts": [ { "path": "$mnt", "act_percent": $1, "target_percent": 1, "critical_percent": 100 } ],
  "interval_sec": 3600,
  "prune": [ { "path": "$by_daemon", "older_than_days": 7, "keep_newest": 0 } ],
  "dry_run": false }
CONF
}

# The mount in trouble, the lists and the two trees.
mkdir -p "$mnt"
mount -t tmpfs -o "size=${tmpfs_mb}M,nr_inodes=$(( 2 * (files + folders) + 1000 ))" tmpfs "$mnt"
head -c "${filler_mb}M" /dev/zero > "$mnt/filler"
old_mtime=$(( $(date +%s) - old_days * 86400 ))
t0=$(now_us)
make_lists
make_tree "$by_find"
make_tree "$by_daemon"
gen_ms=$(ms_since "$t0")
n_old=$(wc -l < "$lists/old") n_young=$(wc -l < "$lists/young")
used_before=$(df --output=pcent "$mnt" | tail -n 1 | tr -d ' ')

# The daemon's start-up alone, included in its CPU figure below: the same config, but
# act_percent 100, so it checks the mount and has nothing to do.
write_config 100
systemctl restart $unit
sleep 1
IFS=$'\t' read -r s_utime s_stime startup_run _ _ <<< "$(proc_sample "$(systemctl show -P MainPID $unit)")"
startup_cpu=$(ticks_ms $(( s_utime + s_stime )))

# (1a) find on its copy: bash's time keyword (getrusage of the child: exact CPU, ms shown).
find_rc=0
TIMEFORMAT='%3R %3U %3S'
{ time find "$by_find" -type f -mtime +7 -delete 2>/root/find.err; } 2>/root/find.time || find_rc=$?
read -r fw fu fs < /root/find.time
find_wall=$(awk -v s="$fw" 'BEGIN { printf "%d", s * 1000 }')
find_user=$(awk -v s="$fu" 'BEGIN { printf "%d", s * 1000 }')
find_sys=$(awk -v s="$fs" 'BEGIN { printf "%d", s * 1000 }')
find_cpu=$(( find_user + find_sys ))

# (1b) The daemon on its copy: it checks the mount at start, finds it above act_percent and
# prunes every old file (empty files: the usage never reaches target_percent).
write_config 50
before=$(prune_count)
since=$(date '+%Y-%m-%d %H:%M:%S')
t0=$(now_us)
systemctl restart $unit
restart_ms=$(ms_since "$t0")
pid=0 cpu_unit=n/a
if line=$(wait_prune "$before"); then
  pid=$(systemctl show -P MainPID $unit)
  cpu_unit=$(systemctl show -P CPUUsageNSec $unit)
  IFS=$'\t' read -r d_utime d_stime d_run _ _ <<< "$(proc_sample "$pid")"
  # For the unit's MemoryMax=: what the prune took at its peak.
  d_hwm=$(awk '/^VmHWM/ { print $2 }' /proc/"$pid"/status)
  IFS=$'\t' read -r target removed freed action_ms ts <<< "$line"
  [[ $ts =~ ^[0-9]+$ ]] && w_line=$(( (ts - t0) / 1000 )) || w_line=n/a
  d_user=$(ticks_ms "$d_utime") d_sys=$(ticks_ms "$d_stime")
  # The whole process: utime and stime in /proc/PID/stat count the scan's and the removal's
  # threads too, after they ended (schedstat is the main thread's alone).
  d_cpu=$(( d_user + d_sys ))
else
  target="?" removed="?" freed="?" action_ms=n/a w_line=n/a d_run=n/a d_user=n/a d_sys=n/a d_cpu=n/a
fi

# (3) Idle: interval_sec 3600, so nothing but the watchdog ping (WatchdogSec=30s: one every
# 15 s) should wake it in the window.
idle_cpu="n/a" idle_run="n/a" idle_vol="n/a" idle_invol="n/a" pid_after=$pid
if [ "$pid" -gt 0 ]; then
  IFS=$'\t' read -r u0 s0 r0 v0 i0 <<< "$(proc_sample "$pid")"
  sleep "$idle_sec"
  pid_after=$(systemctl show -P MainPID $unit)
  if [ "$pid_after" = "$pid" ]; then
    IFS=$'\t' read -r u1 s1 r1 v1 i1 <<< "$(proc_sample "$pid")"
    idle_cpu=$(ticks_ms $(( u1 + s1 - u0 - s0 )))
    [[ $r0$r1 =~ ^[0-9]+$ ]] && idle_run=$(( (r1 - r0) / 1000 ))
    idle_vol=$(( v1 - v0 )) idle_invol=$(( i1 - i0 ))
  fi
fi

# (2) What is left.
census_find=$(census "$by_find")
census_daemon=$(census "$by_daemon")
filler_left=$(stat -c %s "$mnt/filler" 2>/dev/null || echo gone)
warnings=$(journalctl -q -u $unit -p warning --since "$since" --no-pager -o cat || true)

echo
echo "openclaw-disk-guard prune vs find DIR -type f -mtime +7 -delete"
echo "two identical trees of $files empty files in $folders folders ($n_old old: mtime $old_days days ago, alternating with $n_young young in every folder), generated in $gen_ms ms"
echo "$mnt: tmpfs ${tmpfs_mb}M with a ${filler_mb}M filler, $used_before used (act_percent 50, target_percent 1)"
row() { printf '%-40s %10s %12s %10s %10s\n' "$1" "$(ms "$2")" "$(ms "$3")" "$(ms "$4")" "$(ms "$5")"; }
row "" wall "CPU u+s" user sys
row "find -delete" "$find_wall" "$find_cpu" "$find_user" "$find_sys"
row "disk-guard prune (ACTION_MS; process)" "$action_ms" "$d_cpu" "$d_user" "$d_sys"
row "  systemctl restart -> prune line" "$w_line" "$(ns_ms "$cpu_unit")" "" ""
echo
echo "ratio wall = ACTION_MS / find wall = $(ratio "$action_ms" "$find_wall")   (target <= 1.0)"
echo "ratio CPU  = daemon process CPU / find CPU = $(ratio "$d_cpu" "$find_cpu")"
echo "  daemon CPU: utime + stime of the whole process, threads included ($(getconf CLK_TCK) Hz ticks, /proc/PID/stat);"
echo "  its main thread alone ran $(ns_ms "$d_run") ms (schedstat). It and the unit's CPUUsageNSec ($(ms "$(ns_ms "$cpu_unit")"))"
echo "  include the daemon's start-up, which alone (act_percent 100: nothing to do) took $startup_cpu ms"
echo "  (main thread $(ms "$(ns_ms "$startup_run")"))"
echo "  systemctl restart returned (READY=1) after $restart_ms ms"
echo
echo "prune line: target $target, removed $removed (expected $n_old), freed $freed bytes"
echo "daemon peak RSS (VmHWM) after the prune: ${d_hwm:-n/a} kB"
echo "find: exit status $find_rc, $(wc -l < /root/find.err) error lines"
echo "find tree:   $census_find (expected $n_young)"
echo "daemon tree: $census_daemon (expected $n_young)"
echo "filler: $filler_left bytes (expected $(( filler_mb * 1024 * 1024 )))"
echo
echo "idle over $idle_sec s (interval_sec 3600, WatchdogSec 30 s: 1-2 pings expected), pid $pid:"
echo "  CPU +$idle_cpu ms (ticks), schedstat run time +$idle_run us; context switches +$idle_vol voluntary, +$idle_invol involuntary"
[ "$pid_after" = "$pid" ] || echo "  the daemon's MainPID changed during the window: $pid -> $pid_after"
echo "daemon warnings since the restart: $(grep -c . <<< "$warnings" || true)"
[ -z "$warnings" ] || head -n 10 <<< "$warnings" | sed 's/^/  /'

ok=1
[ "$find_rc" = 0 ] || ok=0
[ "$removed" = "$n_old" ] || ok=0
[ "$census_find" = "$n_young files left, exactly the young ones: yes" ] || ok=0
[ "$census_daemon" = "$n_young files left, exactly the young ones: yes" ] || ok=0
[ "$filler_left" = $(( filler_mb * 1024 * 1024 )) ] || ok=0
if [ "$ok" = 1 ]; then echo "checks: ok"; else echo "checks: FAILED"; exit 1; fi
