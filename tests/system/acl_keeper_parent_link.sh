#!/usr/bin/env bash
# acl-keeper when a container swaps a PARENT of an ACL root for a symlink: the root
# /srv/alp/agents/main, its parent /srv/alp/agents swapped while the keeper runs for a
# symlink to /srv/alp/other on the same disk, whose main/ holds files and folders without
# ACLs, and the bot keeps writing through the configured path. Over two sweeps nothing in
# other/ gets an ACL or changes, one warning names the symlinked component, and once the real
# folder is back the next sweep keeps the root again (and its events with it).
#
# Before the root was resolved component by component, the keeper opened it with
# open(path, O_DIRECTORY | O_NOFOLLOW): O_NOFOLLOW guards only the last name, so the next
# sweep followed /srv/alp/agents and gave u:101000:rwx to everything in other/main. This
# scenario then fails: no path-refused line comes, and other/ carries the entries.
#
# sweep_interval_sec cannot be under 60, so this takes three sweeps, about three minutes.
. "$(dirname "$0")/lib.sh"
ak=openclaw-acl-keeper
DEBUG_UNITS=$ak
base=/srv/alp
root=$base/agents/main
other=$base/other
interval=60

. "$(dirname "$0")/acl_lib.sh"

# Every path below other/ that carries an ACL beyond its mode bits (getfacl --skip-base).
extended_in_other() { getfacl -R -s -p $other 2>/dev/null | sed -n 's/^# file: //p'; }
# Mode, ctime (an ACL written changes it), size: what the keeper would change.
fingerprint() { find "$@" -printf '%p %y %m %C@ %s\n' | sort; }

step "an ACL root with a file and a folder, and beside it other/main without any ACL"
mkdir -p $root/sub $other/main/sub2
touch $root/file $root/sub/inner $other/main/file2 $other/main/sub2/inner2
cat > /etc/openclaw-agents/acl-keeper.json <<CONF
{ "rules": [ { "path": "$root", "entries": ["u:101000:rwx"], "default": true } ],
  "sweep_interval_sec": $interval }
CONF
restart_marked $ak
wait_until 10 "the start sweep completed" jr_at_least 1 OPENCLAW_EVENT=acl-sweep
file_ok $root/sub/inner || fail "the start sweep did not keep $root/sub/inner"
[ -z "$(extended_in_other)" ] || fail "$other carries ACLs before the swap: $(extended_in_other)"
pass "$root kept: $(acl_of $root/sub/inner | grep -E '101000|mask' | paste -sd' ' -)"

step "the container swaps $base/agents for a symlink to $other and writes through it"
mv $base/agents $base/agents.real
ln -s $other $base/agents
t_swap=$(date +%s%N)
touch $root/by-bot
mkdir $root/dir-by-bot
touch $root/dir-by-bot/inner
[ -e $other/main/by-bot ] || fail "the bot's file is not in $other/main"
other_before=$(fingerprint $other)
pass "$root now leads to $(readlink -f $root); the bot's writes landed in $other/main"
wait_until $((interval + 10)) "a path-refused warning at the next sweep" \
  jr_at_least 1 OPENCLAW_EVENT=path-refused
pass "after $(ms_since "$t_swap") ms"
wait_until $((interval + 10)) "one more sweep with the root refused" jr_at_least 3 OPENCLAW_EVENT=acl-sweep
one_refusal $root $base/agents
pass "one warning in $(jr_count OPENCLAW_EVENT=acl-sweep) sweeps: $(jr OPENCLAW_EVENT=path-refused | jq -r .MESSAGE)"
pass "the last sweep: $(jr OPENCLAW_EVENT=acl-sweep | tail -n 1 | jq -r .MESSAGE)"
[ -z "$(extended_in_other)" ] || fail "ACLs added in $other: $(extended_in_other | paste -sd' ' -)"
[ "$(fingerprint $other)" = "$other_before" ] ||
  fail "changed in $other: $(diff <(echo "$other_before") <(fingerprint $other) | tr '\n' ' ')"
pass "$other: no path carries an ACL; modes and ctimes of its 8 paths unchanged"

step "the symlink replaced by the real folder: the next sweep keeps the root again"
# Written while the root is refused (its watches dropped): only a sweep can keep it.
touch $base/agents.real/main/late
chmod 600 $base/agents.real/main/late
rm $base/agents
mv $base/agents.real $base/agents
t_fix=$(date +%s%N)
wait_until $((interval + 10)) "the next sweep gives late the ACL" file_ok $root/late
pass "after $(ms_since "$t_fix") ms"
wait_until 5 "a path-resolved notice" jr_at_least 1 OPENCLAW_EVENT=path-resolved
pass "journal: $(jr OPENCLAW_EVENT=path-resolved | jq -r .MESSAGE)"
touch $root/after
chmod 600 $root/after
wait_until 1 "a file created after it is kept by its event within 1 s" file_ok $root/after
[ -z "$(extended_in_other)" ] || fail "ACLs added in $other: $(extended_in_other | paste -sd' ' -)"
[ "$(jr_count OPENCLAW_EVENT=path-refused)" = 1 ] || fail "path-refused said again"
is_state $ak active || fail "$ak is not active"
pass "$other still without ACLs, still one warning; STATUS: $(unit_prop $ak StatusText)"
