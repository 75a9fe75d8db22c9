#!/usr/bin/env bash
# Boots a disposable real systemd (a copy-on-write clone of this host's root under
# systemd-nspawn), optionally installs a .deb inside, runs COMMAND inside, and always
# tears everything down. Exits with COMMAND's status.
#
#   machine.sh [--deb FILE] [--bind DIR]... [--keep] -- COMMAND [ARGS...]
#
# --bind DIR makes a host folder (e.g. one holding a Docker API socket) appear inside.
#
# The host's root filesystem is the clone's lower layer, so the repository and build tree
# are visible inside at the same paths. Machines share the host's network (a gateway's port,
# a stand-in's, the clone's own services), so one runs at a time: a second waits for the
# first (a lock on /var/tmp/openclaw-machine.lock).
set -euo pipefail

deb=""
keep=0
binds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) deb=$(realpath "$2"); shift 2 ;;
    --keep) keep=1; shift ;;
    --bind) binds+=("--bind=$(realpath "$2")"); shift 2 ;;
    --) shift; break ;;
    *) echo "machine.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: machine.sh [--deb FILE] [--keep] -- COMMAND [ARGS...]" >&2; exit 2; }
# The machine sees the host's root filesystem only, and nspawn gives it a /tmp of its own:
# the tree the command runs from (its scripts, the build's binaries) and the package are
# bound in read-only, so a clone anywhere works, /tmp included.
binds+=("--bind-ro=$PWD")
[ -z "$deb" ] || binds+=("--bind-ro=$(dirname "$deb")")
[ "$(id -u)" = 0 ] || { echo "machine.sh: needs root" >&2; exit 2; }
command -v systemd-nspawn >/dev/null || { echo "machine.sh: systemd-nspawn missing (apt-get install systemd-container)" >&2; exit 2; }

exec 9>/var/tmp/openclaw-machine.lock
if ! flock -n 9; then
  printf '%s machine: waiting for another disposable machine to finish\n' "$(date +%H:%M:%S.%3N)" >&2
  flock 9
fi

name="oc$$$(date +%s%N | tail -c 5)"
base=$(mktemp -d /var/tmp/openclaw-machine.XXXXXX)
nspawn_pid=""
leader=""

say() { printf '%s machine %s: %s\n' "$(date +%H:%M:%S.%3N)" "$name" "$*" >&2; }

# Nothing but this script holds the lock: children get no copy of its descriptor.
inside() { nsenter -t "$leader" -a "$@" 9>&-; }

teardown() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" != 0 ] && [ -n "$leader" ]; then
    say "failed ($rc): failed units and the last journal lines inside"
    inside systemctl --failed --no-pager >&2 || true
    inside journalctl -n 60 --no-pager >&2 || true
  fi
  if [ "$keep" = 1 ] && [ -n "$leader" ]; then
    say "kept: nsenter -t $leader -a bash   (tear down: kill $nspawn_pid; umount $base/root; rm -rf $base)"
    exit "$rc"
  fi
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nspawn_pid" 2>/dev/null || true
    wait "$nspawn_pid" 2>/dev/null || true
  fi
  if mountpoint -q "$base/root"; then
    umount "$base/root" 2>/dev/null || umount -l "$base/root" || true
  fi
  rm -rf "$base"
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$base/upper" "$base/work" "$base/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root"
# A clone of a host that has the package (a developer's machine) must start without it.
rm -rf "$base/root/var/lib/openclaw-agents" 2>/dev/null || true
# Container images often carry a policy-rc.d that forbids starting services from package
# scripts; a real host has none, and the package must be seen starting its units.
rm -f "$base/root/usr/sbin/policy-rc.d"

t0=$(date +%s.%N)
setsid systemd-nspawn --directory="$base/root" --register=no --keep-unit --boot -M "$name" \
  "${binds[@]}" \
  -- systemd.firstboot=off </dev/null >"$base/console.log" 2>&1 9>&- &
nspawn_pid=$!

# The machine's PID 1 is the nspawn process's child named systemd.
deadline=$(( $(date +%s) + 30 ))
while [ -z "$leader" ]; do
  for child in $(pgrep -P "$nspawn_pid" 2>/dev/null); do
    [ "$(cat /proc/$child/comm 2>/dev/null)" = systemd ] && leader=$child
  done
  if [ -z "$leader" ]; then
    kill -0 "$nspawn_pid" 2>/dev/null || { tail -n 40 "$base/console.log" >&2; say "nspawn exited"; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { tail -n 40 "$base/console.log" >&2; say "no systemd after 30 s"; exit 1; }
    sleep 0.05
  fi
done
# Until PID 1 has its bus up, systemctl cannot connect: retry until the deadline.
deadline=$(( $(date +%s) + 90 ))
state=""
while :; do
  state=$(timeout 60 nsenter -t "$leader" -a systemctl is-system-running --wait 2>/dev/null || true)
  # "offline" is what systemctl says before it can reach PID 1 at all: early, not final.
  case "$state" in running|degraded|maintenance|stopping) break ;; esac
  [ "$(date +%s)" -lt "$deadline" ] || break
  sleep 0.1
done
case "$state" in
  running|degraded) ;;
  *) tail -n 40 "$base/console.log" >&2; say "system state '$state'"; exit 1 ;;
esac
say "booted ($state) in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s"
[ "$state" = running ] || inside systemctl --failed --no-pager --plain >&2 || true

if [ -n "$deb" ]; then
  say "installing $(basename "$deb")"
  inside env DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >&2
fi

say "running: $*"
set +e
inside env -C "$PWD" "$@"
rc=$?
set -e
say "command exited $rc"
exit "$rc"
