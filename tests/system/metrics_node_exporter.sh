#!/usr/bin/env bash
# Metrics through node_exporter's textfile collector, as an operator gets them: Debian's
# prometheus-node-exporter installed after the suite,
# and every agent's openclaw-<agent>.prom scraped from node_exporter itself, with the
# vps-bridge (a dynamic user, its file rendered by a root timer) among them and a revive
# counted.
#   metrics_node_exporter.sh PATH-TO-prometheus-node-exporter.deb
. "$(dirname "$0")/lib.sh"
ne_deb=${1:?usage: $0 PATH-TO-prometheus-node-exporter.deb}
DEBUG_UNITS="prometheus-node-exporter openclaw-vps-bridge openclaw-flag-watcher"
textfile=/var/lib/prometheus/node-exporter

step "Debian's prometheus-node-exporter, installed after the suite"
DEBIAN_FRONTEND=noninteractive dpkg -i "$ne_deb" >/dev/null 2>&1 || fail "dpkg -i $ne_deb"
wait_until 20 "node_exporter is active" is_state prometheus-node-exporter active
scrape() { curl -sf -m 2 http://127.0.0.1:9100/metrics; }
# The whole page first: `grep -q` on a pipe would stop reading early and fail curl (pipefail).
scraped() { local page; page=$(scrape) && grep "$@" <<<"$page"; }
wait_until 20 "node_exporter answers" scrape
[ -d $textfile ] || fail "no $textfile (Debian's default --collector.textfile.directory)"
is_state openclaw-vps-bridge-metrics.timer active || fail "the bridge's metrics timer is not active"

step "a bot's unit, and flag-watcher watching it"
cat > /run/systemd/system/oc-bot.service <<'UNIT'
[Service]
ExecStart=/bin/sleep infinity
UNIT
systemctl daemon-reload
systemctl start oc-bot
mkdir -p /srv/flags
cat > /etc/openclaw-agents/flag-watcher.json <<'CONF'
{ "directories": [ { "path": "/srv/flags", "allow": ["bot"] } ],
  "targets": { "bot": { "unit": "oc-bot.service" } }, "min_interval_sec": 1, "max_per_hour": 6 }
CONF
# Every agent starts afresh, so each writes its file at once (they also rewrite it every minute).
systemctl restart openclaw-flag-watcher openclaw-jack-supervisor openclaw-acl-keeper openclaw-disk-guard
systemctl start openclaw-vps-bridge.service
for a in "${AGENTS[@]}"; do wait_until 15 "openclaw-$a is active" is_state openclaw-$a active; done

step "node_exporter serves every agent's metrics"
up() { scraped -qx "openclaw_agent_up{agent=\"$1\"} 1"; }
# The bridge's comes with its timer, every 15 s.
for a in "${AGENTS[@]}"; do wait_until 25 "openclaw_agent_up{agent=\"$a\"} 1" up $a; done
ls -l $textfile | sed 's/^/   /'
scraped -q '^node_textfile_scrape_error 0' || fail "node_exporter cannot parse a file"
scraped -q '^openclaw_disk_used_ratio{agent="disk-guard",mount="/"} 0\.[0-9]' \
  || fail "no disk usage for /"
scraped -q '^openclaw_restart_budget_remaining{agent="flag-watcher",bot="bot"} 6$' \
  || fail "no budget for the bot"
pass "$(scraped -c '^openclaw_') openclaw_ series, no scrape error"

step "a revive is counted"
before=$(unit_prop oc-bot ExecMainStartTimestampMonotonic)
touch /srv/flags/revive-bot.flag
revived() { scraped -q '^openclaw_revives_total{agent="flag-watcher",bot="bot",result="restarted"} 1$'; }
wait_until 15 "openclaw_revives_total{...,result=\"restarted\"} 1" revived
[ "$(unit_prop oc-bot ExecMainStartTimestampMonotonic)" != "$before" ] || fail "the bot was not restarted"
scraped -q '^openclaw_restart_budget_remaining{agent="flag-watcher",bot="bot"} 5$' \
  || fail "the budget did not go down"
# node_exporter sorts the labels.
success=$(scraped '^openclaw_last_success_timestamp_seconds{action="revive",agent="flag-watcher"}') \
  || fail "no last success for the revive: $(scraped last_success; cat /var/lib/openclaw-agents/flag-watcher/report.json)"
pass "$success"

step "a stopped agent says so"
systemctl stop openclaw-flag-watcher
down() { scraped -qx 'openclaw_agent_up{agent="flag-watcher"} 0'; }
wait_until 10 "openclaw_agent_up{agent=\"flag-watcher\"} 0" down
systemctl start openclaw-flag-watcher
wait_until 10 "up again" up flag-watcher
scraped -q '^openclaw_revives_total{agent="flag-watcher",bot="bot",result="restarted"} 1$' \
  || fail "the revive count did not survive the restart"
pass "counters survive a restart of the agent"
