// journald message ids for the events an operator looks up: each has an entry in the
// package's catalog (units/openclaw-host-agents.catalog, installed into
// /usr/lib/systemd/catalog/), so `journalctl -x` explains what happened and what to do.
//
// Log adds MESSAGE_ID= to a journal entry whose OPENCLAW_EVENT has one; an alert's entry
// (one with OPENCLAW_ALERT_LEVEL, written by the Alerter) whose event has none gets the
// alerts' id.
#pragma once

#include <string_view>

namespace openclaw {

// The 32 hex digits of `event`'s message id, or "" when it has none.
std::string_view messageIdOf(std::string_view event);

// The id of an alert's journal entry whose event has no id of its own.
inline constexpr std::string_view kAlertMessageId = "aa0ec4b3e8644085986edd8a8e9fa03a";

}  // namespace openclaw
