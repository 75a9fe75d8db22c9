#!/usr/bin/env bash
# openclaw-agentctl doctor finds what the seeds' manual set-up leaves on a host (the ACL cron
# job, the daily disk check, the 5-minute watchdog, a revive path unit, Docker without
# live-restore), says what to do about each, changes nothing, and is quiet once they are gone.
. "$(dirname "$0")/lib.sh"

# nothing_found WHEN: doctor exits 0 and says so; its output is left in $out.
nothing_found() {
  local rc
  set +e
  out=$(openclaw-agentctl doctor)
  rc=$?
  set -e
  [ $rc = 0 ] || fail "exit $rc $1: $out"
  grep -q "nothing found" <<<"$out" || fail "no 'nothing found' $1: $out"
}

step "a fresh host: nothing found"
nothing_found "on a fresh host"
pass "exit 0: $(head -n 1 <<<"$out")"

step "the seeds' manual set-up, as their plan writes it"
mkdir -p /etc/cron.d /etc/cron.daily /var/spool/cron/crontabs /etc/docker /root/openclaw-watchdog/flags
cat > /etc/cron.d/openclaw-acls << 'CRON'
# Re-apply ACLs every 10 minutes for Ross's access
*/10 * * * * root setfacl -R -m u:101000:rwx /root/.openclaw/ 2>/dev/null; setfacl -R -m u:101000:rwx /root/openclaw-watchdog/ 2>/dev/null
CRON
cat > /etc/cron.daily/openclaw-disk-check << 'DISK'
#!/bin/bash
USAGE=$(df / | tail -1 | awk '{print $5}' | tr -d '%')
if [ "$USAGE" -gt 85 ]; then
    docker system prune -f 2>/dev/null
    journalctl --vacuum-size=100M
    find /root/.openclaw/agents/main/sessions/ -mtime +7 -delete 2>/dev/null
fi
DISK
chmod +x /etc/cron.daily/openclaw-disk-check
echo '*/5 * * * * /root/openclaw-watchdog/watchdog.sh >> /root/openclaw-watchdog/watchdog.log 2>&1' \
  > /var/spool/cron/crontabs/root
chmod 600 /var/spool/cron/crontabs/root
cat > /etc/systemd/system/openclaw-revive-jack.path << 'UNIT'
[Unit]
Description=Watch for Jack revive flag
[Path]
PathExists=/root/openclaw-watchdog/flags/revive-jack.flag
[Install]
WantedBy=multi-user.target
UNIT
cat > /etc/systemd/system/openclaw-revive-jack.service << 'UNIT'
[Unit]
Description=Revive Jack
[Service]
Type=oneshot
ExecStart=/bin/true
UNIT
systemctl daemon-reload
systemctl enable --now openclaw-revive-jack.path 2>/dev/null
echo '{ "userns-remap": "default" }' > /etc/docker/daemon.json
pass "cron.d, cron.daily, root's crontab, openclaw-revive-jack.path (enabled, active), daemon.json"

# What doctor must leave as it was: the files and the path unit's state.
before() {
  sha256sum /etc/cron.d/openclaw-acls /etc/cron.daily/openclaw-disk-check \
    /var/spool/cron/crontabs/root /etc/systemd/system/openclaw-revive-jack.* /etc/docker/daemon.json
  systemctl is-enabled openclaw-revive-jack.path
  systemctl is-active openclaw-revive-jack.path
}
snapshot=$(before)

step "doctor names each one, where it is and what to do"
set +e
out=$(openclaw-agentctl doctor)
rc=$?
json=$(openclaw-agentctl doctor --json)
jrc=$?
set -e
echo "$out" | sed 's/^/     /'
[ $rc = 1 ] && [ $jrc = 1 ] || fail "exit $rc (--json: $jrc), expected 1"
got=$(jq -r '.findings[] | .kind + " " + .where' <<<"$json" | sort)
want=$(sort << 'WANT'
cron-acl /etc/cron.d/openclaw-acls:2
cron-disk /etc/cron.daily/openclaw-disk-check:4
cron-disk /etc/cron.daily/openclaw-disk-check:5
cron-disk /etc/cron.daily/openclaw-disk-check:6
cron-watchdog /var/spool/cron/crontabs/root:1
revive-path-unit openclaw-revive-jack.path
docker-live-restore /etc/docker/daemon.json
WANT
)
[ "$got" = "$want" ] || fail "findings:
$got
expected:
$want"
jq -e '.findings[] | select(.kind == "revive-path-unit") | .found == "UnitFileState=enabled, ActiveState=active"' \
  <<<"$json" > /dev/null || fail "the path unit's state is not shown: $json"
jq -e '[.findings[] | select(.fix == "" or .fights == "")] | length == 0' <<<"$json" > /dev/null ||
  fail "a finding without a fix or without what it fights: $json"
grep -q "systemctl disable --now openclaw-revive-jack.path" <<<"$out" || fail "no fix for the path unit"
pass "7 findings, each with what it fights and a fix"

step "doctor changed nothing"
[ "$(before)" = "$snapshot" ] || fail "before:
$snapshot
after:
$(before)"
pass "files and the path unit as they were"

step "after the fixes doctor says, nothing is found"
rm /etc/cron.d/openclaw-acls /etc/cron.daily/openclaw-disk-check
crontab -r 2>/dev/null || rm /var/spool/cron/crontabs/root
systemctl disable --now openclaw-revive-jack.path 2>/dev/null
rm /etc/systemd/system/openclaw-revive-jack.path /etc/systemd/system/openclaw-revive-jack.service
systemctl daemon-reload
echo '{ "userns-remap": "default", "live-restore": true }' > /etc/docker/daemon.json
nothing_found "after the fixes"
grep -q "daemon.json sets live-restore" <<<"$out" || fail "no note on daemon.json: $out"
pass "exit 0"
