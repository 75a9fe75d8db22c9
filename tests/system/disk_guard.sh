#!/usr/bin/env bash
# disk-guard against a real systemd and a real filesystem (a small tmpfs): filled to 90 %
# with half of its files 30+ days old, it is back under target within one interval, having
# removed only old files, oldest first, keep_newest held, and nothing behind a symlink, in
# another filesystem, behind a hard link, a FIFO or outside the patterns; dry_run removes
# nothing and lists what it would; `agentctl disk-report` is read-only; still above
# critical after every action, a critical alert.
. "$(dirname "$0")/lib.sh"
dg=openclaw-disk-guard
DEBUG_UNITS=$dg
conf=/etc/openclaw-agents/disk-guard.json
alerts=/var/lib/openclaw-agents/alerts.jsonl
# Under /srv: the unit has PrivateTmp= and ProtectSystem=full.
mnt=/srv/dg
ses=$mnt/sessions
outside=/srv/outside
interval=5
act=85
target=83
critical=95
trap 'umount "$ses/mnt" 2>/dev/null || true; umount "$mnt" 2>/dev/null || true' EXIT
. "$(dirname "$0")/disk_lib.sh"

listing() { find "$ses" -printf '%P\n' | sort; }
write_conf() { # write_conf DRY_RUN PRUNE_JSON
  cat > $conf <<CONF
{ "mounts": [ { "path": "$mnt", "act_percent": $act, "target_percent": $target,
                "critical_percent": $critical } ],
  "interval_sec": $interval,
  "prune": $2,
  "journal_vacuum_size": "100M", "docker_prune": false, "dry_run": $1 }
CONF
}
prune_rule="[ { \"path\": \"$ses\", \"older_than_days\": 7, \"keep_newest\": 2, \"patterns\": [\"*.jsonl\"] } ]"

restart() { restart_marked $dg; }
field_of() { jr "OPENCLAW_EVENT=$1" | jq -r ".$2"; }
# Whole outputs, never grep -q or head: under pipefail a writer cut off early fails the test.
has_event() { [ -n "$(jr "OPENCLAW_EVENT=$1")" ]; }
first_line() { jr "OPENCLAW_EVENT=$1" | sed -n 1p; }

step "a tmpfs with a prune folder: young files, old files at distinct ages, and traps"
mkdir -p $mnt $outside
mount -t tmpfs -o size=8M tmpfs $mnt
mkdir -p $ses/a $ses/b $ses/c $ses/mnt
for f in r1 r2; do mkfile $ses/$f.jsonl 0; done
for f in a1 a2 a3; do mkfile $ses/a/$f.jsonl 0; done
for f in b1 b2; do mkfile $ses/b/$f.jsonl 0; done
mkfile $ses/r-34.jsonl 34
mkfile $ses/a/a-40.jsonl 40
mkfile $ses/a/a-33.jsonl 33
mkfile $ses/b/b-38.jsonl 38
mkfile $ses/b/b-31.jsonl 31
# Only old files here: keep_newest 2 must keep c-42 and c-36, older than a-40 and b-38.
mkfile $ses/c/c-45.jsonl 45
mkfile $ses/c/c-42.jsonl 42
mkfile $ses/c/c-36.jsonl 36
# Each trap is older than every real candidate, so the first removal would hit it.
# Outside the patterns:
mkfile $ses/keep.txt 50
# A second hard link outside the prune folder:
mkfile $ses/a/hardlinked.jsonl 55
ln $ses/a/hardlinked.jsonl $mnt/hl-partner
# A FIFO (opening it would block the daemon):
mkfifo $ses/b/pipe.jsonl
touch -d '60 days ago' $ses/b/pipe.jsonl
# A symlink to a folder outside, full of old files:
for d in 65 62 61; do mkfile $outside/o-$d.jsonl "$d"; done
ln -s $outside $ses/link
touch -h -d '64 days ago' $ses/link
# Another filesystem mounted inside:
mount -t tmpfs -o size=1M tmpfs $ses/mnt
mkfile $ses/mnt/m-70.jsonl 70
# 17 chunks: 53 %, under act, so the daemon has nothing to do until the filler comes.
[ "$(usage)" = 5312 ] || fail "usage is $(shown_usage), the layout expects 53.12 %"
pass "usage $(shown_usage); 7 young files, 8 old ones (31 to 45 days), 5 traps (50 to 70 days)"
before=$(listing)
outside_before=$(fingerprint $outside $ses/mnt $mnt/hl-partner)

step "filled to 90 %: under target within one interval, only the oldest candidates went"
write_conf false "$prune_rule"
restart
# 29 chunks = 90.62 %. Candidates, oldest first: c-45 a-40 b-38 | r-34 a-33 b-31. Under 83 %
# needs 3 gone (2 leave 84.38 %, 3 leave 81.25 %): exactly c-45, a-40, b-38.
head -c $((12 * chunk)) /dev/zero > $mnt/filler
t0=$(date +%s%N)
pass "usage $(shown_usage) (act $act %, target $target %)"
wait_until $((interval + 3)) "usage under $target % within one interval ($interval s)" under $target
pass "usage $(shown_usage) after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
wait_until 5 "the prune action is in the journal" has_event prune
removed=$(comm -23 <(echo "$before") <(listing) | paste -sd' ' -)
[ "$removed" = "a/a-40.jsonl b/b-38.jsonl c/c-45.jsonl" ] ||
  fail "removed: '$removed'; expected exactly a/a-40.jsonl b/b-38.jsonl c/c-45.jsonl"
pass "removed exactly c-45, a-40, b-38; every young file and r-34, a-33, b-31 remain"
pass "keep_newest 2 held: c-42 and c-36 remain, though older than a-40"
pass "kept: keep.txt (pattern), hardlinked.jsonl (2 links), pipe.jsonl (FIFO), link, mnt/m-70.jsonl"
[ "$(comm -13 <(echo "$before") <(listing))" = "" ] || fail "new entries: $(comm -13 <(echo "$before") <(listing))"
order=$(field_of pruned OPENCLAW_TARGET | paste -sd' ' -)
[ "$order" = "$ses/c/c-45.jsonl $ses/a/a-40.jsonl $ses/b/b-38.jsonl" ] ||
  fail "pruned entries in the journal: '$order'; expected c-45, a-40, b-38 in that order"
pass "journal, oldest first: $order"
line=$(first_line prune)
got=$(jq -r '[.OPENCLAW_TARGET, .OPENCLAW_REMOVED, .OPENCLAW_FREED_BYTES] | join(" ")' <<<"$line")
[ "$got" = "$mnt 3 $((3 * chunk))" ] || fail "prune line: target removed freed = '$got', expected '$mnt 3 $((3 * chunk))'"
pass "prune line: $(jq -r .MESSAGE <<<"$line") (REMOVED=3 FREED_BYTES=$((3 * chunk)) ACTION_MS=$(jq -r .OPENCLAW_ACTION_MS <<<"$line"))"
[ "$(field_of disk-high OPENCLAW_TARGET | sed -n 1p)" = $mnt ] || fail "no disk-high entry for $mnt"
pass "disk-high: $(first_line disk-high | jq -r .MESSAGE)"

step "nothing behind the symlink, in the inner mount or behind the hard link changed"
[ "$(fingerprint $outside $ses/mnt $mnt/hl-partner)" = "$outside_before" ] ||
  fail "changed: $(diff <(echo "$outside_before") <(fingerprint $outside $ses/mnt $mnt/hl-partner) | tr '\n' ' ')"
pass "$outside (3 files, 61 to 65 days old), $ses/mnt, $mnt/hl-partner: names, sizes, mtimes, links"
is_state $dg active || fail "$dg is not active"
pass "$dg active; STATUS: $(unit_prop $dg StatusText)"

step "dry_run: nothing removed, the journal lists what would have been"
write_conf true "$prune_rule"
restart
# Back to 29 chunks. The 3 candidates left (r-34, a-33, b-31) are exactly the 3 needed, so
# the list is the same whether a dry run stops at target or lists every candidate.
head -c $((3 * chunk)) /dev/zero > $mnt/filler2
before=$(listing)
u0=$(usage)
dry_line() { [ -n "$(jr OPENCLAW_EVENT=prune OPENCLAW_DRY_RUN=1)" ]; }
wait_until $((interval + 3)) "a dry-run prune action within one interval" dry_line
[ "$(listing)" = "$before" ] || fail "the dry run removed: $(comm -23 <(echo "$before") <(listing) | paste -sd' ' -)"
[ "$(usage)" = "$u0" ] || fail "usage moved from $u0 to $(usage) in a dry run"
pass "nothing removed, usage still $(shown_usage)"
has_event pruned && fail "a dry run logged pruned: $(field_of pruned OPENCLAW_TARGET | paste -sd' ' -)"
would=$(field_of prune-would-remove OPENCLAW_TARGET | awk '!seen[$0]++' | paste -sd' ' -)
[ "$would" = "$ses/r-34.jsonl $ses/a/a-33.jsonl $ses/b/b-31.jsonl" ] ||
  fail "prune-would-remove: '$would'; expected r-34, a-33, b-31 in that order"
pass "prune-would-remove, oldest first: $would"
msg=$(jr OPENCLAW_EVENT=prune-would-remove | sed -n 1p | jq -r .MESSAGE)
grep -qF "$ses/r-34.jsonl" <<<"$msg" || fail "the message does not name the file: $msg"
pass "message: $msg"
pass "action line: $(jr OPENCLAW_EVENT=prune OPENCLAW_DRY_RUN=1 | sed -n 1p | jq -r '"\(.MESSAGE) (FREED_BYTES=\(.OPENCLAW_FREED_BYTES) REMOVED=\(.OPENCLAW_REMOVED))"')"

step "openclaw-agentctl disk-report: the mount and its candidates, read-only; 78 on a bad config"
rc=0
out=$(timeout 30 openclaw-agentctl disk-report 2>&1) || rc=$?
[ "$rc" = 0 ] || fail "disk-report exited $rc: $out"
grep -qF "$mnt" <<<"$out" || fail "disk-report does not name $mnt: $out"
prune_report=$(grep -F "$ses" <<<"$out") || fail "disk-report does not name the prune folder $ses: $out"
# What it could free now: the 3 candidates, 768 KiB (786432 bytes), however it is written.
{ grep -qw 3 <<<"$prune_report" && grep -qE '768|786432' <<<"$prune_report"; } ||
  fail "disk-report does not give 3 candidates of 768 KiB for $ses: $prune_report"
awk '{ print "   disk-report: " $0 }' <<<"$out"
[ "$(listing)" = "$before" ] || fail "disk-report removed: $(comm -23 <(echo "$before") <(listing) | paste -sd' ' -)"
pass "exit 0, names $mnt, 3 candidates of 768 KiB in $ses, nothing removed"
printf '{ "mounts": 5 }\n' > /srv/dg-bad.json
rc=0
out=$(timeout 30 openclaw-agentctl disk-report --config /srv/dg-bad.json 2>&1) || rc=$?
[ "$rc" = 78 ] || fail "disk-report exited $rc on a config that does not load: $out"
pass "exit 78: $(head -n 2 <<<"$out" | paste -sd' ' -)"

step "above critical after every action: a critical alert"
# No prune folder, the journal is elsewhere, no Docker: nothing can bring it down.
write_conf false "[]"
restart
# 31 chunks = 96.88 %.
head -c $((2 * chunk)) /dev/zero > $mnt/filler3
critical_logged() { [ "$(field_of disk-critical OPENCLAW_TARGET | sed -n 1p)" = $mnt ]; }
wait_until $((interval + 3)) "disk-critical for $mnt in the journal (usage $(shown_usage))" critical_logged
pass "journal: $(first_line disk-critical | jq -r .MESSAGE)"
alerted() { jq -e 'select(.event == "disk-critical" and .level == "critical")' $alerts >/dev/null 2>&1; }
wait_until 5 "a critical disk-critical line in $alerts" alerted
pass "alert: $(grep '"disk-critical"' $alerts | tail -n 1 | cut -c1-300)"
is_state $dg active || fail "$dg is not active"

step "after the whole run, nothing outside the candidates changed"
[ "$(fingerprint $outside $ses/mnt $mnt/hl-partner)" = "$outside_before" ] ||
  fail "changed: $(diff <(echo "$outside_before") <(fingerprint $outside $ses/mnt $mnt/hl-partner) | tr '\n' ' ')"
pass "$outside, $ses/mnt, $mnt/hl-partner unchanged; STATUS: $(unit_prop $dg StatusText)"
