#!/usr/bin/env bash
# acl-keeper against a real systemd and a real filesystem: the start sweep; files, folders
# and moves given the ACL within 1 s by inotify; a shrunk mask repaired; symlinks and hard
# links never written through; a FIFO never blocks; another filesystem never entered;
# `agentctl acl-verify`; and the state rebuilt from disk after stop and after kill -9.
. "$(dirname "$0")/lib.sh"
ak=openclaw-acl-keeper
DEBUG_UNITS=$ak
base=/srv/oc-acl
tree=$base/tree
outside=$base/outside
# A root-only file the daemon could write (ProtectSystem=full leaves /var writable), so
# that "not written through a link" can fail; /etc alone is read-only for the unit.
secret=/var/lib/oc-acl-secret
secret_dir=/var/lib/oc-acl-secret.d
trap 'umount "$tree/mnt" 2>/dev/null || true' EXIT
. "$(dirname "$0")/acl_lib.sh"

dir_ok() {
  local a
  a=$(acl_of "$1") || return 1
  file_ok "$1" && has_line "$a" 'default:user:101000:rwx' && has_line "$a" 'default:mask::rwx'
}
all_ok() {
  local p
  for p in "$@"; do
    if [ -d "$p" ]; then dir_ok "$p"; else file_ok "$p"; fi || return 1
  done
}
lacks_entry() {
  local a
  a=$(acl_of "$1") || return 1
  ! grep -q ':101000:' <<<"$a"
}
acl_brief() { acl_of "$1" | grep -E '101000|mask' | tr '\t' ' ' | paste -sd' ' - || true; }
# gets_acl PATH...: all of them carry the entries (folders also the defaults) within 1 s.
gets_acl() {
  local shown=("${@#"$tree"/}") p
  wait_until 1 "${shown[*]}: the ACL within 1 s" all_ok "$@"
  for p in "$@"; do printf '   getfacl %s: %s\n' "${p#"$tree"/}" "$(acl_brief "$p")"; done
}

sweeps() { journalctl -q -u $ak -o cat --no-pager OPENCLAW_EVENT=acl-sweep | wc -l; }
more_sweeps_than() { [ "$(sweeps)" -gt "$1" ]; }
sweep_field() { journalctl -q -u $ak -o json -n 1 --no-pager OPENCLAW_EVENT=acl-sweep | jq -r ".$1"; }
last_sweep() { journalctl -q -u $ak -o cat -n 1 --no-pager OPENCLAW_EVENT=acl-sweep; }
# A reload re-sweeps every tree; the next acl-sweep line says that sweep has finished.
full_sweep() {
  local n
  n=$(sweeps)
  timeout 15 systemctl reload $ak || fail "systemctl reload $ak did not finish"
  wait_until 10 "a full sweep completed ($1)" more_sweeps_than "$n"
  printf '   journal: %s\n' "$(last_sweep)"
}
# Mode, owner and ACL: what a write through a link would change.
fingerprint() {
  local p
  for p in "$@"; do stat -c '%n %a %u:%g' "$p"; acl_of "$p"; done
}

# What is in the tree before the daemon knows it: the start sweep must fix it.
mkdir -p "$tree/old-dir" "$outside"
touch "$tree/old-file" "$tree/old-dir/old-inner"
printf 'secret\n' > $secret
chmod 600 $secret
mkdir -m 700 $secret_dir
printf 'secret\n' > $secret_dir/inner
chmod 600 $secret_dir/inner
# A hard link needs one filesystem; the hard-link check proves something only if the
# daemon could reach the secret's inode through the tree.
[ "$(stat -c %d $secret)" = "$(stat -c %d "$tree")" ] ||
  fail "$secret and $tree are on different filesystems: the hard-link check would prove nothing"
# A long interval: no timer sweep can land between a reload and the line waited for.
cat > /etc/openclaw-agents/acl-keeper.json <<CONF
{ "rules": [ { "path": "$tree", "entries": ["u:101000:rwx"], "default": true } ],
  "sweep_interval_sec": 3600 }
CONF

step "the start sweep gives the ACL to what was in the tree before"
n=$(sweeps)
systemctl restart $ak || fail "systemctl restart $ak failed"
wait_until 10 "$ak is active" is_state $ak active
wait_until 10 "the start sweep completed" more_sweeps_than "$n"
printf '   journal: %s\n' "$(last_sweep)"
all_ok "$tree" "$tree/old-file" "$tree/old-dir" "$tree/old-dir/old-inner" ||
  fail "after the start sweep: $(acl_brief "$tree/old-dir/old-inner")"
fixed=$(sweep_field OPENCLAW_FIXED)
[ "$fixed" -ge 4 ] || fail "the start sweep reports $fixed fixed, 4 paths had no ACL"
pass "tree, old-file, old-dir, old-dir/old-inner fixed ($fixed reported)"

step "created after start: a file, a folder, a file in it at once, a deep path"
touch "$tree/new-file"
gets_acl "$tree/new-file"
# The file follows mkdir at once, so it may exist before the daemon watches the folder.
mkdir -m 700 "$tree/new-dir"
touch "$tree/new-dir/inner"
gets_acl "$tree/new-dir" "$tree/new-dir/inner"
mkdir -p "$tree/deep/a/b"
touch "$tree/deep/a/b/leaf"
gets_acl "$tree/deep" "$tree/deep/a" "$tree/deep/a/b" "$tree/deep/a/b/leaf"

step "a shrunk mask or a removed entry is repaired within 1 s (IN_ATTRIB)"
chmod 600 "$tree/new-file"
gets_acl "$tree/new-file"
pass "new-file mode after repair: $(stat -c %A "$tree/new-file")"
chmod 700 "$tree/new-dir"
gets_acl "$tree/new-dir"
setfacl -x u:101000 "$tree/deep/a/b/leaf"
gets_acl "$tree/deep/a/b/leaf"

step "moved in from outside the tree, and moved within it"
mkdir -p "$outside/in-dir/sub"
touch "$outside/in-dir/f" "$outside/in-dir/sub/g" "$outside/in-file"
# Outside the tree nothing is inherited: only the daemon can give these the entries.
lacks_entry "$outside/in-dir/sub/g" || fail "$outside already carries the entry"
mv "$outside/in-dir" "$tree/in-dir"
gets_acl "$tree/in-dir" "$tree/in-dir/f" "$tree/in-dir/sub" "$tree/in-dir/sub/g"
mv "$outside/in-file" "$tree/in-file"
gets_acl "$tree/in-file"
# A watch kept under the old name would lose files created after a rename.
mv "$tree/in-dir" "$tree/renamed"
touch "$tree/renamed/after" "$tree/renamed/sub/after"
gets_acl "$tree/renamed/after" "$tree/renamed/sub/after"
mv "$tree/renamed" "$tree/new-dir/moved"
touch "$tree/new-dir/moved/sub/after-move"
gets_acl "$tree/new-dir/moved/sub/after-move"

step "symlinks and hard links: a full sweep writes nothing through them"
before=$(fingerprint /etc/shadow /etc/passwd $secret $secret_dir $secret_dir/inner)
ln -s /etc/shadow "$tree/evil"
ln -s $secret "$tree/evil-secret"
ln -s $secret_dir "$tree/evil-dir"
ln /etc/passwd "$tree/hl"
ln $secret "$tree/hl-secret"
[ "$(stat -c %h $secret)" = 2 ] || fail "$secret is not hard-linked into the tree"
full_sweep "with 3 symlinks and 2 hard links in the tree"
after=$(fingerprint /etc/shadow /etc/passwd $secret $secret_dir $secret_dir/inner)
[ "$after" = "$before" ] || fail "a target changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
pass "mode, owner and ACL unchanged: /etc/shadow, /etc/passwd, $secret ($(stat -c %a $secret)), $secret_dir/inner"
skipped=$(sweep_field OPENCLAW_SKIPPED)
[ "$skipped" -ge 5 ] || fail "the sweep reports $skipped skipped, 5 links are in the tree"
for p in evil evil-secret evil-dir hl hl-secret; do
  journalctl -q -u $ak -o cat --no-pager OPENCLAW_EVENT=acl-skip "OPENCLAW_TARGET=$tree/$p" | grep -q . ||
    fail "no acl-skip entry for $tree/$p"
done
pass "$skipped skipped; an acl-skip entry for each of the 5 links"
# inotify already did everything: a correct tree leaves the sweep nothing to fix.
fixed=$(sweep_field OPENCLAW_FIXED)
[ "$fixed" = 0 ] || fail "the sweep fixed $fixed paths that inotify should have fixed"
pass "the sweep fixed nothing: inotify had done it all"

step "a FIFO in the tree blocks nothing"
mkfifo "$tree/fifo"
full_sweep "with a FIFO in the tree"
touch "$tree/after-fifo"
gets_acl "$tree/after-fifo"
is_state $ak active || fail "$ak is not active"
pass "$ak active"

step "another filesystem mounted inside the tree is not entered"
mkdir -m 700 "$tree/mnt"
# Mount only once the daemon has handled the folder: an event for it handled after the
# mount would be about the tmpfs root, a race this step is not about.
wait_until 1 "mnt has the ACL" dir_ok "$tree/mnt"
mount -t tmpfs tmpfs "$tree/mnt"
touch "$tree/mnt/x" "$tree/mnt/probe"
setfacl -m u:101001:r "$tree/mnt/probe" || fail "this tmpfs has no ACLs: the step would prove nothing"
rm "$tree/mnt/probe"
# A restart, not a reload: the unit's private mount namespace is made at start, so the
# daemon surely sees the mount and cannot pass merely by not seeing it.
n=$(sweeps)
systemctl restart $ak || fail "systemctl restart $ak failed"
wait_until 10 "the start sweep completed" more_sweeps_than "$n"
printf '   journal: %s\n' "$(last_sweep)"
lacks_entry "$tree/mnt/x" || fail "mnt/x was given the ACL: $(acl_brief "$tree/mnt/x")"
pass "mnt/x has no user:101000 entry after the sweep"
# Events reach the daemon in order: once ctl (created after y) has its ACL, y would have
# had its own had the daemon watched inside the mount.
touch "$tree/mnt/y"
touch "$tree/ctl"
gets_acl "$tree/ctl"
lacks_entry "$tree/mnt/y" || fail "mnt/y was given the ACL: $(acl_brief "$tree/mnt/y")"
pass "mnt/y, created after the sweep, has no user:101000 entry"

step "openclaw-agentctl acl-verify: 0 on the kept tree, 1 naming each drifted path, 78 on a bad config"
verify() { timeout 30 openclaw-agentctl acl-verify "$@" 2>&1; }
names_path() { grep -qE -- "$2([^/]|\$)" <<<"$1"; }
rc=0
out=$(verify) || rc=$?
[ "$rc" = 0 ] || fail "acl-verify exited $rc on a kept tree: $out"
pass "exit 0${out:+: $(tail -n 1 <<<"$out")}"
# The running daemon would repair a manual change within milliseconds.
systemctl stop $ak
setfacl -b "$tree/new-dir/moved/after"
setfacl -k "$tree/new-dir"
rc=0
out=$(verify) || rc=$?
[ "$rc" = 1 ] || fail "acl-verify exited $rc on a drifted tree: $out"
names_path "$out" "$tree/new-dir/moved/after" || fail "acl-verify does not name new-dir/moved/after: $out"
names_path "$out" "$tree/new-dir" || fail "acl-verify does not name new-dir (no defaults): $out"
! names_path "$out" "$tree/new-file" || fail "acl-verify names new-file, which is right: $out"
pass "exit 1, naming both drifted paths and no right one:"
grep -F "$tree" <<<"$out" | sed 's/^/   acl-verify: /'
lacks_entry "$tree/new-dir/moved/after" || fail "acl-verify changed new-dir/moved/after"
pass "read-only: new-dir/moved/after still has no entry"
printf '{ "rules": 5 }\n' > $base/bad.json
rc=0
out=$(verify --config $base/bad.json) || rc=$?
[ "$rc" = 78 ] || fail "acl-verify exited $rc on a config that does not load: $out"
pass "exit 78: $(head -n 2 <<<"$out" | paste -sd' ' -)"
systemctl start $ak || fail "systemctl start $ak failed"
wait_until 10 "the start sweep repaired both (state rebuilt from disk)" all_ok "$tree/new-dir/moved/after" "$tree/new-dir"

step "kill -9: a file created while the daemon is down gets the ACL once it is back"
pid=$(unit_prop $ak MainPID)
restarts=$(unit_prop $ak NRestarts)
systemctl kill -s KILL $ak
down() { [ "$(unit_prop $ak SubState)" = auto-restart ]; }
wait_until 2 "$ak is down, waiting to be restarted" down
touch "$tree/while-down"
down || fail "$ak came back before the file was created: the step would prove nothing"
printf '   getfacl while down: %s\n' "$(acl_brief "$tree/while-down")"
back() { local p; p=$(unit_prop $ak MainPID); [ "$p" != 0 ] && [ "$p" != "$pid" ] && is_state $ak active; }
wait_until 10 "$ak was restarted by systemd" back
[ "$(unit_prop $ak NRestarts)" -gt "$restarts" ] || fail "NRestarts did not grow"
wait_until 5 "while-down got the ACL from the start sweep" file_ok "$tree/while-down"
printf '   getfacl while-down: %s\n' "$(acl_brief "$tree/while-down")"
touch "$tree/after-restart"
gets_acl "$tree/after-restart"

step "after every sweep of the run, nothing behind a link changed"
after=$(fingerprint /etc/shadow /etc/passwd $secret $secret_dir $secret_dir/inner)
[ "$after" = "$before" ] || fail "a target changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
pass "/etc/shadow, /etc/passwd, $secret, $secret_dir/inner unchanged"
is_state $ak active || fail "$ak is not active"
pass "last sweep: $(last_sweep)"
status=$(unit_prop $ak StatusText)
[ -n "$status" ] || fail "$ak has no STATUS line"
pass "STATUS: $status"
