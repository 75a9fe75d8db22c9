// How many journal lines a flag folder may cost.
//
// A container can fill its flag folder as fast as it can create names: junk names, flags
// for targets it may not revive, or valid flags beyond the budget.  Each is still handled
// (removed, refused, coalesced), but the journal gets, per folder and kind of line, the
// first `allowance` lines of a window (5 a minute) one by one; the rest are counted, and when
// the window ends one summary line says how many were not logged.  A kind is the event, the
// folder, the target when there is one, and what was done: so a removal that failed is never
// hidden among removals that worked.  At most `maxKeys` windows are open at once (see
// RepeatThrottle); a summary can then come early, never be lost.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "openclaw/alerter.h"

namespace openclaw::flagwatcher {

struct NoiseKind {
  std::string event;   // the OPENCLAW_EVENT of the lines, e.g. "flag-rejected"
  std::string folder;  // the flag folder
  std::string target;  // "" for names that are not flags
  std::string what;    // what was done to each, e.g. "removed", "could not be removed"
  int priority = 4;    // LOG_WARNING
};

struct NoiseSummary {
  NoiseKind kind;
  std::uint64_t suppressed = 0;
  RepeatThrottle::Clock::duration span{};
};

// "flag-rejected: 2995 more entries in /flags (removed) in the last 60 s, not logged one by one"
std::string summaryText(const NoiseSummary& s);

class FolderNoise {
 public:
  using Sink = std::function<void(const NoiseSummary&)>;
  // Five lines a minute show what is happening and cost nothing; the count says the rest.
  static constexpr RepeatThrottle::Tuning kTuning{std::chrono::minutes(1), 5, 64};

  FolderNoise(boost::asio::io_context& io, Sink sink, RepeatThrottle::Tuning tuning = kTuning);
  ~FolderNoise();
  FolderNoise(const FolderNoise&) = delete;
  FolderNoise& operator=(const FolderNoise&) = delete;

  // True: write this line now.  False: it is counted for the window's summary.
  bool admit(const NoiseKind& kind);

 private:
  void report(const std::vector<RepeatThrottle::Summary>& closed);

  Sink sink_;
  RepeatThrottle throttle_;
  std::map<std::string, NoiseKind> kinds_;  // per open window
  RepeatWindowTimer windowTimer_;
};

}  // namespace openclaw::flagwatcher
