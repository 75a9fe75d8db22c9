#!/usr/bin/env bash
# --check-config names a wrong-typed key and exits non-zero; the shipped config passes.
. "$(dirname "$0")/lib.sh"

step "the shipped configs check clean"
for a in "${AGENTS[@]}"; do
  "openclaw-$a" --check-config >/dev/null || fail "openclaw-$a --check-config on the shipped config"
done
openclaw-agentctl check-config || fail "agentctl check-config"
pass "all five"

step "a wrong-typed key is named"
bad=/root/bad-flag-watcher.json
echo '{ "directories": [], "targets": {}, "max_per_hour": "six" }' > $bad
set +e
out=$(openclaw-flag-watcher --check-config --config $bad 2>&1)
rc=$?
set -e
[ $rc -ne 0 ] || fail "exit 0 on a bad config"
grep -q "max_per_hour" <<<"$out" || fail "output does not name max_per_hour: $out"
pass "exit $rc: $out"
