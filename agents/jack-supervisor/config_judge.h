// Judges config contents on the daemon's loop: the structural check of config_check.h,
// then, when the bot has a `validator`, that command on a private copy of the content
// (OPENCLAW_CONFIG_PATH=<copy>) with a timeout.
//
// A validator such as `openclaw config validate` takes over a second, so verdicts are kept
// by content (the exact bytes, not a hash an adversary could collide): the same bytes are
// judged once per `kVerdictTtl`, and a bot keeps its next restore candidate judged while it
// is healthy, so a repair acts on verdicts it already has.  One validator runs at a time;
// requests for the same content share one run; `Urgency::Now` (a repair, the operator)
// goes before `Urgency::Background` (judging ahead), and stops a background run in progress
// (which is queued again).  `judgeCandidates` walks restore candidates in order, reading
// each once and keeping only the content of a valid one; it stops at the first valid one,
// or, for `openclaw-agentctl restore --dry-run`, judges them all.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config_check.h"
#include "openclaw/child_process.h"
#include "openclaw/life_token.h"

namespace openclaw::supervisor {

struct JudgeRules {
  std::vector<std::string> required;
  std::vector<std::string> validator;  // empty: structural check only
  std::string scratchDir;              // private folder for the copies the validator reads
  std::chrono::milliseconds validatorTimeout{30000};
  // One walk over the candidates stops judging after this: a folder full of slow-to-judge
  // files must not hold a repair (or the operator's dry run) for hours.
  std::chrono::milliseconds walkBudget{120000};
};

struct CandidateResult {
  RestoreCandidate candidate;
  ConfigVerdict verdict;
  std::string content;  // a valid candidate's content: what was judged is what is installed
};

enum class Urgency { Now, Background };

// Verdicts by exact content, newest first; bounded in entries and bytes.
class VerdictCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMaxEntries = 32;
  static constexpr std::size_t kMaxBytes = 8u << 20;

  explicit VerdictCache(std::chrono::seconds ttl) : ttl_(ttl) {}
  std::optional<ConfigVerdict> find(const std::string& content, Clock::time_point now) const;
  void store(const std::string& content, const ConfigVerdict& verdict, Clock::time_point now);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::size_t hash;
    std::string content;
    ConfigVerdict verdict;
    Clock::time_point at;
  };
  std::chrono::seconds ttl_;
  std::deque<Entry> entries_;
  std::size_t bytes_ = 0;
};

class ConfigJudge {
 public:
  using VerdictCallback = std::function<void(const ConfigVerdict&)>;
  using CandidatesCallback = std::function<void(const std::vector<CandidateResult>&)>;
  // A validator's verdict on a file is trusted this long: long enough to keep every
  // candidate judged with one run an hour, short enough that an upgrade of the bot (whose
  // schema may change) is noticed.
  static constexpr std::chrono::seconds kVerdictTtl{3600};

  ConfigJudge(boost::asio::io_context& io, JudgeRules rules)
      : io_(io), rules_(std::move(rules)), cache_(kVerdictTtl) {}
  ~ConfigJudge();
  ConfigJudge(const ConfigJudge&) = delete;
  ConfigJudge& operator=(const ConfigJudge&) = delete;

  // `done` runs at once when the verdict is known (structurally invalid, or cached).
  void judge(const std::string& content, Urgency urgency, VerdictCallback done);
  void judgeCandidates(std::vector<RestoreCandidate> candidates, bool stopAtFirstValid,
                       Urgency urgency, CandidatesCallback done);
  // The verdict on `content` if it is known without running anything.
  std::optional<ConfigVerdict> known(const std::string& content) const;
  // Drops queued background requests; their callbacks never run.
  void cancelBackground();
  // Drops every pending callback and kills a running validator.
  void cancel();
  // Validator runs started, for tests and STATUS.
  std::uint64_t validatorRuns() const { return runs_; }

 private:
  struct Request {
    std::string content;
    Urgency urgency;
    std::vector<VerdictCallback> waiting;
  };
  struct Walk;

  void enqueue(const std::string& content, Urgency urgency, VerdictCallback done);
  void startNext();
  // `cacheable`: the verdict is about the content (not a validator that could not run).
  void finished(const ConfigVerdict& verdict, bool cacheable);
  void walk(const std::shared_ptr<Walk>& w);

  boost::asio::io_context& io_;
  JudgeRules rules_;
  VerdictCache cache_;
  std::deque<Request> queue_;
  std::optional<Request> current_;
  std::unique_ptr<RunningCommand> running_;
  std::string runningCopy_;  // the copy the running validator reads
  std::uint64_t runs_ = 0;
  LifeToken life_;  // last: gone first, so no callback outlives what it touches
};

}  // namespace openclaw::supervisor
