#include "folder_noise.h"

namespace openclaw::flagwatcher {
namespace {

std::string keyOf(const NoiseKind& k) {
  return k.event + '\x1f' + k.folder + '\x1f' + k.target + '\x1f' + k.what;
}

}  // namespace

std::string summaryText(const NoiseSummary& s) {
  const auto sec = std::chrono::duration_cast<std::chrono::seconds>(s.span).count();
  return s.kind.event + ": " + std::to_string(s.suppressed) + " more " +
         (s.kind.target.empty() ? "entries" : "flags for " + s.kind.target) + " in " +
         s.kind.folder + " (" + s.kind.what + ") in the last " + std::to_string(sec) +
         " s, not logged one by one";
}

FolderNoise::FolderNoise(boost::asio::io_context& io, Sink sink, RepeatThrottle::Tuning tuning)
    : sink_(std::move(sink)),
      throttle_(tuning),
      windowTimer_(io, throttle_,
                   [this](const std::vector<RepeatThrottle::Summary>& closed) { report(closed); }) {
}

FolderNoise::~FolderNoise() {
  // Stopping: the counts of open windows are told now rather than lost.
  try {
    report(throttle_.closeMatching("", RepeatThrottle::Clock::now()));
  } catch (...) {  // best effort; nothing may escape a destructor
  }
}

bool FolderNoise::admit(const NoiseKind& kind) {
  const std::string key = keyOf(kind);
  std::vector<RepeatThrottle::Summary> closed;
  const bool tell = throttle_.admit(key, RepeatThrottle::Clock::now(), closed);
  report(closed);
  // Only windows that count need their kind back; a window that stays within its allowance
  // ends silently and its kind is never looked at.
  if (!tell) kinds_.try_emplace(key, kind);
  windowTimer_.arm();
  return tell;
}

void FolderNoise::report(const std::vector<RepeatThrottle::Summary>& closed) {
  for (const auto& s : closed) {
    const auto it = kinds_.find(s.key);
    if (it == kinds_.end()) continue;
    NoiseSummary summary{std::move(it->second), s.counted, s.span};
    kinds_.erase(it);
    sink_(summary);
  }
}

}  // namespace openclaw::flagwatcher
