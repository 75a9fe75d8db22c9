#!/usr/bin/env bash
# Runs COMMAND with a real Docker-compatible engine (Podman's API service) on this host,
# holding one bot container, and always cleans up. COMMAND gets OC_DOCKER_DIR (the folder
# holding the socket "docker.sock", to bind into a machine) and OC_CONTAINER (its name);
# an argument @DOCKER_DIR@ is replaced by that folder.
#
#   docker_engine.sh [--health-cmd CMD] -- machine.sh --deb X --bind @DOCKER_DIR@ -- scenario.sh
#
# --health-cmd gives the container a healthcheck.  Docker runs healthchecks itself; Podman
# delegates the schedule to systemd timers, which this host (no systemd as PID 1) lacks, so
# here a loop runs `podman healthcheck run` every second in Docker's place.
set -euo pipefail
health_cmd=""
if [ "${1:-}" = "--health-cmd" ]; then health_cmd=$2; shift 2; fi
[ "${1:-}" = "--" ] && shift
dir=$(mktemp -d /run/openclaw-test-docker.XXXXXX)
store=$(mktemp -d /var/tmp/openclaw-test-podman.XXXXXX)
name="openclaw-john-$$"
# Its own storage so that nothing of the host's podman is touched; runc and cgroupfs
# because crun fails on this machine's hybrid cgroup layout.
opts=(--runtime runc --cgroup-manager cgroupfs --root "$store/root" --runroot "$store/run")
pm() { podman "${opts[@]}" "$@"; }
service_pid=""
health_pid=""
cleanup() {
  local rc=$?
  [ -n "$health_pid" ] && kill "$health_pid" 2>/dev/null || true
  pm rm -f -t 0 "$name" >/dev/null 2>&1 || true
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
  pm system reset -f >/dev/null 2>&1 || true
  rm -rf "$dir" "$store" 2>/dev/null || true
  exit $rc
}
trap cleanup EXIT

podman "${opts[@]}" system service --time=0 "unix://$dir/docker.sock" >"$store/service.log" 2>&1 &
service_pid=$!
deadline=$(( $(date +%s) + 30 ))
until curl -sf --unix-socket "$dir/docker.sock" http://d/v1.41/_ping >/dev/null 2>&1; do
  [ "$(date +%s)" -lt "$deadline" ] || { cat "$store/service.log" >&2; echo "docker_engine.sh: engine did not answer" >&2; exit 1; }
  sleep 0.1
done
img=$(mktemp -d)
mkdir -p "$img/bin"
cp /bin/busybox "$img/bin/"
for a in sh sleep test touch; do ln -s busybox "$img/bin/$a"; done
tar -C "$img" -c . | pm import - oc-busybox >/dev/null
rm -rf "$img"
health=()
[ -n "$health_cmd" ] && health=(--health-cmd "$health_cmd" --health-interval 1s --health-retries 1)
pm run -d --name "$name" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "${health[@]}" \
  oc-busybox /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 1; done' >/dev/null
if [ -n "$health_cmd" ]; then
  # Docker's scheduler, stood in for (see above): a pace, not a synchronisation.
  (while :; do pm healthcheck run "$name" >/dev/null 2>&1 || true; sleep 1; done) &
  health_pid=$!
fi
echo "docker_engine.sh: engine at $dir/docker.sock, container $name running" >&2
args=()
for a in "$@"; do args+=("${a//@DOCKER_DIR@/$dir}"); done
set +e
OC_DOCKER_DIR=$dir OC_CONTAINER=$name "${args[@]}"
rc=$?
set -e
exit $rc
