#!/usr/bin/env bash
# systemctl stop is clean: inactive, not failed, Result=success.
. "$(dirname "$0")/lib.sh"
step "every agent stops cleanly"
for a in "${AGENTS[@]}"; do
  wait_until 10 "openclaw-$a is active" is_state "openclaw-$a" active
  t0=$(date +%s%N)
  systemctl stop "openclaw-$a"
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$(systemctl is-active "openclaw-$a")" = inactive ] || fail "openclaw-$a is $(systemctl is-active "openclaw-$a")"
  [ "$(unit_prop "openclaw-$a" Result)" = success ] || fail "openclaw-$a Result=$(unit_prop "openclaw-$a" Result)"
  pass "openclaw-$a stopped in $ms ms, Result=success"
done
