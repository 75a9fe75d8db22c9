#!/usr/bin/env bash
# docs/vps-bridge.md's examples work as written: with stand-ins for pm-agent and sonnet-agent
# and the config the page describes, every ```sh block that runs curl is run in page order
# and must get a 2xx; the keys of the sample answer under it must be in the real answer; and
# every endpoint of the contract has an example.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bridge_lib.sh"
doc=$(cd "$(dirname "$0")/../.." && pwd)/docs/vps-bridge.md
[ -r "$doc" ] || fail "no $doc"

pm_token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
start_standin pm_port pm-agent --token "$pm_token"
start_standin sonnet_port sonnet-agent
printf '%s\n' "$pm_token" >/etc/openclaw-agents/pm-agent.token
chown root:openclaw-agents /etc/openclaw-agents/pm-agent.token
chmod 0640 /etc/openclaw-agents/pm-agent.token
apply_config "pm-agent sonnet-agent" <<CONF
{
  "agents": [
    { "name": "pm-agent", "url": "http://127.0.0.1:$pm_port", "protocol": "openai",
      "model": "gpt-4o-mini", "token_file": "/etc/openclaw-agents/pm-agent.token",
      "timeout_sec": 30, "max_retries": 3, "fallback_agents": ["sonnet-agent"] },
    { "name": "sonnet-agent", "url": "http://127.0.0.1:$sonnet_port", "protocol": "json" }
  ],
  "session_ttl_hours": 24,
  "allow_register": ["10.0.0.0/8"]
}
CONF

step "the page's examples"
# block.N: the Nth ```sh block with curl in it; sample.N: the ```json block right after it.
blocks=$work/blocks
mkdir -p "$blocks"
awk -v dir="$blocks" '
  /^```sh$/ { inside = "sh"; text = ""; next }
  /^```json$/ && last != "" { inside = "json"; text = ""; next }
  /^```/ && inside == "sh" {
    inside = ""
    if (text ~ /curl/) { n++; print text > (dir "/block." n); close(dir "/block." n); last = n }
    else last = ""
    next
  }
  /^```/ && inside == "json" {
    inside = ""; print text > (dir "/sample." last); close(dir "/sample." last); last = ""; next
  }
  /^```/ && inside == "other" { inside = ""; next }
  /^```/ { last = ""; inside = "other"; next }
  inside == "sh" || inside == "json" { text = text $0 "\n"; next }
  /[^ ]/ && inside == "" { last = "" }
' "$doc"
count=$(find "$blocks" -name 'block.*' | wc -l)
[ "$count" -ge 14 ] || fail "only $count curl examples in the page"
pass "$count curl examples"

# What each example asks for: METHOD and path, as curl will send them.
endpoint_of() {
  local text method=GET url
  text=$(tr '\n' ' ' <"$1")
  case "$text" in
    *"-X DELETE"*) method=DELETE ;;
    *"-X POST"* | *" -d "* | *"--data"*) method=POST ;;
  esac
  url=$(grep -o 'http://127\.0\.0\.1:18790[^ '"'"'"]*' <<<"$text" | head -n 1)
  echo "$method ${url#http://127.0.0.1:18790}"
}
: >"$work/asked"
for n in $(seq 1 "$count"); do endpoint_of "$blocks/block.$n" >>"$work/asked"; done

step "every endpoint of the contract has an example"
contract=(
  "POST /api/vps/call$"
  "POST /api/vps/register$"
  "GET /api/vps/agents$"
  "GET /api/vps/health$"
  "GET /api/vps/health/[^/]+$"
  "GET /api/vps/sessions/[^/]+$"
  "DELETE /api/vps/sessions/[^/]+$"
  "POST /api/vps/sessions/cleanup$"
  "GET /api/vps/sessions/stats$"
  "GET /api/vps/status$"
  "GET /api/health/detailed$"
  "GET /api/health/circuit-breakers$"
  "GET /api/health/alerts\?limit=[0-9]+$"
  "POST /api/health/circuit-breakers/[^/]+/reset$"
)
for pattern in "${contract[@]}"; do
  grep -Eq "^$pattern" "$work/asked" || fail "no example for $pattern; the page has: $(tr '\n' ';' <"$work/asked")"
done
pass "${#contract[@]} endpoints, each with an example"

step "each example, run as written"
# Inside an example, curl keeps the page's arguments and also reports the status.
doc_curl='curl() {
  local code
  code=$(command curl -o "$work/example.out" -w "%{http_code}" "$@") || return 1
  echo "$code" >"$work/example.code"
  [[ $code == 2[0-9][0-9] ]]
}'
for n in $(seq 1 "$count"); do
  what=$(sed -n "$n p" "$work/asked")
  rm -f "$work/example.out" "$work/example.code"
  if ! (set -euo pipefail; eval "$doc_curl"; eval "$(cat "$blocks/block.$n")"); then
    fail "example $n ($what): HTTP $(cat "$work/example.code" 2>/dev/null || echo none): $(cat "$work/example.out" 2>/dev/null)
$(cat "$blocks/block.$n")"
  fi
  real=$(cat "$work/example.out")
  jq -e . >/dev/null <<<"$real" || fail "example $n ($what) did not answer JSON: $real"
  missing=""
  if [ -s "$blocks/sample.$n" ] && jq -e . "$blocks/sample.$n" >/dev/null 2>&1; then
    missing=$(jq -rn --argjson real "$real" --slurpfile sample "$blocks/sample.$n" \
      '$sample[0] | keys - ($real | keys) - ["…"] | join(" ")')
    [ -z "$missing" ] || fail "example $n ($what): the sample shows keys the answer lacks: $missing; the answer: $real"
  fi
  pass "$what: $(cat "$work/example.code")$([ -s "$blocks/sample.$n" ] && echo ", sample keys present") $(cut -c1-100 <<<"$real")"
done

step "the examples did what they say"
[ "$(hits "$pm_port" .last_authorization_ok)" = true ] || fail "pm-agent's token did not reach it"
agents_are "gpu-box pm-agent sonnet-agent" || fail "after the examples the agents are: $(agent_names)"
req GET /api/vps/sessions/chat-42
expect_code 404 "chat-42 after the DELETE example"
pass "pm-agent was called with its token; gpu-box registered; chat-42 deleted"
