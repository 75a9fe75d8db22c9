#include "session_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstring>

#include "openclaw/durable_file.h"
#include "openclaw/json_text.h"
#include "session_journal.h"
#include "session_replay.h"

namespace openclaw::bridge {
namespace {

// Ids per sweep line: keeps each line far below the read bound whatever maxSessions is.
constexpr std::size_t kIdsPerSweepLine = 1000;

std::string errnoSentence(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// fsync on a folder makes the names in it durable (a new journal, a new folder).
bool syncFolder(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return fd && ::fsync(fd.get()) == 0;
}

// The journal, opened for replay and then for appending, 0600 whatever was there before.
Expected<UniqueFd, std::string> openJournal(const std::string& folder) {
  if (::mkdir(folder.c_str(), 0700) == 0) {
    if (!syncFolder(splitPath(folder).first)) {
      return Unexpected<std::string>{errnoSentence("cannot sync the folder above " + folder)};
    }
  } else if (errno != EEXIST) {
    return Unexpected<std::string>{errnoSentence("cannot create " + folder)};
  }
  const std::string path = folder + "/sessions.journal";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd) return Unexpected<std::string>{errnoSentence("cannot open " + path)};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Unexpected<std::string>{path + " is not a regular file"};
  }
  if (::fchmod(fd.get(), 0600) != 0 || !syncFolder(folder)) {
    return Unexpected<std::string>{errnoSentence("cannot secure " + path)};
  }
  return fd;
}

nlohmann::json messageJson(const SessionMessage& m) {
  return {{"role", m.role}, {"content", m.content}, {"ts", m.tsMs}, {"agent", m.agent}};
}

}  // namespace

std::int64_t systemWallClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

SessionStore::SessionStore(boost::asio::io_context& io, std::string folder, SessionLimits limits,
                           WallClockMs clock)
    : io_(io), folder_(std::move(folder)), limits_(limits), clock_(std::move(clock)) {}

SessionStore::~SessionStore() {
  life_.renew();  // what the writer posts while it winds down is dropped
  writer_.reset();
}

std::vector<std::string> SessionStore::open() {
  if (writer_) return {"the session store is open already"};
  auto journal = openJournal(folder_);
  if (!journal) {
    openError_ = "the session store cannot be opened: " + journal.error();
    return {openError_};
  }
  LoadedSessions loaded = loadSessions(folder_ + "/sessions.snapshot", journal->get(), limits_);
  table_ = std::move(loaded.table);
  lastSeq_ = loaded.lastSeq;
  durableJournalBytes_ = loaded.journalBytes;
  snapshotBytes_ = loaded.snapshotBytes;
  damagedLines_ = loaded.damagedLines;
  // On the writer's thread: only the watch is read there, the check is on the loop.
  auto report = [this, &io = io_, alive = life_.watch()](WriteReport r) {
    boost::asio::post(io, [this, alive, r = std::move(r)]() mutable {
      if (alive.alive()) onWritten(std::move(r));
    });
  };
  writer_ = std::make_unique<JournalWriter>(std::move(*journal), loaded.journalBytes,
                                            folder_ + "/sessions.snapshot", std::move(report));
  openError_.clear();
  maybeCompact();
  return std::move(loaded.problems);
}

void SessionStore::setLimits(SessionLimits limits) {
  limits_ = limits;
}

bool SessionStore::exists(const std::string& id) const {
  return table_.find(id) != nullptr;
}

std::vector<SessionMessage> SessionStore::history(const std::string& id) const {
  const auto& m = messages(id);
  return {m.begin(), m.end()};
}

const std::deque<SessionMessage>& SessionStore::messages(const std::string& id) const {
  static const std::deque<SessionMessage> kNone;
  const StoredSession* s = table_.find(id);
  return s == nullptr ? kNone : s->messages;
}

std::optional<std::string> SessionStore::refusal(const std::string& id,
                                                 std::vector<SessionMessage>& messages) const {
  if (!openError_.empty()) return openError_;
  if (!isValidSessionId(id)) return "invalid session id";
  for (auto& m : messages) {
    if (auto problem = messageProblem(m); !problem.empty()) return problem;
    // Measured as it will be stored and read back.
    m.content = validUtf8(std::move(m.content));
    m.agent = validUtf8(std::move(m.agent));
    if (m.content.size() > limits_.maxBytes) {
      return "a message of " + std::to_string(m.content.size()) +
             " bytes is larger than the session limit of " + std::to_string(limits_.maxBytes) +
             " bytes";
    }
  }
  if (table_.find(id) == nullptr && table_.sessions().size() >= limits_.maxSessions) {
    return "the store holds its maximum of " + std::to_string(limits_.maxSessions) +
           " sessions; a new one is refused";
  }
  return std::nullopt;
}

void SessionStore::append(const std::string& id, std::vector<SessionMessage> messages, Done done) {
  if (auto refused = refusal(id, messages)) return fail(std::move(done), std::move(*refused));
  const std::int64_t now = clock_();
  std::vector<SessionMessage> kept = survivingSuffix(std::move(messages), limits_);
  const std::size_t size = table_.add(id, now, kept, limits_);
  ++appends_;
  JournalRecord r{JournalOp::Add, ++lastSeq_, id, now, size, std::move(kept), {}};
  enqueue(std::move(r), std::move(done));
}

void SessionStore::erase(const std::string& id, Done done) {
  if (!openError_.empty()) return fail(std::move(done), openError_);
  if (!table_.erase(id)) return fail(std::move(done), "no such session");
  enqueue({JournalOp::Del, ++lastSeq_, id, 0, 0, {}, {}}, std::move(done));
}

std::size_t SessionStore::sweep(std::int64_t nowMs) {
  if (!openError_.empty()) return 0;
  const auto ttlMs = std::chrono::duration_cast<std::chrono::milliseconds>(limits_.ttl).count();
  const std::vector<std::string> idle = table_.idleBefore(nowMs - ttlMs);
  for (std::size_t from = 0; from < idle.size(); from += kIdsPerSweepLine) {
    const auto to =
        idle.begin() + static_cast<std::ptrdiff_t>(std::min(idle.size(), from + kIdsPerSweepLine));
    std::vector<std::string> chunk(idle.begin() + static_cast<std::ptrdiff_t>(from), to);
    for (const auto& id : chunk) table_.erase(id);
    enqueue({JournalOp::Sweep, ++lastSeq_, "", 0, 0, {}, std::move(chunk)}, nullptr);
  }
  return idle.size();
}

void SessionStore::enqueue(JournalRecord record, Done done) {
  if (inFlight_++ == 0) work_.emplace(io_.get_executor());
  writer_->append(std::move(record), std::move(done));
}

void SessionStore::maybeCompact() {
  // Judged on the size the writer reports, after each batch: one snapshot at a time.
  if (compacting_) return;
  const std::uint64_t live = std::max<std::uint64_t>(table_.contentBytes(), snapshotBytes_);
  const std::uint64_t threshold = std::max<std::uint64_t>(limits_.compactAtBytes, 2 * live);
  if (durableJournalBytes_ <= std::max(threshold, retryCompactionPast_)) return;
  // Serialised here, where the state lives; the writer only puts the bytes on disk.
  std::string text = snapshotText(lastSeq_, table_);
  snapshotBytes_ = text.size();
  compacting_ = true;
  if (inFlight_++ == 0) work_.emplace(io_.get_executor());
  writer_->writeSnapshot(std::move(text));
}

void SessionStore::onWritten(WriteReport report) {
  if (report.error) lastDiskError_ = *report.error;
  durableJournalBytes_ = report.journalBytes;
  if (report.snapshot) {
    compacting_ = false;
    compactions_ += report.error ? 0 : 1;
    // A disk that refused is tried again once the journal has doubled, not after every batch.
    retryCompactionPast_ = report.error ? 2 * durableJournalBytes_ : 0;
  } else {
    ++batches_;
  }
  if (--inFlight_ == 0) work_.reset();
  maybeCompact();
  for (auto& done : report.dones) {
    if (done) done(report.error);
  }
}

void SessionStore::fail(Done done, std::string error) {
  // Posted rather than called, so a caller never sees its done run inside append().
  boost::asio::post(io_, life_.guard([done = std::move(done), error = std::move(error)] {
    if (done) done(error);
  }));
}

nlohmann::json SessionStore::describe(const std::string& id) const {
  const StoredSession* s = table_.find(id);
  if (s == nullptr) return nullptr;
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : s->messages) messages.push_back(messageJson(m));
  return {{"session_id", id},
          {"created", s->createdMs},
          {"updated", s->updatedMs},
          {"messages", std::move(messages)},
          {"bytes", s->bytes}};
}

nlohmann::json SessionStore::stats() const {
  nlohmann::json oldest = nullptr;
  for (const auto& [id, s] : table_.sessions()) {
    if (oldest.is_null() || s.updatedMs < oldest.get<std::int64_t>()) oldest = s.updatedMs;
  }
  return {{"sessions", table_.sessions().size()},
          {"messages", table_.messageCount()},
          {"bytes", table_.contentBytes()},
          {"oldest_updated", oldest},
          {"journal_bytes", durableJournalBytes_},
          {"batches", batches_},
          {"appends", appends_},
          {"max_sessions", limits_.maxSessions},
          {"ttl_hours", limits_.ttl.count()},
          {"compactions", compactions_},
          {"damaged_lines", damagedLines_},
          {"last_disk_error", lastDiskError_}};
}

}  // namespace openclaw::bridge
