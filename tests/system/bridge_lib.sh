# shellcheck shell=bash disable=SC2034
# Shared set-up for the openclaw-vps-bridge scenarios: stand-in remote agents on loopback
# (oc-agent-standin), the bridge's config, and curl helpers that carry the token.
# Source it after lib.sh with the stand-in binary as $1.
standin=${1:?usage: $0 PATH-TO-oc-agent-standin}
bridge=openclaw-vps-bridge.service
DEBUG_UNITS="$bridge"
api=http://127.0.0.1:18790
conf=/etc/openclaw-agents/vps-bridge.json
# StateDirectory= of a DynamicUser unit lives under /var/lib/private.
bridge_state=/var/lib/private/openclaw-agents/vps-bridge
TOKEN=$(cat /etc/openclaw-agents/vps-bridge.token) || fail "the package made no bridge token"
[ -n "$TOKEN" ] || fail "the bridge token file is empty"
work=$(mktemp -d /root/oc-bridge.XXXXXX)
standin_pids=()

stop_standins() {
  local pid
  for pid in "${standin_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${standin_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_standins EXIT

# start_standin VAR NAME [--token T]: a stand-in agent answering as NAME on a free loopback
# port; VAR is set to that port.
start_standin() {
  local var=$1 name=$2
  shift 2
  "$standin" 0 --name "$name" "$@" >"$work/$name.port" 2>"$work/$name.log" &
  standin_pids+=($!)
  wait_until 5 "stand-in $name prints its port" grep -q '^[0-9][0-9]*$' "$work/$name.port"
  printf -v "$var" %s "$(head -n 1 "$work/$name.port")"
}

# control PORT JSON: sets the stand-in's failure mode; hits PORT [JQ]: its counters;
# reset_hits PORT.
control() {
  curl -sf -X POST --data-binary "$2" "http://127.0.0.1:$1/control" >/dev/null ||
    fail "the stand-in on $1 refused control $2"
}
hits() { curl -sf "http://127.0.0.1:$1/hits" | jq -r "${2:-.}"; }
reset_hits() {
  curl -sf -X POST "http://127.0.0.1:$1/hits/reset" >/dev/null || fail "cannot reset hits on $1"
}

# req METHOD PATH [BODY]: one request to the bridge with the token; sets $code and $body.
req() {
  local args=(-sS -o "$work/answer" -D "$work/headers" -w '%{http_code}' -X "$1"
    -H "Authorization: Bearer $TOKEN")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  rm -f "$work/answer" "$work/headers"
  code=$(curl "${args[@]}" "$api$2" 2>"$work/curl.err") || code=000
  body=$(cat "$work/answer" 2>/dev/null || true)
}
# call AGENT PROMPT [SESSION]: POST /api/vps/call.
call() {
  req POST /api/vps/call "$(jq -nc --arg a "$1" --arg p "$2" --arg s "${3:-}" \
    '{agent_name: $a, prompt: $p} + (if $s == "" then {} else {session_id: $s} end)')"
}
# header NAME: a header of the last answer (its value, or nothing).
header() { tr -d '\r' < "$work/headers" | awk -v n="$1" 'tolower($1) == tolower(n) ":" { print $2 }'; }
# field JQ: a field of the last answer.
field() { jq -r "$1" <<<"$body"; }
# expect_code STATUS WHAT: the last answer had STATUS, else the scenario fails showing it.
expect_code() {
  [ "$code" = "$1" ] || fail "$2: HTTP $code, expected $1: $body $(cat "$work/curl.err")"
}
# expect JQ-CONDITION WHAT: the condition holds on the last answer.
expect() { jq -e "$1" <<<"$body" >/dev/null || fail "$2: not $1 in $body"; }

# get PATH: the bridge's answer to a GET, for polling (empty on any failure).
get() { curl -sf -H "Authorization: Bearer $TOKEN" "$api$1"; }
breaker_state() { get /api/health/circuit-breakers | jq -r --arg n "$1" '.breakers[$n].state'; }
breaker_is() { [ "$(breaker_state "$1")" = "$2" ]; }
# agents_are "a b c": the bridge lists exactly these agents (sorted names).
agent_names() { get /api/vps/agents | jq -r '[.agents[].name] | sort | join(" ")'; }
agents_are() { [ "$(agent_names)" = "$1" ]; }

# apply_config "SORTED AGENT NAMES" < CONFIG: checks the config, reloads the bridge (starts it
# when socket activation has not yet), and waits until it serves exactly those agents.
apply_config() {
  cat >"$conf"
  openclaw-vps-bridge --check-config --config "$conf" || fail "the bridge config does not check"
  if is_state "$bridge" active; then
    systemctl reload "$bridge" || fail "systemctl reload $bridge failed"
  else
    systemctl start "$bridge" || fail "systemctl start $bridge failed"
  fi
  wait_until 10 "the bridge serves agents: $1" agents_are "$1"
}

# less_than A B: A < B as decimals.
less_than() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
