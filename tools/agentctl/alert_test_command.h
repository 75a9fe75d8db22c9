// `openclaw-agentctl alert-test`: one test alert, now, through every channel notify.json
// configures (and jack-supervisor's own `telegram` key when notify.json names no Telegram),
// each tried once, synchronously, with a 15 s timeout; the outboxes are not involved.  One
// line per channel ("telegram: delivered", "webhook: failed: the webhook failed: HTTP 500
// Internal Server Error"); tokens are never printed.  The alert also goes to the journal and
// alerts.jsonl like any alert (agent "agentctl", event "alert-test").
//
// Exit: 0 every configured channel delivered; 1 one or more failed; 2 usage, or notify.json
// does not load; 3 no channel is configured (nothing would reach the operator).
#pragma once

#include <string>
#include <vector>

namespace openclaw::agentctl {

int alertTestCommand(const std::vector<std::string>& args);

}  // namespace openclaw::agentctl
