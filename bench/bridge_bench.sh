#!/usr/bin/env bash
# openclaw-vps-bridge against nginx, on the host (not in a machine), all in one run, with
# oc-agent-standin as the remote agent and wrk (bench/bridge_post.lua) as the client:
#   (1) latency the bridge adds at concurrency 1 (wrk -t1 -c1): POST /call straight to the
#       stand-in against POST /api/vps/call through the bridge, without and with sessions
#       (64 of them, cycled; each call appends to its session durably); p50, p99, difference.
#       Target: the bridge adds < 1 ms at p50.
#   (2) requests/s at concurrency 64 (wrk -t2 -c64): nginx proxy_pass to the stand-in (one
#       worker, upstream keepalive) against the bridge with 64 sessions; also the stand-in
#       alone, to show it is not the limit.  Target: bridge / nginx >= 0.70.
#   (3) the bridge's VmHWM and VmRSS (/proc/PID/status) after (2).
#   With (2), where the CPU went, from /proc: per request, the machine's busy time, the proxy's
#   (nginx's processes, or the bridge's threads) user and kernel time, and the stand-in's.
# Prints a table, the ratios and every command line.
#
#   bench/bridge_bench.sh BUILD_DIR [--baseline-only]
#
# BUILD_DIR holds agents/vps-bridge/openclaw-vps-bridge and tests/system/oc-agent-standin
# (cmake --build BUILD_DIR --target openclaw-vps-bridge oc-agent-standin); builds nothing.
# Installs wrk and nginx-light with apt-get when they are missing (that needs root; on a host
# with systemd the package also starts the system's nginx, which this script leaves alone: its
# nginx has a prefix, configuration and port of its own).  --baseline-only runs the stand-in
# and nginx rows without the bridge.  OC_SECONDS sets each wrk run's length (default 10).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n 's/^#   \(bench\/bridge_bench.sh .*\)/usage: \1/p' "$0" >&2; exit 2; }
[ $# -ge 1 ] || usage
build=$(realpath -m "$1")
baseline_only=false
[ "${2:-}" = --baseline-only ] && baseline_only=true
[ $# -le 1 ] || $baseline_only || usage
seconds=${OC_SECONDS:-10}
standin=$build/tests/system/oc-agent-standin
bridge=$build/agents/vps-bridge/openclaw-vps-bridge
lua=$root/bench/bridge_post.lua  # absolute: Debian's wrk does not open a relative -s path
[ -x "$standin" ] || { echo "no $standin: cmake --build $1 --target oc-agent-standin" >&2; exit 2; }
if ! $baseline_only && [ ! -x "$bridge" ]; then
  echo "no $bridge: cmake --build $1 --target openclaw-vps-bridge (or --baseline-only)" >&2
  exit 2
fi
ready_deadline=10  # seconds for a server to answer after its start; slower is a finding

# --- tools ---
need=()
command -v wrk > /dev/null || need+=(wrk)
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "missing ${need[*]}: install them, or run as root" >&2; exit 2; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" > /dev/null ||
    apt-get install -y --no-install-recommends "${need[@]/nginx-light/nginx}" > /dev/null
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
fi

# --- processes, all ended on exit ---
tmp=$(mktemp -d /tmp/bridge-bench.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
# Runs "$@" until it succeeds, for at most $ready_deadline seconds.
wait_until() {
  local deadline=$(( $(now_ms) + ready_deadline * 1000 ))
  until "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.02
  done
}
free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 40000 ))
    ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
}
http_code() { curl -s -o "$tmp/answer" -w '%{http_code}' "$@" || true; }
is_200() { [ "$(http_code "$@")" = 200 ]; }
alive() { kill -0 "$1" 2> /dev/null; }
fail() { echo "error: $*" >&2; exit 1; }
# "$@" as a shell would read it back, single-quoting only the words that need it.
cmdline() {
  local word out=()
  for word in "$@"; do
    if [[ $word =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then
      out+=("$word")
    else
      out+=("'${word//\'/\'\\\'\'}'")
    fi
  done
  echo "${out[*]}"
}

commands=()
"$standin" 0 --name fast > "$tmp/standin.port" 2> "$tmp/standin.log" &
standin_pid=$!
pids+=($!)
wait_until test -s "$tmp/standin.port" || fail "oc-agent-standin printed no port"
sport=$(head -n 1 "$tmp/standin.port")
commands+=("$(cmdline "$standin" 0 --name fast)   # listens on 127.0.0.1:$sport")
direct_body='{"prompt":"hi","session_id":"b1","history":[]}'
# What the bridge sends the agent once a session holds its 20 messages (the benchmark's
# max_session_messages): the same work for the stand-in as a call through the bridge.
turns=$(printf '{"role":"user","content":"hi"},{"role":"assistant","content":"fast heard: hi"},%.0s' {1..10})
history_body="{\"prompt\":\"hi\",\"session_id\":\"b1\",\"history\":[${turns%,}]}"
is_200 -X POST -d "$direct_body" "http://127.0.0.1:$sport/call" ||
  fail "the stand-in does not answer POST /call: $(cat "$tmp/standin.log")"

# nginx with a prefix and a configuration of its own; one worker, as the bridge has one
# thread; keep-alive on both sides without a request limit, as the bridge's.
nport=$(free_port)
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" << CONF
worker_processes 1;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 100000000;
  upstream standin {
    server 127.0.0.1:$sport;
    keepalive 128;
    keepalive_requests 100000000;
  }
  server {
    listen 127.0.0.1:$nport;
    location / {
      proxy_pass http://standin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
nginx_cmd=("$nginx" -p "$tmp/nginx/" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf")
"${nginx_cmd[@]}" 2> "$tmp/nginx/stderr" &
nginx_pid=$!
pids+=($!)
commands+=("$(cmdline "${nginx_cmd[@]}")   # proxy_pass to the stand-in, on 127.0.0.1:$nport")
wait_until is_200 -X POST -d "$direct_body" "http://127.0.0.1:$nport/call" ||
  fail "nginx does not answer on $nport: $(cat "$tmp/nginx/stderr" "$tmp/nginx/error.log" 2> /dev/null)"

# --- the bridge ---
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
bport=$(free_port)
bridge_pid=
if ! $baseline_only; then
  mkdir -p "$tmp/state" "$tmp/creds"
  chmod 700 "$tmp/creds"
  (umask 077 && echo "$token" > "$tmp/creds/vps-bridge-token")
  cat > "$tmp/bridge.json" << CONF
{"agents":[{"name":"fast","url":"http://127.0.0.1:$sport","protocol":"json"}],
 "listen":"127.0.0.1:$bport", "max_session_messages":20}
CONF
  env -u JOURNAL_STREAM -u NOTIFY_SOCKET -u LISTEN_FDS -u LISTEN_PID \
    STATE_DIRECTORY="$tmp/state" CREDENTIALS_DIRECTORY="$tmp/creds" \
    "$bridge" --config "$tmp/bridge.json" > "$tmp/bridge.log" 2>&1 &
  bridge_pid=$!
  pids+=("$bridge_pid")
  commands+=("STATE_DIRECTORY=$tmp/state CREDENTIALS_DIRECTORY=$tmp/creds $(cmdline "$bridge" --config "$tmp/bridge.json")   # $(tr -d '\n' < "$tmp/bridge.json")")
  bridge_up() {
    alive "$bridge_pid" || fail "openclaw-vps-bridge exited: $(tail -n 20 "$tmp/bridge.log")"
    is_200 -H "Authorization: Bearer $token" "http://127.0.0.1:$bport/api/vps/status"
  }
  wait_until bridge_up || fail "openclaw-vps-bridge does not answer GET /api/vps/status on" \
    "127.0.0.1:$bport within $ready_deadline s: $(tail -n 20 "$tmp/bridge.log")"
  # One call of each kind must reach the stand-in before anything is measured.
  for body in '{"agent_name":"fast","prompt":"hi"}' \
              '{"agent_name":"fast","prompt":"hi","session_id":"probe"}'; do
    code=$(http_code -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "$body" "http://127.0.0.1:$bport/api/vps/call")
    if [ "$code" != 200 ] || ! grep -q 'fast heard: hi' "$tmp/answer"; then
      fail "openclaw-vps-bridge does not call the agent: POST /api/vps/call $body answered" \
        "HTTP $code: $(head -c 300 "$tmp/answer"). Without the bridge: $0 $1 --baseline-only"
    fi
  done
fi

# --- measurements ---
declare -A rps p50 p99 non2xx errors requests
declare -A machine_us proxy_user_us proxy_kernel_us standin_us
hz=$(getconf CLK_TCK)
# Clock ticks the machine spent busy (not idle, not waiting for I/O), from /proc/stat.
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
# User and kernel clock ticks of the processes "$@" (every thread of each), from /proc/PID/stat.
process_ticks() {
  local pid user=0 kernel=0 fields
  for pid in "$@"; do
    # Field 2 (the name, in parentheses) may hold spaces: read from after its ')'.
    fields=$(sed 's/^.*) //' "/proc/$pid/stat") || continue
    set -- $fields
    user=$(( user + ${12} )) kernel=$(( kernel + ${13} ))
  done
  echo "$user $kernel"
}
# The pids of nginx: the master and its workers.
nginx_pids() { echo "$nginx_pid" $(pgrep -P "$nginx_pid" || true); }
# measure NAME THREADS CONNECTIONS URL BODY [SESSIONS [TOKEN]]
# With PROXY_PIDS set, also where the CPU went per request.
measure() {
  local name=$1 url=$4 body=$5 sessions=${6:-0} tok=${7:-}
  local -a proxy=(${PROXY_PIDS:-})
  local m0 p0 s0 m1 p1 s1
  local cmd=(wrk "-t$2" "-c$3" "-d${seconds}s" --latency -s "$lua" "$url" -- "$body" "$sessions")
  [ -z "$tok" ] || cmd+=("$tok")
  local shown
  shown=$(cmdline "${cmd[@]}")
  commands+=("${shown//$token/\$TOKEN}")
  m0=$(machine_ticks) p0=$(process_ticks "${proxy[@]}") s0=$(process_ticks "$standin_pid")
  "${cmd[@]}" > "$tmp/$name.wrk" 2>&1 || fail "wrk failed: $(cat "$tmp/$name.wrk")"
  m1=$(machine_ticks) p1=$(process_ticks "${proxy[@]}") s1=$(process_ticks "$standin_pid")
  local line kv
  line=$(grep '^OC_RESULT' "$tmp/$name.wrk") || fail "wrk printed no result: $(cat "$tmp/$name.wrk")"
  for kv in $line; do
    case $kv in
      rps=*) rps[$name]=${kv#*=} ;;
      p50_us=*) p50[$name]=${kv#*=} ;;
      p99_us=*) p99[$name]=${kv#*=} ;;
      non2xx=*) non2xx[$name]=${kv#*=} ;;
      socket_errors=*) errors[$name]=${kv#*=} ;;
      requests=*) requests[$name]=${kv#*=} ;;
    esac
  done
  [ ${#proxy[@]} -gt 0 ] || return 0
  # Ticks to microseconds per request.
  per_request() { awk -v t="$1" -v hz="$hz" -v n="${requests[$name]}" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }'; }
  local pu0 pk0 pu1 pk1 su0 sk0 su1 sk1
  read -r pu0 pk0 <<< "$p0"; read -r pu1 pk1 <<< "$p1"
  read -r su0 sk0 <<< "$s0"; read -r su1 sk1 <<< "$s1"
  machine_us[$name]=$(per_request $(( m1 - m0 )))
  proxy_user_us[$name]=$(per_request $(( pu1 - pu0 )))
  proxy_kernel_us[$name]=$(per_request $(( pk1 - pk0 )))
  standin_us[$name]=$(per_request $(( su1 + sk1 - su0 - sk0 )))
}
call_body='{"agent_name":"fast","prompt":"hi"}'
session_body() { echo "{\"agent_name\":\"fast\",\"prompt\":\"hi\",\"session_id\":\"$1-%SESSION%\"}"; }
bridge_url=http://127.0.0.1:$bport/api/vps/call

measure c1_direct 1 1 "http://127.0.0.1:$sport/call" "$direct_body"
if ! $baseline_only; then
  measure c1_bridge 1 1 "$bridge_url" "$call_body" 0 "$token"
  measure c1_session 1 1 "$bridge_url" "$(session_body c1)" 64 "$token"
fi
measure c64_direct 2 64 "http://127.0.0.1:$sport/call" "$direct_body"
PROXY_PIDS=$(nginx_pids) measure c64_nginx 2 64 "http://127.0.0.1:$nport/call" "$direct_body"
PROXY_PIDS=$(nginx_pids) measure c64_nginx_history 2 64 "http://127.0.0.1:$nport/call" "$history_body"
hwm=n/a rss=n/a
if ! $baseline_only; then
  PROXY_PIDS=$bridge_pid measure c64_bridge 2 64 "$bridge_url" "$(session_body c64)" 64 "$token"
  alive "$bridge_pid" || fail "openclaw-vps-bridge died under load: $(tail -n 20 "$tmp/bridge.log")"
  hwm=$(awk '/^VmHWM/ { print $2 " kB" }' "/proc/$bridge_pid/status")
  rss=$(awk '/^VmRSS/ { print $2 " kB" }' "/proc/$bridge_pid/status")
fi

# --- report ---
row() {
  local name=$2
  if [ -z "${rps[$name]:-}" ]; then
    printf '| %-44s | %8s | %8s | %9s | %8s |\n' "$1" - - - "-"
  else
    printf '| %-44s | %8s | %8s | %9.0f | %8s |\n' "$1" "${p50[$name]}" "${p99[$name]}" \
      "${rps[$name]}" "$(( non2xx[$name] + errors[$name] ))"
  fi
}
diff_us() { # A B MAP
  local -n map=$3
  [ -n "${map[$1]:-}" ] && [ -n "${map[$2]:-}" ] && echo "$(( map[$1] - map[$2] )) us" || echo n/a
}
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

echo
echo "openclaw-vps-bridge benchmark, $(nproc) cores, ${seconds} s per run, $(date -u +%F)"
echo
printf '| %-44s | %8s | %8s | %9s | %8s |\n' "" "p50 us" "p99 us" "req/s" "failed"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..46})" ---------- ---------- ----------- ----------
row "(1) c1: stand-in direct, POST /call" c1_direct
row "(1) c1: bridge, POST /api/vps/call" c1_bridge
row "(1) c1: bridge, 64 sessions" c1_session
row "(2) c64: stand-in direct (reference)" c64_direct
row "(2) c64: nginx proxy_pass -> stand-in" c64_nginx
row "(2) c64: nginx, the agent's work of a session" c64_nginx_history
row "(2) c64: bridge, 64 sessions" c64_bridge
echo
echo "(1) the bridge adds at p50: $(diff_us c1_bridge c1_direct p50) without a session," \
  "$(diff_us c1_session c1_direct p50) with sessions (target < 1000 us);" \
  "at p99: $(diff_us c1_bridge c1_direct p99), $(diff_us c1_session c1_direct p99)"
echo "(2) bridge / nginx requests/s: $(ratio "${rps[c64_bridge]:-}" "${rps[c64_nginx]:-}") (target >= 0.70);" \
  "against nginx sending the stand-in what the bridge sends it (a 20-message history):" \
  "$(ratio "${rps[c64_bridge]:-}" "${rps[c64_nginx_history]:-}")"
echo "(3) bridge after (2): VmHWM $hwm, VmRSS $rss"
cpu_row() {
  [ -n "${machine_us[$2]:-}" ] || return 0
  printf '    %-8s machine %6s | proxy user %6s, kernel %6s | stand-in %6s\n' "$1" \
    "${machine_us[$2]}" "${proxy_user_us[$2]}" "${proxy_kernel_us[$2]}" "${standin_us[$2]}"
}
echo "(2) CPU per request, us (machine: all cores busy; proxy: nginx's processes or the bridge's threads):"
cpu_row nginx c64_nginx
cpu_row nginx-h c64_nginx_history
cpu_row bridge c64_bridge
$baseline_only && echo "(--baseline-only: the bridge was not run)"
echo "failed = non-2xx answers + socket errors"
for name in "${!rps[@]}"; do
  if [ $(( non2xx[$name] + errors[$name] )) -gt 0 ]; then
    echo "warning: $name had failed requests: its figures are not those of answered calls"
  fi
done
echo
echo "Commands (\$TOKEN: this run's random bearer token):"
printf '  %s\n' "${commands[@]}"
