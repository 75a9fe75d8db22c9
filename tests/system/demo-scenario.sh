#!/usr/bin/env bash
# The demo's timeline, inside the disposable machine after the package is installed: the
# seeds' stories one after another, each with what broke, what the suite did and how long
# recovery took, then a summary table. Any story that does not heal within its deadline
# ends the demo with a failure.
#
#   demo-scenario.sh OPENCLAW-CACHE   (OC_DOCKER_DIR and OC_CONTAINER from docker_engine.sh)
set -euo pipefail
here=$(dirname "$0")
. "$here/lib.sh"
. "$here/demo_container.sh"
# A command failing outside wait_until/fail is named, so a broken story is not silent.
trap 'echo "   FAIL: line $LINENO: $BASH_COMMAND (exit $?)" >&2' ERR
ts() { date +%H:%M:%S.%3N; }
# hang PREFIX TEXT: TEXT word-wrapped to 80 columns, the first line after PREFIX, the others
# indented as far.
hang() {
  local pad
  pad=$(printf '%*s' ${#1} '')
  fold -s -w $(( 80 - ${#1} )) <<<"$2" | awk -v p="$1" -v q="$pad" '{ print (NR == 1 ? p : q) $0 }'
}
at() { hang "$(ts)  " "$*"; }
now_ms() { date +%s%3N; }
cursor() { journalctl -q -n 1 -o json --no-pager | jq -r .__CURSOR; }
# jl CURSOR UNIT [JQ-CONDITION [N]]: UNIT's journal since CURSOR (its own lines and
# systemd's about it), the entries meeting the condition (the first N, or the last -N), each
# as time, who, message. Filtered by jq: see lib.sh's jr. msg(REGEX) tests the message.
jl() {
  journalctl -q --no-pager -o json --after-cursor "$1" | jq -nr --arg u "${2%.service}.service" \
    --argjson n "${4:-0}" "
    def msg(r): .MESSAGE | tostring | test(r);
    [inputs | select(._SYSTEMD_UNIT == \$u or ._SYSTEMD_USER_UNIT == \$u or .UNIT == \$u
                     or .USER_UNIT == \$u) | select(${3:-true})]
    | (if \$n > 0 then .[:\$n] elif \$n < 0 then .[\$n:] else . end)[]
    | (.__REALTIME_TIMESTAMP | tonumber) as \$t
    | \"  \" + (\$t / 1e6 | floor | strftime(\"%H:%M:%S\")) + \".\"
      + (\"00\" + ((\$t / 1000 | floor) % 1000 | tostring))[-3:]
      + \" \" + (.SYSLOG_IDENTIFIER // \"?\" | sub(\"^openclaw-\"; \"\")) + \": \"
      + \"\\t\" + (.MESSAGE | tostring | .[:300])" |
    while IFS=$'\t' read -r who msg; do hang "$who" "$msg"; done
}
# jn CURSOR UNIT [JQ-CONDITION]: how many such entries.
jn() {
  journalctl -q --no-pager -o json --after-cursor "$1" | jq -n --arg u "${2%.service}.service" "
    [inputs | select(._SYSTEMD_UNIT == \$u or .UNIT == \$u) | select(${3:-true})] | length"
}
# alerts_since N: the alerts after the first N lines of alerts.jsonl, one short line each.
alerts_file=/var/lib/openclaw-agents/alerts.jsonl
alert_count() { [ -f $alerts_file ] && wc -l < $alerts_file || echo 0; }
alerts_since() {
  tail -n "+$(( $1 + 1 ))" $alerts_file 2>/dev/null \
    | jq -r '.level + " " + .agent + " " + .event + " " + .target + ": " + .message' \
    | while read -r line; do hang "  alert: " "$line"; done
}

# The timeline: story NAME, broke SHORT LONG (starts the clock), healed BY LONG (stops it).
stories=8 story_no=0 story_name="" broke_short="" t_broke=0
rows=()
story() {
  story_no=$((story_no + 1)) story_name=$1
  printf '\n==== story %d/%d: %s %s\n' $story_no $stories "$1" \
    "$(printf '%*s' $(( 62 - ${#1} )) '' | tr ' ' =)"
}
broke() { broke_short=$1 t_broke=$(now_ms); at "BROKE: $2"; }
healed() {
  local ms=$(( $(now_ms) - t_broke ))
  at "HEALED in $ms ms: $2"
  rows+=("$(printf '%-22.22s|%-21.21s|%-24.24s|%8s' " $story_name" " $broke_short" " $1" "$ms ")")
}

at "package installed: $(dpkg-query -W -f='${Package} ${Version}' openclaw-host-agents)"
for a in "${AGENTS[@]}"; do
  wait_until 10 "openclaw-$a is active" is_state "openclaw-$a" active >/dev/null
done
# status exits 1 (degraded) or 3 (down) when something needs a look: here it is only shown.
status() { openclaw-agentctl status "$@" || true; }
at "every agent is active (openclaw-agentctl status)"
status

at "systemctl status shows each agent's STATUS line"
for a in "${AGENTS[@]}"; do
  printf '  %-26s %s\n' "openclaw-$a" "$(systemctl show -P StatusText "openclaw-$a")" | cut -c1-80
done

at "an operator saves a broken flag-watcher config and reloads"
conf=/etc/openclaw-agents/flag-watcher.json
cp $conf /root/flag-watcher.json.good
sed -i 's/"max_per_hour": 6/"max_per_hour": "six"/' $conf
pid=$(systemctl show -P MainPID openclaw-flag-watcher)
c=$(cursor)
systemctl reload openclaw-flag-watcher
jl "$c" openclaw-flag-watcher
at "it kept running on the previous config (pid $pid -> $(systemctl show -P MainPID openclaw-flag-watcher), $(systemctl is-active openclaw-flag-watcher))"
cp /root/flag-watcher.json.good $conf
systemctl reload openclaw-flag-watcher

. "$here/openclaw_lib.sh" "$1" user
at "the real OpenClaw gateway ($(openclaw --version)), installed as OpenClaw installs itself: openclaw gateway install, root's user unit"
t0=$(now_ms)
oc_install_gateway >/dev/null
at "the gateway answers /healthz ($(( $(now_ms) - t0 )) ms to install and start it twice)"
oc_write_agent_configs
at "flag-watcher and jack-supervisor watch it in root's user manager (\"user\": \"root\" in their configs)"
status | sed -n '/^Bots:/,/^$/p'
gateway_back() { wait_until 90 "the gateway is back" oc_restarted_since "$1" >/dev/null; }

story "crash"
before=$(oc_prop ExecMainStartTimestampMonotonic)
pid=$(oc_prop MainPID)
c=$(cursor)
sc kill -s KILL $oc_unit
broke "gateway kill -9" "the gateway (pid $pid) is killed with SIGKILL; its config is good"
gateway_back "$before"
jl "$c" $oc_unit 'msg("Main process|Scheduled restart|Started")' -3
jl "$c" $js true -3
if [ "$(jn "$c" $js '.OPENCLAW_EVENT == "repair"')" != 0 ]; then by="jack-supervisor restart"; else by="systemd Restart="; fi
healed "$by" "the gateway answers /healthz again as pid $(oc_prop MainPID) ($by)"

ready() { systemctl show -P StatusText $js | grep -q "ready to restore"; }
wait_until 60 "the supervisor judged the backups" ready >/dev/null
at "jack-supervisor judged OpenClaw's backups ahead with openclaw config validate"

story "corrupted config"
before=$(oc_prop ExecMainStartTimestampMonotonic)
c=$(cursor)
oc_corrupt_and_kill
broke "bad edit + kill -9" "a bad edit breaks openclaw.json, then the gateway crashes (kill -9); its config: $(cat $oc_cfg)"
gateway_back "$before"
jl "$c" $js '.OPENCLAW_EVENT == "restore" or .OPENCLAW_EVENT == "repair"' -2
echo "  kept for the operator: $(ls $oc_dir | grep broken | sed -n 1p)"
healed "jack-supervisor restore" "the gateway answers again on a config OpenClaw accepts: $(oc_validate | jq -c .valid)"

story "flag from a container"
gw=$(oc_prop MainPID)
before=$(oc_prop ExecMainStartTimestampMonotonic)
kill -STOP "$gw"
c=$(cursor)
setpriv --reuid=101000 --regid=101000 --clear-groups touch /srv/oc-flags/revive-jack.flag
broke "gateway hung (STOP)" "the gateway hangs (SIGSTOP to pid $gw); its watchdog bot in a container (uid 101000) drops revive-jack.flag"
gateway_back "$before"
jl "$c" $fw '.OPENCLAW_EVENT == "revive"' -1
healed "flag-watcher restart" "the gateway answers again as pid $(oc_prop MainPID) (most of the time is OpenClaw's own start)"

story "flag flood"
# One restart an hour for the flood: the story above spent it, so the flood must cost none.
cp $conf /root/flag-watcher.json.demo
jq '.max_per_hour = 1' /root/flag-watcher.json.demo > $conf
systemctl reload $fw
fw_pid=$(systemctl show -P MainPID $fw)
before=$(oc_prop ExecMainStartTimestampMonotonic)
shadow=$(sha256sum < /etc/shadow)
a0=$(alert_count)
c=$(cursor)
broke "700 names + symlink" "a runaway bot (uid 101000) floods /srv/oc-flags: a symlink revive-jack.flag -> /etc/shadow, 200 junk names, then 500 flags, each written once the one before is taken"
# Only builtins in the loop; SECONDS bounds it. noclobber: a flag is written only where no
# name is (the symlink in place is not followed).
written=$(setpriv --reuid=101000 --regid=101000 --clear-groups bash -c '
  cd /srv/oc-flags || exit 1
  ln -s /etc/shadow revive-jack.flag
  for i in $(seq 1 200); do : > junk-$i; done
  set -C
  n=0
  while [ $n -lt 500 ] && [ $SECONDS -lt 60 ]; do
    if { true > revive-jack.flag; } 2>/dev/null; then n=$((n + 1)); fi
  done
  echo $n')
empty() { [ -z "$(ls -A /srv/oc-flags)" ]; }
wait_until 30 "every name in the flag folder was taken" empty >/dev/null
[ "$written" = 500 ] || fail "the bot wrote $written flags (want 500)"
restarts=$(jn "$c" $fw '.OPENCLAW_EVENT == "revive"')
fw_alerts=$(alerts_since "$a0" | grep -c ' flag-watcher ' || true)
jl "$c" $fw 'msg("symlink")' 1
jl "$c" $fw '.OPENCLAW_EVENT == "flag-rejected" and (msg("symlink") | not)' 1
jl "$c" $fw '.OPENCLAW_EVENT == "revive-refused"' 1
echo "  ... $(jn "$c" $fw) journal lines in all (five of a kind a minute, the rest counted)"
alerts_since "$a0"
[ "$restarts" -le 1 ] || fail "the flood restarted the gateway $restarts times"
[ "$fw_alerts" -le 1 ] || fail "the flood raised $fw_alerts alerts"
[ "$(systemctl show -P MainPID $fw)" = "$fw_pid" ] || fail "flag-watcher was restarted"
[ "$(sha256sum < /etc/shadow)" = "$shadow" ] || fail "/etc/shadow changed"
oc_healthy || fail "the gateway does not answer"
is_state $fw active || fail "flag-watcher is not active"
at "flags written: $written (+200 junk, 1 symlink); gateway restarts: $restarts; alerts: $fw_alerts; flag-watcher still pid $fw_pid, active; /etc/shadow untouched"
echo "  STATUS: $(systemctl show -P StatusText $fw)" | cut -c1-80
healed "$restarts restarts, $fw_alerts alert" "the folder is empty, the gateway never went down"
cp /root/flag-watcher.json.demo $conf
systemctl reload $fw

story "disk filling"
dg=/srv/demo-disk
mkdir -p $dg && mount -t tmpfs -o size=8M tmpfs $dg
mkdir -p $dg/sessions
cp /etc/openclaw-agents/disk-guard.json /root/disk-guard.json.good
c=$(cursor)
for i in $(seq 1 12); do head -c 256K /dev/zero > $dg/sessions/s$i.jsonl; done
for i in $(seq 1 8); do touch -d "$((20 + i)) days ago" $dg/sessions/s$i.jsonl; done
head -c 4M /dev/zero > $dg/bot-cache
broke "disk at $(df --output=pcent $dg | tail -n 1 | tr -d ' ')" "a bot's sessions fill $dg (8 MiB) to $(df --output=pcent $dg | tail -n 1 | tr -d ' '): 12 sessions of 256 KiB (s1-s8 21-28 days old) and a 4 MiB cache; disk-guard is told about it (act at 85%, target 75%)"
cat > /etc/openclaw-agents/disk-guard.json <<CONF
{ "mounts": [ { "path": "$dg", "act_percent": 85, "target_percent": 75, "critical_percent": 95 } ],
  "interval_sec": 60,
  "prune": [ { "path": "$dg/sessions", "older_than_days": 7, "keep_newest": 2, "patterns": ["*.jsonl"] } ] }
CONF
systemctl reload openclaw-disk-guard
under() { [ "$(df --output=pcent $dg | tail -n 1 | tr -dc 0-9)" -le 75 ]; }
wait_until 10 "$dg is under its target" under >/dev/null
jl "$c" openclaw-disk-guard 'msg("is at|removed|prune")' -4
healed "disk-guard prune" "$dg is at $(df --output=pcent $dg | tail -n 1 | tr -d ' '); sessions left: $(ls $dg/sessions | sort -V | tr '\n' ' ')"
cp /root/disk-guard.json.good /etc/openclaw-agents/disk-guard.json
systemctl reload openclaw-disk-guard
umount $dg

story "new file's ACL"
at "acl-keeper is given /root/.openclaw for the container user (uid 101000); a symlink to /etc/shadow is planted in it"
cat > /etc/openclaw-agents/acl-keeper.json <<'CONF'
{ "rules": [ { "path": "/root/.openclaw", "entries": ["u:101000:rwX"], "default": true } ] }
CONF
ln -s /etc/shadow $oc_dir/evil
c=$(cursor)
systemctl reload openclaw-acl-keeper
swept() { journalctl -u openclaw-acl-keeper -o cat --no-pager OPENCLAW_EVENT=acl-sweep | grep -q '(reload)'; }
wait_until 10 "the reload's sweep" swept >/dev/null
jl "$c" openclaw-acl-keeper '.OPENCLAW_EVENT == "acl-sweep"' -1
echo "  /etc/shadow, behind the symlink: $(getfacl -cp /etc/shadow 2>/dev/null | tr '\n' ' ')(untouched)"
c=$(cursor)
printf 'remember: the user likes tea\n' > $oc_dir/memory.md
chmod 600 $oc_dir/memory.md
broke "memory.md mode 600" "a bot wrote memory.md and chmod-ed it 600: the container user cannot read it"
granted() { getfacl -cp $oc_dir/memory.md 2>/dev/null | grep -q '^mask::rw'; }
wait_until 5 "memory.md's ACL" granted >/dev/null
jl "$c" openclaw-acl-keeper '.OPENCLAW_EVENT == "acl-fix"' -1
healed "acl-keeper ACL" "$(getfacl -cp $oc_dir/memory.md | tr '\n' ' ')"
echo "  openclaw-agentctl acl-verify: $(openclaw-agentctl acl-verify | tail -n 1)" | cut -c1-80

story "frozen agent"
mkdir -p /run/systemd/system/openclaw-disk-guard.service.d
printf '[Service]\nWatchdogSec=2s\nRestartSec=100ms\n' > /run/systemd/system/openclaw-disk-guard.service.d/demo.conf
systemctl daemon-reload && systemctl restart openclaw-disk-guard
old=$(systemctl show -P MainPID openclaw-disk-guard)
c=$(cursor)
kill -STOP "$old"
broke "disk-guard hung" "disk-guard's event loop is frozen (SIGSTOP to pid $old); WatchdogSec=2s"
restarted() { p=$(systemctl show -P MainPID openclaw-disk-guard); [ "$p" != 0 ] && [ "$p" != "$old" ] && is_state openclaw-disk-guard active; }
wait_until 15 "disk-guard restarted" restarted >/dev/null
jl "$c" openclaw-disk-guard 'msg("[Ww]atchdog|Started")' -2
healed "systemd watchdog" "openclaw-disk-guard is $(systemctl is-active openclaw-disk-guard) as pid $(systemctl show -P MainPID openclaw-disk-guard)"
rm /run/systemd/system/openclaw-disk-guard.service.d/demo.conf
systemctl daemon-reload

story "unhealthy container"
sock=${OC_DOCKER_DIR:-}/docker.sock
[ -S "$sock" ] && [ -n "${OC_CONTAINER:-}" ] || fail "no Docker engine: run the demo through scripts/demo.sh"
ctr=$OC_CONTAINER
dapi() { curl -sf --unix-socket "$sock" "http://d/v1.41$1" "${@:2}"; }
dhealth() { dapi "/containers/$ctr/json" | jq -r '.State.Health.Status // "none"'; }
is_healthy() { [ "$(dhealth)" = healthy ]; }
dexec() {
  local id
  id=$(dapi "/containers/$ctr/exec" -X POST -H 'Content-Type: application/json' \
    -d "$(jq -n --arg c "$1" '{Cmd: ["/bin/sh", "-c", $c], AttachStdout: true, AttachStderr: true}')" | jq -r .Id)
  dapi "/exec/$id/start" -X POST -H 'Content-Type: application/json' -d '{"Detach": false}' >/dev/null
  [ "$(dapi "/exec/$id/json" | jq -r .ExitCode)" = 0 ]
}
at "bot ross runs in container $ctr (Podman's Docker Engine API), healthcheck every second; jack-supervisor watches it with restart_unhealthy"
jq --arg c "$ctr" --arg s "$sock" '.bots += [{ name: "ross", container: $c, restart_unhealthy: true,
    health: { interval_sec: 1 }, max_restores_per_hour: 3, grace_sec: 30 }] | .docker_socket = $s' \
  /etc/openclaw-agents/jack-supervisor.json > /root/jack-supervisor.json.demo
cp /root/jack-supervisor.json.demo /etc/openclaw-agents/jack-supervisor.json
openclaw-jack-supervisor --check-config >/dev/null || fail "the supervisor config with ross does not check"
systemctl restart $js
wait_until 10 "$js is active" is_state $js active >/dev/null
wait_until 30 "Docker reports $ctr healthy" is_healthy >/dev/null
a0=$(alert_count)
c=$(cursor)
dexec "$demo_break_cmd" || fail "could not break the container"
broke "container unhealthy" "ross's container breaks: its healthcheck fails from now on, until the container is restarted"
# The recovery that follows a restart carries its duration (one after a start does not).
# (jq -e is not used: jq 1.6 exits 0 on empty input.)
recovered() {
  tail -n "+$(( a0 + 1 ))" $alerts_file \
    | jq -c 'select(.event == "recovered" and .target == "ross" and .details.recovery_ms != null)' \
    | grep -q . && is_healthy
}
repaired() { [ "$(jn "$c" $js '.OPENCLAW_EVENT == "repair" and .OPENCLAW_TARGET == "ross"')" != 0 ]; }
wait_until 30 "jack-supervisor restarted the container" repaired >/dev/null
wait_until 60 "ross recovered, Docker reports it healthy" recovered >/dev/null
jl "$c" $js '.OPENCLAW_TARGET == "ross"' -3
alerts_since "$a0"
took=$(tail -n "+$(( a0 + 1 ))" $alerts_file | jq -r 'select(.event == "recovered" and .target == "ross" and .details.recovery_ms != null) | .details.recovery_ms' | tail -n 1)
healed "jack-supervisor restart" "Docker reports $ctr $(dhealth); the restart itself took $took ms"

printf '\n==== summary %s\n' "$(printf '%*s' 66 '' | tr ' ' =)"
printf '%-22s|%-21s|%-24s|%8s\n' " story" " what broke" " what healed it" "ms "
printf '%s\n' "$(printf '%*s' 78 '' | tr ' ' -)"
printf '%s\n' "${rows[@]}"
[ "${#rows[@]}" = $stories ] || fail "${#rows[@]} of $stories stories healed"
at "the host afterwards, as the operator sees it (openclaw-agentctl status): each agent's and each bot's last action, the budgets the stories spent"
status
at "all $stories stories healed; the machine is torn down now"
