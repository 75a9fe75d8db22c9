#!/usr/bin/env bash
# disk-guard's Docker prune against a real Docker Engine API (Podman's compatible service):
# with a mount over act, a dry run lists and keeps the stopped container and the dangling
# image; then a stopped container and a dangling image are pruned with the space the engine
# reports reclaimed, while the running container, an unused volume and a stopped container
# flag-watcher names as a target stay; with the default filter, a container stopped less
# than 24 h ago stays too.
. "$(dirname "$0")/lib.sh"
dg=openclaw-disk-guard
DEBUG_UNITS=$dg
conf=/etc/openclaw-agents/disk-guard.json
# Run through docker_engine.sh and machine.sh --bind "$OC_DOCKER_DIR": the engine runs on
# the host, its socket is bound into this machine.
sock=$OC_DOCKER_DIR/docker.sock
name=$OC_CONTAINER
stopped=oc-dg-stopped
volume=oc-dg-volume
# Under /srv: the unit has PrivateTmp= and ProtectSystem=full.
mnt=/srv/dgd
interval=5
trap 'umount "$mnt" 2>/dev/null || true' EXIT

api() { curl -sf --unix-socket "$sock" "http://d/v1.41$1"; }
post() { curl -sf --unix-socket "$sock" -X POST -H 'Content-Type: application/json' -d "$2" "http://d/v1.41$1"; }
exists() { api "$1" >/dev/null; }
running() { api "/containers/$name/json" | jq -e '.State.Running' >/dev/null; }
usage() { df --output=pcent $mnt | tail -n 1 | tr -d ' '; }

# Whole outputs, never grep -q or head: under pipefail a writer cut off early fails the test.
restart() { restart_marked $dg; }
has_lines() { [ -n "$(jr "$@")" ]; }
first_line() { jr "$@" | sed -n 1p; }
write_conf() { # write_conf DRY_RUN [MEMBERS]: by default, containers stopped any time ago go
  local extra=', "docker_containers": { "stopped_hours": 0 }'
  [ $# -lt 2 ] || extra=$2
  cat > $conf <<CONF
{ "mounts": [ { "path": "$mnt", "act_percent": 85, "target_percent": 60, "critical_percent": 99 } ],
  "interval_sec": $interval, "prune": [], "journal_vacuum_size": "100M",
  "docker_prune": true, "docker_socket": "$sock", "dry_run": $1
  $extra }
CONF
}
# stopped_container NAME: created and run to its end (the same ulimits as docker_engine.sh's
# container: runc cannot raise them here).
stopped_container() {
  post "/containers/create?name=$1" '{ "Image": "oc-busybox", "Cmd": ["/bin/sh", "-c", "exit 0"],
    "HostConfig": { "Ulimits": [ { "Name": "nofile", "Soft": 1024, "Hard": 1024 },
                                 { "Name": "nproc", "Soft": 1024, "Hard": 1024 } ] } }' \
    >/dev/null || fail "cannot create $1"
  post "/containers/$1/start" '' >/dev/null || fail "cannot start $1"
  post "/containers/$1/wait" '' >/dev/null || fail "cannot wait for $1"
}

step "the engine: a running container, a stopped one, a dangling image, an unused volume"
wait_until 10 "$name is running" running
john=$(api "/containers/$name/json" | jq -r '.Id + " " + .State.StartedAt')
# The same ulimits as docker_engine.sh's container: runc cannot raise them here. It writes
# 1 MiB so that its layer has a size the engine can report reclaimed.
# shellcheck disable=SC2016 # the $ are for the container's shell
post "/containers/create?name=$stopped" '{ "Image": "oc-busybox",
  "HostConfig": { "Ulimits": [ { "Name": "nofile", "Soft": 1024, "Hard": 1024 },
                               { "Name": "nproc", "Soft": 1024, "Hard": 1024 } ] },
  "Cmd": ["/bin/sh", "-c", "s=x; i=0; while [ $i -lt 20 ]; do s=$s$s; i=$((i+1)); done; echo $s > /junk"] }' \
  >/dev/null || fail "cannot create $stopped"
post "/containers/$stopped/start" '' >/dev/null || fail "cannot start $stopped"
post "/containers/$stopped/wait" '' >/dev/null || fail "cannot wait for $stopped"
[ "$(api "/containers/$stopped/json" | jq -r .State.Status)" = exited ] || fail "$stopped did not exit"
stopped_id=$(api "/containers/$stopped/json" | jq -r .Id)
# A commit without a repository name makes an untagged, unused image: dangling.
image=$(post "/commit?container=$stopped" '{}' | jq -r .Id) || fail "cannot commit $stopped"
post /volumes/create "{ \"Name\": \"$volume\" }" >/dev/null || fail "cannot create $volume"
size_rw=$(api '/containers/json?all=true&size=true' | jq --arg id "$stopped_id" '.[] | select(.Id == $id) | .SizeRw')
image_size=$(api "/images/$image/json" | jq .Size)
expected=$((size_rw + image_size))
pass "$stopped exited (layer $size_rw bytes); dangling image ${image:0:12} ($image_size bytes); volume $volume"

step "a mount over act"
mkdir -p $mnt
mount -t tmpfs -o size=8M tmpfs $mnt
# 29 of 8 MiB's 32 quarter-MiB: 91 %, over act 85. Docker's storage is elsewhere, so it
# stays over target and the daemon acts every interval, but under critical 99.
head -c $((29 * 262144)) /dev/zero > $mnt/filler
pass "usage $(usage) (act 85 %, target 60 %)"

step "dry_run: the Docker prune says what it would prune and prunes nothing"
write_conf true
restart
dry_logged() { has_lines OPENCLAW_EVENT=docker-prune OPENCLAW_DRY_RUN=1; }
wait_until $((interval + 5)) "a dry-run docker-prune line" dry_logged
exists "/containers/$stopped_id/json" || fail "the dry run removed $stopped"
exists "/images/$image/json" || fail "the dry run removed the dangling image"
pass "$stopped and image ${image:0:12} still there"
names_it() { jr | jq -r .MESSAGE | grep -c -e "$stopped" -e "${stopped_id:0:12}"; }
[ "$(names_it)" -gt 0 ] || fail "no journal line names $stopped or ${stopped_id:0:12}: $(jr | jq -r .MESSAGE | tail -n 5 | paste -sd'|' -)"
short_image=${image#sha256:}
short_image=${short_image:0:12}
image_named() { jr | jq -r .MESSAGE | grep -F "dangling image" | grep -c -F "$short_image"; }
[ "$(image_named)" -gt 0 ] || fail "no journal line names the dangling image $short_image: $(jr | jq -r .MESSAGE | tail -n 5 | paste -sd'|' -)"
jr | jq -r .MESSAGE | grep -e "$stopped" -e "${stopped_id:0:12}" -e "$short_image" | sed -n 1,5p | sed 's/^/   journal: /' || true
pass "action line: $(first_line OPENCLAW_EVENT=docker-prune OPENCLAW_DRY_RUN=1 | jq -r .MESSAGE)"

step "openclaw-agentctl disk-report shows what Docker could free, read-only"
rc=0
out=$(timeout 30 openclaw-agentctl disk-report 2>&1) || rc=$?
[ "$rc" = 0 ] || fail "disk-report exited $rc: $out"
grep -qF "$mnt" <<<"$out" || fail "disk-report does not name $mnt: $out"
docker_report=$(grep -i docker <<<"$out") || fail "disk-report says nothing about Docker: $out"
grep -q '1 stopped container' <<<"$docker_report" || fail "disk-report does not count the 1 stopped container: $docker_report"
grep -q '1 dangling image' <<<"$docker_report" || fail "disk-report does not count the 1 dangling image: $docker_report"
awk '{ print "   disk-report: " $0 }' <<<"$out"
exists "/containers/$stopped_id/json" || fail "disk-report removed $stopped"
pass "exit 0, names $mnt, counts the stopped container and the dangling image; $stopped still there"

step "docker_prune: the stopped container and the dangling image go, the space is reported"
# A neighbour's stopped container that flag-watcher revives: never disk-guard's to remove.
named=oc-dg-named
stopped_container $named
mkdir -p /srv/dgd-flags
cat > /etc/openclaw-agents/flag-watcher.json <<CONF
{ "directories": [ { "path": "/srv/dgd-flags", "allow": ["neighbour"] } ],
  "targets": { "neighbour": { "container": "$named" } } }
CONF
write_conf false
restart
# Only a line without OPENCLAW_DRY_RUN: the first real action.
real_line() { jr OPENCLAW_EVENT=docker-prune | jq -c 'select(.OPENCLAW_DRY_RUN == null)' | sed -n 1p; }
real_logged() { [ -n "$(real_line)" ]; }
wait_until $((interval + 5)) "a docker-prune line" real_logged
line=$(real_line)
exists "/containers/$stopped_id/json" && fail "$stopped is still there"
exists "/images/$image/json" && fail "the dangling image ${image:0:12} is still there"
pass "$stopped and image ${image:0:12} are gone"
got=$(jq -r '[.OPENCLAW_TARGET, .OPENCLAW_REMOVED] | join(" ")' <<<"$line")
[ "$got" = "$mnt 2" ] || fail "docker-prune line: target removed = '$got', expected '$mnt 2'"
freed=$(jq -r .OPENCLAW_FREED_BYTES <<<"$line")
# Podman's SpaceReclaimed: the container's layer size plus the image's size.
[ "$freed" = "$expected" ] ||
  fail "FREED_BYTES=$freed, the engine reported $size_rw + $image_size = $expected reclaimable"
pass "FREED_BYTES=$freed (= $size_rw + $image_size), REMOVED=2, ACTION_MS=$(jq -r .OPENCLAW_ACTION_MS <<<"$line")"
pass "journal: $(jq -r .MESSAGE <<<"$line")"
[ "$(first_line OPENCLAW_EVENT=disk-high | jq -r .OPENCLAW_TARGET)" = $mnt ] || fail "no disk-high line for $mnt"

exists "/containers/$named/json" || fail "$named, a flag-watcher target, was removed"
grep -q "1 named by an agent or keep" <<<"$(jq -r .MESSAGE <<<"$line")" || fail "the line does not say $named was kept"
pass "$named, stopped but a flag-watcher target, is still there"

step "the default filter: a container stopped minutes ago stays"
young=oc-dg-young
stopped_container $young
write_conf false ""
restart
wait_until $((interval + 5)) "a docker-prune line" real_logged
line=$(real_line)
exists "/containers/$young/json" || fail "$young, stopped seconds ago, was removed"
grep -q "stopped less than 24 h ago" <<<"$(jq -r .MESSAGE <<<"$line")" || fail "the line does not say $young was kept: $(jq -r .MESSAGE <<<"$line")"
pass "journal: $(jq -r .MESSAGE <<<"$line")"

step "the running container and the volume stay"
running || fail "$name is not running"
[ "$(api "/containers/$name/json" | jq -r '.Id + " " + .State.StartedAt')" = "$john" ] ||
  fail "$name was replaced or restarted: was $john"
pass "$name running, same Id and StartedAt"
exists "/volumes/$volume" || fail "volume $volume was removed"
pass "volume $volume still there"
is_state $dg active || fail "$dg is not active"
pass "$dg active (the engine has no /build/prune); STATUS: $(unit_prop $dg StatusText)"
