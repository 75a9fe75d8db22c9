#include "session_replay.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "openclaw/handles.h"
#include "session_journal.h"

namespace openclaw::bridge {
namespace {

// Large enough that a start-up replay is a few hundred reads, small enough for any stack.
constexpr std::size_t kReadChunk = 64 * 1024;

std::string plural(std::size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

class Replay {
 public:
  Replay(const SessionLimits& limits, LoadedSessions& out) : limits_(limits), out_(out) {}

  void loadSnapshot(const std::string& path, std::size_t maxLine);
  void replayJournal(int fd, std::size_t maxLine);

 private:
  bool fits(const std::string& id) const {
    return out_.table.find(id) != nullptr || out_.table.sessions().size() < limits_.maxSessions;
  }
  void snapshotLine(const FileLine& line);
  void apply(JournalRecord r);

  const SessionLimits& limits_;
  LoadedSessions& out_;
  std::optional<SnapshotHeader> header_;
  bool headerSeen_ = false;
  std::size_t damaged_ = 0;
  std::size_t overLimit_ = 0;
};

void Replay::snapshotLine(const FileLine& line) {
  if (!headerSeen_) {
    headerSeen_ = true;
    if (line.complete && !line.tooLong) header_ = parseSnapshotHeader(line.text);
    return;
  }
  if (!header_) return;
  auto s = line.complete && !line.tooLong ? parseSnapshotSession(line.text) : std::nullopt;
  if (!s) {
    ++damaged_;
  } else if (!fits(s->id)) {
    ++overLimit_;
  } else {
    out_.table.put(s->id, std::move(s->session), limits_);
  }
}

void Replay::loadSnapshot(const std::string& path, std::size_t maxLine) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd && errno == ENOENT) return;
  struct stat st {};
  std::string why;
  if (!fd) {
    why = std::string("cannot open it: ") + std::strerror(errno);
  } else if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    why = "it is not a regular file";
  } else if (auto read =
                 forEachLine(fd.get(), maxLine, [&](const FileLine& l) { snapshotLine(l); });
             !read) {
    why = "cannot read it: " + read.error().message();
  } else if (!header_) {
    why = "its first line is not a snapshot header";
  }
  if (!why.empty()) {
    out_.table.clear();
    ::rename(path.c_str(), (path + ".damaged").c_str());
    out_.problems.push_back("the session snapshot was set aside as " + path + ".damaged (" + why +
                            "); sessions are rebuilt from the journal alone");
    return;
  }
  out_.lastSeq = header_->seq;
  out_.snapshotBytes = static_cast<std::uint64_t>(st.st_size);
  if (damaged_ > 0) {
    out_.problems.push_back("the session snapshot has " + plural(damaged_, "damaged line") +
                            "; those sessions were skipped");
    out_.damagedLines += damaged_;
    damaged_ = 0;
  }
}

void Replay::apply(JournalRecord r) {
  if (r.seq <= out_.lastSeq) return;  // in the snapshot already, or a line written twice
  out_.lastSeq = r.seq;
  switch (r.op) {
    case JournalOp::Add:
      if (!fits(r.id)) {
        ++overLimit_;
        return;
      }
      out_.table.add(r.id, r.atMs, std::move(r.messages), limits_, r.keep);
      return;
    case JournalOp::Del:
      out_.table.erase(r.id);
      return;
    case JournalOp::Sweep:
      for (const auto& id : r.ids) out_.table.erase(id);
      return;
  }
}

void Replay::replayJournal(int fd, std::size_t maxLine) {
  std::uint64_t goodEnd = 0;   // just past the last good line
  std::size_t pendingBad = 0;  // damaged lines since then: earlier ones once a good line follows
  std::uint64_t end = 0;
  auto read = forEachLine(fd, maxLine, [&](const FileLine& line) {
    end = line.offset + line.text.size() + (line.complete ? 1 : 0);
    auto r = line.complete && !line.tooLong ? parseJournalLine(line.text) : std::nullopt;
    if (!r) {
      ++pendingBad;
      return;
    }
    damaged_ += pendingBad;
    pendingBad = 0;
    goodEnd = end;
    apply(std::move(*r));
  });
  if (!read) {
    out_.problems.push_back("cannot read the session journal: " + read.error().message());
  }
  if (damaged_ > 0) {
    out_.problems.push_back("skipped " + plural(damaged_, "damaged line") +
                            " in the session journal");
    out_.damagedLines += damaged_;
  }
  if (overLimit_ > 0) {
    out_.problems.push_back(plural(overLimit_, "session record") +
                            " beyond max_sessions were not loaded");
  }
  out_.journalBytes = goodEnd;
  if (read && pendingBad > 0) {
    out_.problems.push_back("dropped a torn end of the session journal (" +
                            plural(pendingBad, "line") + ", a write cut short)");
  }
  // Cut the tail (torn, or after a read error, unknown) so new lines start clean.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) != goodEnd &&
      (::ftruncate(fd, static_cast<off_t>(goodEnd)) != 0 || ::fdatasync(fd) != 0)) {
    out_.problems.push_back(std::string("cannot cut the torn end off the session journal: ") +
                            std::strerror(errno));
  }
}

}  // namespace

Result<Ok> forEachLine(int fd, std::size_t maxLine,
                       const std::function<void(const FileLine&)>& onLine) {
  std::string line;
  bool tooLong = false;
  std::uint64_t offset = 0, lineStart = 0;
  char buffer[kReadChunk];
  for (;;) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fromErrno();
    if (n == 0) break;
    std::string_view chunk(buffer, static_cast<std::size_t>(n));
    while (!chunk.empty()) {
      const std::size_t nl = chunk.find('\n');
      const std::string_view part = chunk.substr(0, nl);
      if (!tooLong && line.size() + part.size() > maxLine) {
        tooLong = true;
        line.clear();
        line.shrink_to_fit();
      }
      if (!tooLong) line.append(part);
      if (nl == std::string_view::npos) break;
      onLine({tooLong ? std::string_view() : std::string_view(line), lineStart, true, tooLong});
      lineStart = offset + static_cast<std::uint64_t>(chunk.data() - buffer) + nl + 1;
      line.clear();
      tooLong = false;
      chunk.remove_prefix(nl + 1);
    }
    offset += static_cast<std::uint64_t>(n);
  }
  if (offset > lineStart) onLine({tooLong ? std::string_view() : line, lineStart, false, tooLong});
  return Ok{};
}

LoadedSessions loadSessions(const std::string& snapshotPath, int journalFd,
                            const SessionLimits& limits) {
  LoadedSessions out;
  const std::size_t maxLine = std::max(lineBound(limits), kMinLineBound);
  Replay replay(limits, out);
  replay.loadSnapshot(snapshotPath, maxLine);
  replay.replayJournal(journalFd, maxLine);
  return out;
}

}  // namespace openclaw::bridge
