// Which stopped containers disk-guard's Docker prune may remove, and removing them one by one.
//
// The Engine API's POST /containers/prune removes every stopped container of the host, a
// neighbour's included, and cannot spare one by name (Podman answers a "name" filter with
// HTTP 500); its "until" filter counts from a container's creation, not from when it stopped
// (Docker and Podman alike).  So the stopped containers are listed, those the labels and names
// do not already keep are inspected for when they stopped, each is judged here, and each one
// judged removable is removed by its id with DELETE /containers/{id}, which the engine
// refuses for a container that runs again by then.  Anonymous volumes stay, as with prune.
//
// Kept, whatever else is true: a container named as a target in an agent's config
// (flag-watcher's "container" targets, jack-supervisor's container bots, read from the
// agents' config folder at each prune), one listed in `keep`, one stopped less than
// `stoppedForSec` ago (a never-started one counts from its creation), one without every label
// of `labels`.  Not guaranteed: a container started and stopped again between its inspection
// and its removal (milliseconds) is removed as it was judged.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "disk_guard_config.h"
#include "openclaw/clock.h"
#include "openclaw/result.h"

namespace openclaw::diskguard {

struct ContainerFilter {
  std::int64_t stoppedForSec = 24 * 3600;
  // "key" or "key=value": a container is removed only when it carries every one.
  std::vector<std::string> labels;
  // Names (without Docker's leading "/") or ids never removed.
  std::set<std::string> keep;
  // An agent's config does not load, so its targets are not known: none is removed.
  bool namesUnknown = false;
};

enum class ContainerVerdict : std::uint8_t {
  Remove,
  NamesUnknown,  // the agents' targets are not known (namesUnknown)
  Named,         // in `keep`: an agent's target, or the operator's
  LabelsDiffer,  // lacks a label of the filter
  Recent,        // stopped less than stoppedForSec ago
  Running,       // runs again since it was listed
  Unknown,       // the engine did not say when it stopped
};
// "named", "recent", ...: for the journal.
const char* verdictName(ContainerVerdict verdict);

struct StoppedContainer {
  std::string id;
  std::string name;  // its first name, without the leading "/"
  std::map<std::string, std::string> labels;
  std::uint64_t bytes = 0;     // its own layer (SizeRw): what removing it frees
  std::int64_t stoppedAt = 0;  // seconds since the epoch; 0: not known (not inspected)
  bool running = false;
  ContainerVerdict verdict = ContainerVerdict::Unknown;
};

// The verdict on one container; `nowSec` is the wall clock.  Without `stoppedAt` only
// Named and LabelsDiffer can be decided (the rest is Unknown: inspect it first).
ContainerVerdict judgeContainer(const StoppedContainer& c, const ContainerFilter& filter,
                                std::int64_t nowSec);

// "2026-11-28T08:28:35.046675908Z" (or with "+01:00") as seconds since the epoch; nullopt for
// anything else, and for Docker's zero time "0001-01-01T00:00:00Z".
std::optional<std::int64_t> parseEngineTime(const std::string& text);

// The containers the agents' configs in `dir` name as targets: flag-watcher.json's
// "container" targets and jack-supervisor.json's container bots.  A file that does not exist
// names none; one that exists but does not load is an error (then nothing is known safe to
// remove).
Expected<std::set<std::string>, std::string> containersNamedIn(const std::string& dir);

struct ContainerSurvey {
  std::vector<StoppedContainer> containers;  // every stopped container, with its verdict
  std::string error;                         // the engine could not be asked (list partial)
  std::size_t count(ContainerVerdict verdict) const;
  // "3 kept: 1 named, 2 stopped less than 24 h ago", or "" when none was kept.
  std::string keptText(const ContainerFilter& filter) const;
};

// The rule of the config, plus the names the agents' configs give (containersNamedIn).
ContainerFilter containerFilter(const DockerContainerRule& rule,
                                const std::set<std::string>& named);

// Lists the stopped containers at `socket`, inspects those not already kept, and judges
// each by `clock`'s wall time; `done` is called once, on `io`.  The requests run one after
// another and hold their own client, so this may outlive whoever asked, but not `clock`.
void surveyContainers(boost::asio::io_context& io, const std::string& socket,
                      const ContainerFilter& filter, std::chrono::seconds timeout,
                      const Clock& clock, std::function<void(ContainerSurvey)> done);

struct ContainerRemoval {
  std::vector<StoppedContainer> removed;
  std::vector<std::string> failures;  // "name: what the engine said"
};

// Removes `containers` one by one (DELETE /containers/{id}, volumes kept); `done` once.
void removeContainers(boost::asio::io_context& io, const std::string& socket,
                      std::vector<StoppedContainer> containers, std::chrono::seconds timeout,
                      std::function<void(ContainerRemoval)> done);

}  // namespace openclaw::diskguard
