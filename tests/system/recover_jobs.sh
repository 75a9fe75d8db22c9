#!/usr/bin/env bash
# recover-jobs as a gateway's ExecStartPre=, with the drop-in the package ships: an
# interrupted job is failed with recovery metadata before the gateway starts, every other
# entry is untouched, a restart changes nothing more, and a failed recovery does not keep
# the gateway down.
. "$(dirname "$0")/lib.sh"
u=oc-gw.service
jobs=/root/oc-job-runs
outside=/root/oc-job-outside
example=/usr/share/doc/openclaw-host-agents/examples/openclaw-gateway-recover-jobs.conf
dropin=/run/systemd/system/$u.d/recover-jobs.conf
command -v jq >/dev/null || fail "jq is needed to read the job files"

step "the package ships the example drop-in"
[ -f $example ] || fail "$example is missing"
grep -qx 'ExecStartPre=-/usr/bin/openclaw-agentctl recover-jobs /tmp/openclaw_job_runs' $example ||
  fail "no ExecStartPre= line in $example"
pass "$example"

# A stand-in gateway, and the example drop-in pointed at a test folder.
cat > /run/systemd/system/$u <<UNIT
[Service]
ExecStart=/bin/sleep infinity
UNIT
mkdir -p /run/systemd/system/$u.d $jobs $outside
sed "s|/tmp/openclaw_job_runs|$jobs|" $example > $dropin
grep -qx "ExecStartPre=-/usr/bin/openclaw-agentctl recover-jobs $jobs" $dropin ||
  fail "could not point the drop-in at $jobs"

cat > $jobs/running.json <<'JOB'
{"id": "job-1", "phase_status": "running", "phase": "deploy", "attempts": 2}
JOB
cat > $jobs/done.json <<'JOB'
{"id": "job-2", "phase_status": "completed"}
JOB
chown 65534:65534 $jobs/running.json
chmod 0640 $jobs/running.json
touch -d '2024-01-01 00:00:00' $jobs/done.json
# Hostile entries a bot could leave: a symlink to a running job elsewhere, and a FIFO.
cp $jobs/running.json $outside/victim.json
ln -s $outside/victim.json $jobs/x.json
mkfifo $jobs/y.json
done_before=$(stat -c '%s %y %i' $jobs/done.json; sha256sum < $jobs/done.json)
victim_before=$(sha256sum < $outside/victim.json)

step "starting the gateway recovers the interrupted job first"
systemctl daemon-reload
timeout 30 systemctl start $u || fail "systemctl start $u failed or hung"
wait_until 10 "$u is active" is_state $u active
job() { jq -r "$1" $jobs/running.json; }
[ "$(job .phase_status)" = failed ] || fail "running.json: $(cat $jobs/running.json)"
[ "$(job .recovery.previous_status)" = running ] || fail "no recovery.previous_status"
[ "$(job .recovery.by)" = "openclaw-agentctl recover-jobs" ] || fail "no recovery.by"
[ "$(job .recovery.reason)" = "the gateway stopped while the job was running" ] ||
  fail "recovery.reason: $(job .recovery.reason)"
job .recovery.recovered_at | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' ||
  fail "recovery.recovered_at: $(job .recovery.recovered_at)"
[ "$(job .id) $(job .phase) $(job .attempts)" = "job-1 deploy 2" ] || fail "other keys lost"
pass "running.json: $(jq -c . $jobs/running.json)"
[ "$(stat -c '%u:%g %a' $jobs/running.json)" = "65534:65534 640" ] ||
  fail "owner/mode now $(stat -c '%u:%g %a' $jobs/running.json)"
pass "owner 65534:65534 and mode 640 kept"
[ "$(stat -c '%s %y %i' $jobs/done.json; sha256sum < $jobs/done.json)" = "$done_before" ] ||
  fail "done.json changed"
[ "$(sha256sum < $outside/victim.json)" = "$victim_before" ] || fail "the symlink was followed"
[ -L $jobs/x.json ] || fail "the symlink x.json was removed or replaced"
[ -p $jobs/y.json ] || fail "the FIFO y.json was removed or replaced"
pass "done.json byte-for-byte with its mtime; symlink target and FIFO untouched"
[ -z "$(find $jobs -name '.*' -type f)" ] || fail "temporary files left: $(ls -A $jobs)"
in_journal() { journalctl -u $u --no-pager -o cat | grep -qF "$1"; }
wait_until 5 "the journal says what was recovered" in_journal "recovered running.json: running -> failed"
wait_until 5 "the journal has the summary" in_journal "recover-jobs: 1 recovered, 3 untouched, 0 errors in $jobs"

step "a restart changes nothing more"
after=$(sha256sum < $jobs/running.json)
systemctl restart $u
wait_until 10 "$u is active" is_state $u active
[ "$(sha256sum < $jobs/running.json)" = "$after" ] || fail "running.json changed on the second run"
wait_until 5 "the journal has the second summary" in_journal "recover-jobs: 0 recovered, 4 untouched, 0 errors in $jobs"

step "no folder is nothing to recover; a usage error is not"
openclaw-agentctl recover-jobs /root/oc-no-such-folder >/dev/null ||
  fail "a missing folder exited $?"
set +e
openclaw-agentctl recover-jobs >/dev/null 2>&1
rc=$?
set -e
[ $rc = 2 ] || fail "recover-jobs without DIR exited $rc"
pass "missing folder: exit 0; no DIR: exit 2"

step "a recovery that fails does not keep the gateway down"
ln -s $jobs /root/oc-job-runs-link
echo '{"phase_status": "running"}' > $jobs/again.json
set +e
openclaw-agentctl recover-jobs /root/oc-job-runs-link >/dev/null 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "a folder that is a symlink exited $rc"
sed -i "s|recover-jobs $jobs|recover-jobs /root/oc-job-runs-link|" $dropin
systemctl daemon-reload
timeout 30 systemctl restart $u || fail "systemctl restart $u failed or hung"
wait_until 10 "$u is active despite exit 1" is_state $u active
wait_until 5 "the journal names the refused folder" in_journal "oc-job-runs-link: a symlink; not followed"
[ "$(jq -r .phase_status $jobs/again.json)" = running ] || fail "the symlinked folder was followed"
pass "again.json still running: the folder behind the symlink was not touched"

systemctl stop $u
rm -rf /run/systemd/system/$u /run/systemd/system/$u.d
systemctl daemon-reload
