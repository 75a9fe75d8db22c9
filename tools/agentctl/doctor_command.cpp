#include "doctor_command.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstring>
#include <iostream>

#include "doctor_checks.h"
#include "openclaw/docker_engine.h"
#include "openclaw/handles.h"
#include "openclaw/json_text.h"
#include "unit_view.h"

namespace openclaw::agentctl {
namespace {

constexpr int kExitUsage = 2;
constexpr const char* kUsage = "usage: openclaw-agentctl doctor [--json] [--docker-socket PATH]\n";
// A cron file larger than this is read up to it: crontabs are a few lines.
constexpr std::size_t kMaxCronBytes = 1 << 20;
constexpr std::size_t kMaxFilesPerFolder = 1000;
constexpr auto kDockerTimeout = std::chrono::seconds(5);

struct Report {
  std::vector<Finding> findings;
  std::vector<std::string> notes;
  std::size_t cronFiles = 0;
  std::size_t pathUnits = 0;
};

// A regular file's text (up to kMaxCronBytes), never following a symlink; nullopt when it is
// not there or not a regular file.
std::optional<std::string> readSmallFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::string text(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), kMaxCronBytes),
                   '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

// The names in `dir` (sorted; none starting with '.'), at most kMaxFilesPerFolder.
std::vector<std::string> namesIn(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    names.emplace_back(e->d_name);
    if (names.size() >= kMaxFilesPerFolder) break;
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

void checkCron(Report& report) {
  std::vector<std::string> files{"/etc/crontab"};
  for (const char* dir : {"/etc/cron.d", "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly",
                          "/etc/cron.monthly", "/var/spool/cron/crontabs"}) {
    for (const auto& name : namesIn(dir)) files.push_back(std::string(dir) + "/" + name);
  }
  for (const auto& file : files) {
    const auto text = readSmallFile(file);
    if (!text) continue;
    ++report.cronFiles;
    for (auto& f : cronFindings(file, *text)) report.findings.push_back(std::move(f));
  }
}

// Unit files matching `pattern` in the system manager, with their UnitFileState.
Expected<std::vector<std::pair<std::string, std::string>>, std::string> unitFilesMatching(
    sd_bus* bus, const char* pattern) {
  BusError err;
  BusMessagePtr reply;
  sd_bus_message* raw = nullptr;
  int r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                             "org.freedesktop.systemd1.Manager", "ListUnitFilesByPatterns",
                             err.get(), &raw, "asas", 0, 1, pattern);
  reply.reset(raw);
  if (r < 0) {
    return Unexpected<std::string>{std::string("ListUnitFilesByPatterns: ") +
                                   (err.message() ? err.message() : std::strerror(-r))};
  }
  std::vector<std::pair<std::string, std::string>> out;
  if (sd_bus_message_enter_container(raw, 'a', "(ss)") < 0) {
    return Unexpected<std::string>{"ListUnitFilesByPatterns: unexpected reply"};
  }
  const char* path = nullptr;
  const char* state = nullptr;
  while ((r = sd_bus_message_read(raw, "(ss)", &path, &state)) > 0) {
    std::string name(path);
    name = name.substr(name.rfind('/') + 1);
    out.emplace_back(std::move(name), state);
  }
  if (r < 0) return Unexpected<std::string>{"ListUnitFilesByPatterns: unreadable reply"};
  return out;
}

void checkPathUnits(Report& report) {
  ManagerConnections managers;
  auto bus = managers.get(ManagerScope{});
  if (!bus) {
    report.notes.push_back("revive path units not checked: " + bus.error());
    return;
  }
  auto units = unitFilesMatching(*bus, "openclaw-revive-*.path");
  if (!units) {
    report.notes.push_back("revive path units not checked: " + units.error());
    return;
  }
  for (const auto& [unit, fileState] : *units) {
    ++report.pathUnits;
    const UnitView view = readUnit(*bus, unit);
    if (auto f = revivePathUnitFinding(unit, fileState, view.activeState)) {
      report.findings.push_back(std::move(*f));
    }
  }
}

void checkDocker(Report& report, const std::string& socket) {
  boost::asio::io_context io;
  DockerEngine docker(io, socket);
  LiveRestoreInput in;
  std::string unreachable;
  const auto keep = [&unreachable](std::optional<nlohmann::json>& into) {
    return [&into, &unreachable](const Expected<DockerReply, std::string>& r) {
      if (!r) {
        unreachable = r.error();
      } else if (r->status == 200) {
        auto doc = nlohmann::json::parse(r->body, nullptr, false);
        if (!doc.is_discarded()) into = std::move(doc);
      }
    };
  };
  docker.request("GET", "/info", kDockerTimeout, keep(in.info));
  docker.request("GET", "/version", kDockerTimeout, keep(in.version));
  io.run();
  struct stat st {};
  in.dockerInstalled = ::lstat("/etc/docker", &st) == 0 && S_ISDIR(st.st_mode);
  in.daemonJson = readSmallFile("/etc/docker/daemon.json");
  if (!in.info && !unreachable.empty()) report.notes.push_back(unreachable);
  std::string note;
  if (auto f = liveRestoreFinding(in, note)) report.findings.push_back(std::move(*f));
  if (!note.empty()) report.notes.push_back(note);
}

void printHuman(const Report& report) {
  if (report.findings.empty()) {
    std::cout << "doctor: nothing found that works against the agents\n";
  } else {
    std::cout << "doctor: " << report.findings.size()
              << " thing(s) that work against the agents (doctor changes nothing):\n";
  }
  for (const auto& f : report.findings) {
    std::cout << "\n[" << f.kind << "] " << f.where << "\n"
              << "  found:  " << f.found << "\n"
              << "  fights: " << f.fights << "\n"
              << "  fix:    " << f.fix << "\n";
  }
  std::cout << "\nchecked: " << report.cronFiles << " cron file(s), " << report.pathUnits
            << " revive path unit(s), Docker's live-restore\n";
  for (const auto& n : report.notes) std::cout << "note: " << n << "\n";
}

}  // namespace

int doctorCommand(const std::vector<std::string>& args) {
  bool json = false;
  std::string socket = "/var/run/docker.sock";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json") {
      json = true;
    } else if (args[i] == "--docker-socket" && i + 1 < args.size()) {
      socket = args[++i];
    } else {
      std::cerr << kUsage;
      return kExitUsage;
    }
  }
  Report report;
  checkCron(report);
  checkPathUnits(report);
  checkDocker(report, socket);
  if (json) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : report.findings) findings.push_back(f.toJson());
    const nlohmann::json doc = {
        {"findings", std::move(findings)},
        {"notes", report.notes},
        {"checked", {{"cron_files", report.cronFiles}, {"revive_path_units", report.pathUnits}}}};
    std::cout << toJsonText(doc, 2) << "\n";
  } else {
    printHuman(report);
  }
  return report.findings.empty() ? 0 : 1;
}

}  // namespace openclaw::agentctl
