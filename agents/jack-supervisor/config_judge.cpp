#include "config_judge.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>

#include "openclaw/durable_file.h"

namespace openclaw::supervisor {
namespace {

// Every judgement writes its own copy: two bots judged at once must never read each other's.
std::atomic<std::uint64_t> copies{0};

std::string copyPath(const std::string& scratchDir) {
  return scratchDir + "/candidate-" + std::to_string(::getpid()) + "-" + std::to_string(++copies) +
         ".json";
}

}  // namespace

std::optional<ConfigVerdict> VerdictCache::find(const std::string& content,
                                                Clock::time_point now) const {
  const std::size_t hash = std::hash<std::string>{}(content);
  for (const Entry& e : entries_) {
    if (e.hash == hash && e.content == content) {
      if (now - e.at < ttl_) return e.verdict;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void VerdictCache::store(const std::string& content, const ConfigVerdict& verdict,
                         Clock::time_point now) {
  if (content.size() > kMaxBytes) return;
  const std::size_t hash = std::hash<std::string>{}(content);
  std::erase_if(entries_, [&](const Entry& e) {
    const bool same = e.hash == hash && e.content == content;
    if (same) bytes_ -= e.content.size();
    return same;
  });
  entries_.push_front({hash, content, verdict, now});
  bytes_ += content.size();
  while (entries_.size() > kMaxEntries || bytes_ > kMaxBytes) {
    bytes_ -= entries_.back().content.size();
    entries_.pop_back();
  }
}

std::optional<ConfigVerdict> ConfigJudge::known(const std::string& content) const {
  ConfigVerdict structural = checkConfigText(content, rules_.required);
  if (!structural.valid || rules_.validator.empty()) return structural;
  return cache_.find(content, VerdictCache::Clock::now());
}

void ConfigJudge::judge(const std::string& content, Urgency urgency, VerdictCallback done) {
  if (auto verdict = known(content)) return done(*verdict);
  enqueue(content, urgency, std::move(done));
}

void ConfigJudge::enqueue(const std::string& content, Urgency urgency, VerdictCallback done) {
  const bool now = urgency == Urgency::Now;
  if (current_ && current_->content == content) {
    current_->waiting.push_back(std::move(done));
    if (now) current_->urgency = Urgency::Now;
    return;
  }
  auto same = std::find_if(queue_.begin(), queue_.end(),
                           [&](const Request& r) { return r.content == content; });
  Request request{content, urgency, {}};
  if (same != queue_.end()) {
    request = std::move(*same);
    queue_.erase(same);
    if (now) request.urgency = Urgency::Now;
  }
  request.waiting.push_back(std::move(done));
  if (request.urgency == Urgency::Now) {
    // After the other urgent requests, before every background one.
    auto firstBackground = std::find_if(queue_.begin(), queue_.end(), [](const Request& r) {
      return r.urgency == Urgency::Background;
    });
    queue_.insert(firstBackground, std::move(request));
  } else {
    queue_.push_back(std::move(request));
  }
  if (current_ && current_->urgency == Urgency::Background && now) {
    // Judging ahead must never delay a repair: stop it and judge that content later.
    running_.reset();
    ::unlink(runningCopy_.c_str());
    runningCopy_.clear();
    queue_.push_back(std::move(*current_));
    current_.reset();
  }
  startNext();
}

void ConfigJudge::startNext() {
  while (!current_ && !queue_.empty()) {
    current_ = std::move(queue_.front());
    queue_.pop_front();
    // Judged meanwhile (another request for the same bytes finished first).
    if (auto verdict = cache_.find(current_->content, VerdictCache::Clock::now())) {
      auto waiting = std::move(current_->waiting);
      current_.reset();
      for (auto& w : waiting) w(*verdict);
      continue;
    }
    // The validator reads our own copy: a name in the bot's folder could be swapped by the
    // bot between the check and the install.
    const std::string copy = copyPath(rules_.scratchDir);
    if (auto w = atomicWriteFile(copy, current_->content, 0600); !w) {
      // Not a verdict on the content: nothing is cached.
      return finished({false, "cannot write a copy for the validator: " + w.error().message()},
                      false);
    }
    ++runs_;
    auto alive = life_.watch();
    running_ = runCommand(io_, rules_.validator, {{"OPENCLAW_CONFIG_PATH", copy}},
                          rules_.validatorTimeout, [this, alive, copy](const CommandResult& r) {
                            ::unlink(copy.c_str());
                            if (!alive.alive()) return;
                            // A validator that timed out or could not start said nothing
                            // about the content: judge it again next time.
                            const bool verdictOnContent =
                                r.error.empty() && !r.timedOut && r.signal == 0;
                            finished(r.ok() ? ConfigVerdict{true, "ok (validator passed)"}
                                            : ConfigVerdict{false, "validator: " + r.describe()},
                                     verdictOnContent);
                          });
    runningCopy_ = copy;
  }
}

void ConfigJudge::finished(const ConfigVerdict& verdict, bool cacheable) {
  Request done = std::move(*current_);
  current_.reset();
  runningCopy_.clear();
  if (cacheable) cache_.store(done.content, verdict, VerdictCache::Clock::now());
  // The next run starts before anyone hears of this one, whose callbacks may queue more.
  boost::asio::post(io_, [this, alive = life_.watch()] {
    if (alive.alive()) startNext();
  });
  for (auto& w : done.waiting) w(verdict);
}

void ConfigJudge::cancelBackground() {
  std::erase_if(queue_, [](const Request& r) { return r.urgency == Urgency::Background; });
}

void ConfigJudge::cancel() {
  queue_.clear();
  running_.reset();
  if (!runningCopy_.empty()) ::unlink(runningCopy_.c_str());
  runningCopy_.clear();
  current_.reset();
}

ConfigJudge::~ConfigJudge() {
  cancel();
}

// One walk over restore candidates, resumed after each verdict that needed a validator.
struct ConfigJudge::Walk {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::vector<CandidateResult> results;
  std::size_t next = 0;
  bool stopAtFirstValid = false;
  Urgency urgency = Urgency::Now;
  CandidatesCallback done;
};

void ConfigJudge::judgeCandidates(std::vector<RestoreCandidate> candidates, bool stopAtFirstValid,
                                  Urgency urgency, CandidatesCallback done) {
  auto w = std::make_shared<Walk>();
  for (auto& c : candidates) w->results.push_back({std::move(c), {}, {}});
  w->stopAtFirstValid = stopAtFirstValid;
  w->urgency = urgency;
  w->done = std::move(done);
  walk(w);
}

void ConfigJudge::walk(const std::shared_ptr<Walk>& w) {
  // A loop, not recursion: thousands of candidates judged at once (cached, unreadable)
  // must not each take a stack frame.
  while (w->next < w->results.size()) {
    CandidateResult& r = w->results[w->next];
    if (std::chrono::steady_clock::now() - w->started > rules_.walkBudget) {
      const auto ms = rules_.walkBudget.count();
      r.verdict = {false, "not judged: judging this list took over " +
                              (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s"
                                              : std::to_string(ms) + " ms")};
      ++w->next;
      continue;
    }
    auto content = readConfigFile(r.candidate.path);
    if (!content) {
      r.verdict = {false, content.error()};
      ++w->next;
      continue;
    }
    // 0: judging now; 1: answered before judge() returned; 2: the answer comes later.
    auto phase = std::make_shared<int>(0);
    auto alive = life_.watch();
    judge(*content, w->urgency, [this, alive, w, phase, text = *content](const ConfigVerdict& v) {
      CandidateResult& mine = w->results[w->next];
      mine.verdict = v;
      if (v.valid) mine.content = text;
      ++w->next;
      if (v.valid && w->stopAtFirstValid) w->results.resize(w->next);
      if (*phase == 0) {
        *phase = 1;
      } else if (alive.alive()) {
        walk(w);
      }
    });
    if (*phase == 0) {
      *phase = 2;
      return;
    }
  }
  auto done = std::move(w->done);
  done(w->results);
}

}  // namespace openclaw::supervisor
