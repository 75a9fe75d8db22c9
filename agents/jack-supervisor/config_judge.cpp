#include "config_judge.h"

#include <unistd.h>

#include "openclaw/durable_file.h"

namespace openclaw::supervisor {

void ConfigJudge::judge(const std::string& content, VerdictCallback done) {
  ConfigVerdict structural = checkConfigText(content, rules_.required);
  if (!structural.valid || rules_.validator.empty()) return done(structural);
  // The validator reads our own copy: a name in the bot's folder could be swapped by the
  // bot between the check and the install.
  const std::string copy = rules_.scratchDir + "/candidate-" + std::to_string(::getpid()) + ".json";
  if (auto w = atomicWriteFile(copy, content, 0600); !w) {
    return done({false, "cannot write a copy for the validator: " + w.error().message()});
  }
  const std::uint64_t generation = ++generation_;
  running_ =
      runCommand(io_, rules_.validator, {{"OPENCLAW_CONFIG_PATH", copy}}, rules_.validatorTimeout,
                 [this, generation, copy, done](const CommandResult& r) {
                   ::unlink(copy.c_str());
                   if (generation != generation_) return;
                   done(r.ok() ? ConfigVerdict{true, "ok (validator passed)"}
                               : ConfigVerdict{false, "validator: " + r.describe()});
                 });
}

void ConfigJudge::judgeCandidates(std::vector<RestoreCandidate> candidates, bool stopAtFirstValid,
                                  CandidatesCallback done) {
  auto results = std::make_shared<std::vector<CandidateResult>>();
  for (auto& c : candidates) results->push_back({std::move(c), {}, {}});
  judgeNext(results, 0, stopAtFirstValid, std::move(done));
}

void ConfigJudge::judgeNext(std::shared_ptr<std::vector<CandidateResult>> results,
                            std::size_t index, bool stopAtFirstValid, CandidatesCallback done) {
  if (index >= results->size()) return done(*results);
  CandidateResult& r = (*results)[index];
  auto content = readConfigFile(r.candidate.path);
  if (!content) {
    r.verdict = {false, content.error()};
    return judgeNext(results, index + 1, stopAtFirstValid, std::move(done));
  }
  r.content = std::move(content).value();
  judge(r.content, [this, results, index, stopAtFirstValid, done](const ConfigVerdict& v) {
    (*results)[index].verdict = v;
    if (v.valid && stopAtFirstValid) {
      results->resize(index + 1);
      return done(*results);
    }
    judgeNext(results, index + 1, stopAtFirstValid, done);
  });
}

void ConfigJudge::cancel() {
  ++generation_;
  running_.reset();
}

}  // namespace openclaw::supervisor
