#!/usr/bin/env bash
# disk-guard when a container swaps a PARENT of a prune root for a symlink: the prune root
# /srv/dgp/agents/main/sessions, its parent /srv/dgp/agents swapped for a symlink to
# /srv/dgp/other on the same (small tmpfs) disk, whose main/sessions holds 10 old files; the
# disk is then filled over act_percent. Nothing in /srv/dgp/other is removed over several
# intervals, one warning names the symlinked component, and once the real folder is back the
# next interval prunes it as configured.
#
# Before the prune root was resolved component by component, disk-guard opened it with
# open(path, O_DIRECTORY | O_NOFOLLOW): O_NOFOLLOW guards only the last name, so the kernel
# followed /srv/dgp/agents and the 10 old files of other/main/sessions were the candidates
# (the issue's reproduction removed all 10 there). This scenario then fails twice: no
# path-refused line comes, and other/ loses its oldest files.
. "$(dirname "$0")/lib.sh"
dg=openclaw-disk-guard
DEBUG_UNITS=$dg
conf=/etc/openclaw-agents/disk-guard.json
# Under /srv: the unit has PrivateTmp= and ProtectSystem=full.
mnt=/srv/dgp
root=$mnt/agents/main/sessions
other=$mnt/other
interval=5
act=85
target=83
trap 'umount "$mnt" 2>/dev/null || true' EXIT
. "$(dirname "$0")/disk_lib.sh"

step "a tmpfs: the prune root with 3 old files, and beside it other/main/sessions with 10"
mkdir -p $mnt
mount -t tmpfs -o size=8M tmpfs $mnt
mkdir -p $root $other/main/sessions
mkfile $root/young-1.jsonl 0
mkfile $root/young-2.jsonl 0
for d in 40 35 31; do mkfile $root/old-$d.jsonl $d; done
for d in 30 31 32 33 34 35 36 37 38 39; do mkfile $other/main/sessions/o-$d.jsonl $d; done
# 15 chunks: 46.88 %, under act: nothing to do until the filler comes.
[ "$(usage)" = 4687 ] || fail "usage is $(shown_usage), the layout expects 46.87 %"
cat > $conf <<CONF
{ "mounts": [ { "path": "$mnt", "act_percent": $act, "target_percent": $target,
                "critical_percent": 99 } ],
  "interval_sec": $interval,
  "prune": [ { "path": "$root", "older_than_days": 7, "keep_newest": 2 } ],
  "docker_prune": false, "dry_run": false }
CONF
restart_marked $dg
other_before=$(fingerprint $other)
pass "usage $(shown_usage); $dg active, prune root $root"

step "the container swaps $mnt/agents for a symlink to $other; the disk fills to 90 %"
mv $mnt/agents $mnt/agents.real
ln -s $other $mnt/agents
t_swap=$(date +%s%N)
# 29 chunks = 90.62 %, over act.
head -c $((14 * chunk)) /dev/zero > $mnt/filler
pass "$root now leads to $(readlink -f $root); usage $(shown_usage)"
wait_until $((interval + 3)) "a path-refused warning" jr_at_least 1 OPENCLAW_EVENT=path-refused
pass "after $(ms_since "$t_swap") ms"
n_high=$(jr_count OPENCLAW_EVENT=disk-high)
wait_until $((3 * interval + 3)) "3 more checks over act with the root refused" \
  jr_at_least $((n_high + 3)) OPENCLAW_EVENT=disk-high
one_refusal $root $mnt/agents
pass "one warning in $(jr_count OPENCLAW_EVENT=disk-high) checks: $(jr OPENCLAW_EVENT=path-refused | jq -r .MESSAGE)"
[ "$(fingerprint $other)" = "$other_before" ] ||
  fail "changed in $other: $(diff <(echo "$other_before") <(fingerprint $other) | tr '\n' ' ')"
[ "$(jr_count OPENCLAW_EVENT=pruned)" = 0 ] || fail "pruned: $(jr OPENCLAW_EVENT=pruned | jq -r .OPENCLAW_TARGET | paste -sd' ' -)"
under $act && fail "usage fell to $(shown_usage) though nothing may be pruned"
pass "$other: all 10 old files there, names, sizes, mtimes unchanged; nothing pruned; usage $(shown_usage)"

step "the symlink replaced by the real folder: the next interval prunes the root again"
rm $mnt/agents
mv $mnt/agents.real $mnt/agents
t_fix=$(date +%s%N)
wait_until $((interval + 3)) "usage under $target % within one interval" under $target
pass "usage $(shown_usage) after $(ms_since "$t_fix") ms"
wait_until 5 "a path-resolved notice" jr_at_least 1 OPENCLAW_EVENT=path-resolved
pass "journal: $(jr OPENCLAW_EVENT=path-resolved | jq -r .MESSAGE)"
removed=$(jr OPENCLAW_EVENT=pruned | jq -r .OPENCLAW_TARGET | paste -sd' ' -)
[ "$removed" = "$root/old-40.jsonl $root/old-35.jsonl $root/old-31.jsonl" ] ||
  fail "pruned: '$removed', expected old-40, old-35, old-31 of $root"
pass "pruned, oldest first: $removed"
[ "$(fingerprint $other)" = "$other_before" ] ||
  fail "changed in $other: $(diff <(echo "$other_before") <(fingerprint $other) | tr '\n' ' ')"
[ "$(jr_count OPENCLAW_EVENT=path-refused)" = 1 ] || fail "path-refused said again"
is_state $dg active || fail "$dg is not active"
pass "$other unchanged, still one warning; STATUS: $(unit_prop $dg StatusText)"
