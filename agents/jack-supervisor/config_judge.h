// Judges config contents on the daemon's loop: the structural check of config_check.h,
// then, when the bot has a `validator`, that command on a private copy of the content
// (OPENCLAW_CONFIG_PATH=<copy>) with a timeout.  `judgeCandidates` walks restore
// candidates in order, reading each once; it stops at the first valid one, or, for
// `openclaw-agentctl restore --dry-run`, judges them all.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config_check.h"
#include "openclaw/child_process.h"

namespace openclaw::supervisor {

struct JudgeRules {
  std::vector<std::string> required;
  std::vector<std::string> validator;  // empty: structural check only
  std::string scratchDir;              // private folder for the copies the validator reads
  std::chrono::milliseconds validatorTimeout{30000};
};

struct CandidateResult {
  RestoreCandidate candidate;
  ConfigVerdict verdict;
  std::string content;  // what was judged, and so what may be installed
};

class ConfigJudge : public std::enable_shared_from_this<ConfigJudge> {
 public:
  using VerdictCallback = std::function<void(const ConfigVerdict&)>;
  using CandidatesCallback = std::function<void(const std::vector<CandidateResult>&)>;

  ConfigJudge(boost::asio::io_context& io, JudgeRules rules) : io_(io), rules_(std::move(rules)) {}

  void judge(const std::string& content, VerdictCallback done);
  void judgeCandidates(std::vector<RestoreCandidate> candidates, bool stopAtFirstValid,
                       CandidatesCallback done);
  // Drops any callback still pending and kills a running validator.
  void cancel();

 private:
  void judgeNext(std::shared_ptr<std::vector<CandidateResult>> results, std::size_t index,
                 bool stopAtFirstValid, CandidatesCallback done);

  boost::asio::io_context& io_;
  JudgeRules rules_;
  std::unique_ptr<RunningCommand> running_;
  std::uint64_t generation_ = 0;
};

}  // namespace openclaw::supervisor
