#include "openclaw/job_recovery.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "openclaw/durable_file.h"
#include "openclaw/handles.h"
#include "openclaw/result.h"
#include "openclaw/safe_path.h"
#include "openclaw/time_text.h"

namespace openclaw {
namespace {

// Ordered: the document goes back with the runner's key order, `recovery` last.
using Json = nlohmann::ordered_json;

constexpr const char* kRecoveredBy = "openclaw-agentctl recover-jobs";
// Job documents nest a few levels; anything deeper is hostile, and writing it back would
// recurse once per level.
constexpr int kMaxJsonDepth = 64;
// A job document has a few dozen keys; this many is no job document.
constexpr std::size_t kMaxJobKeys = 10000;
// A temporary name that already exists was probably planted; a few fresh names beat
// giving up on the job.
constexpr int kTempNameAttempts = 8;

enum class Fate { Recovered, Untouched, Skipped, Error };

struct EntryOutcome {
  Fate fate = Fate::Untouched;
  std::string reason;
};

EntryOutcome skipped(std::string reason) {
  return {Fate::Skipped, std::move(reason)};
}
EntryOutcome failed(std::string reason) {
  return {Fate::Error, std::move(reason)};
}

std::string errnoText(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

std::string notRegularReason(mode_t mode) {
  if (S_ISLNK(mode)) return "a symlink; not followed";
  if (S_ISDIR(mode)) return "a folder; not descended into";
  if (S_ISFIFO(mode)) return "a FIFO; not opened";
  if (S_ISSOCK(mode)) return "a socket; not opened";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device; not opened";
  return "not a regular file; not opened";
}

std::string tooLargeReason() {
  return "larger than " + std::to_string(kMaxJobFileBytes) + " bytes; not read";
}

bool hasJsonSuffix(std::string_view name) {
  constexpr std::string_view kSuffix = ".json";
  return name.size() > kSuffix.size() && name.ends_with(kSuffix);
}

// With a trailing slash the kernel resolves a final symlink even under O_NOFOLLOW.
std::string withoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

struct DirClose {
  void operator()(DIR* d) const { ::closedir(d); }
};

Result<std::vector<std::string>> listNames(int dirFd) {
  // fdopendir takes ownership of its descriptor; a duplicate keeps ours for openat.
  const int dup = ::fcntl(dirFd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return fromErrno();
  std::unique_ptr<DIR, DirClose> dir(::fdopendir(dup));
  if (!dir) {
    const int err = errno;
    ::close(dup);
    return fromErrno(err);
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return fromErrno();
      break;
    }
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The size from fstat is not trusted: the file may grow while it is read.
Expected<std::string, EntryOutcome> readBounded(int fd) {
  std::string content;
  char buffer[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unexpected{failed(errnoText("cannot read", errno))};
    }
    if (n == 0) return content;
    if (content.size() + static_cast<std::size_t>(n) > kMaxJobFileBytes) {
      return Unexpected{skipped(tooLargeReason())};
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

// Thrown from the parser's callback to stop reading at once.
struct TooLargeToRead {
  std::string why;
};

Expected<Json, std::string> parseJobDocument(const std::string& text) {
  std::size_t keys = 0;
  // An ordered object finds each key by scanning the ones before it: 400 000 keys in 4 MiB
  // would take minutes, longer than the gateway's start timeout.  Stop early instead.
  const Json::parser_callback_t watch = [&keys](int depth, Json::parse_event_t event, Json&) {
    if (depth > kMaxJsonDepth) {
      throw TooLargeToRead{"nested deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
    }
    if (event == Json::parse_event_t::key && ++keys > kMaxJobKeys) {
      throw TooLargeToRead{"more than " + std::to_string(kMaxJobKeys) + " keys"};
    }
    return true;
  };
  Json doc;
  try {
    doc = Json::parse(text, watch, /*allow_exceptions=*/false);
  } catch (const TooLargeToRead& e) {
    return Unexpected{e.why};
  } catch (const std::exception& e) {
    return Unexpected<std::string>{std::string("cannot read it: ") + e.what()};
  }
  if (doc.is_discarded()) return Unexpected<std::string>{"not valid JSON"};
  if (!doc.is_object()) return Unexpected<std::string>{"not a JSON object"};
  return doc;
}

struct TempFile {
  UniqueFd fd;
  std::string name;
};

// O_EXCL creates a new file or fails; it never opens or follows what is already there.
Expected<TempFile, std::string> createTempFile(int dirFd) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < kTempNameAttempts; ++attempt) {
    std::string name = ".openclaw-recover-" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter++) + ".tmp";
    UniqueFd fd(
        ::openat(dirFd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd) return TempFile{std::move(fd), std::move(name)};
    if (errno != EEXIST) return Unexpected{errnoText("cannot create a temporary file", errno)};
  }
  return Unexpected<std::string>{"cannot create a temporary file: every name tried exists"};
}

// The gateway may run as another user than this command, so the new file gets the old
// one's owner, group and permission bits.  Set-id and sticky bits are dropped: a job
// document has no use for them.
Expected<Ok, std::string> matchOwnerAndMode(int fd, const struct stat& original) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Unexpected{errnoText("cannot stat the temporary file", errno)};
  if ((st.st_uid != original.st_uid || st.st_gid != original.st_gid) &&
      ::fchown(fd, original.st_uid, original.st_gid) != 0) {
    return Unexpected{errnoText("cannot give the new file the original owner", errno)};
  }
  // After fchown, which may clear bits; and the umask narrowed the creation mode.
  if (::fchmod(fd, original.st_mode & 0777) != 0) {
    return Unexpected{errnoText("cannot give the new file the original mode", errno)};
  }
  return Ok{};
}

bool sameFileState(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

Expected<Ok, std::string> replaceAtomically(int dirFd, const std::string& name,
                                            const struct stat& original, std::string_view content) {
  auto temp = createTempFile(dirFd);
  if (!temp) return Unexpected{temp.error()};
  auto abandon = [&](std::string why) {
    ::unlinkat(dirFd, temp->name.c_str(), 0);
    return Unexpected<std::string>{std::move(why)};
  };
  if (auto w = writeAll(temp->fd.get(), content); !w) {
    return abandon(errnoText("cannot write the temporary file", w.error().value()));
  }
  if (auto m = matchOwnerAndMode(temp->fd.get(), original); !m) return abandon(m.error());
  if (::fsync(temp->fd.get()) != 0) {
    return abandon(errnoText("cannot fsync the temporary file", errno));
  }
  // Someone may have written the job since it was read; renaming over that would lose a
  // write nobody saw.  (Not a lock: it narrows the window to the rename itself.)
  struct stat now {};
  if (::fstatat(dirFd, name.c_str(), &now, AT_SYMLINK_NOFOLLOW) != 0 ||
      !sameFileState(now, original)) {
    return abandon("changed while being recovered; left as it is now");
  }
  if (::renameat(dirFd, temp->name.c_str(), dirFd, name.c_str()) != 0) {
    return abandon(errnoText("cannot rename the new version into place", errno));
  }
  return Ok{};
}

// A folder named on the command line may be relative to where the operator stands; the
// walk from "/" needs it absolute.
std::string absolute(const std::string& path) {
  if (path.starts_with('/')) return path;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) return path;  // refused below as not absolute
  return std::string(cwd) + "/" + path;
}

EntryOutcome recoverEntry(int dirFd, const std::string& name, const Json& recovery) {
  if (!hasJsonSuffix(name)) return {Fate::Untouched, {}};
  struct stat st {};
  if (::fstatat(dirFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? skipped("gone before it was read")
                           : failed(errnoText("cannot stat", errno));
  }
  if (!S_ISREG(st.st_mode)) return skipped(notRegularReason(st.st_mode));
  // O_NOFOLLOW and O_NONBLOCK again: the entry may have been swapped since fstatat.
  UniqueFd fd(
      ::openat(dirFd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd) {
    if (errno == ELOOP) return skipped(notRegularReason(S_IFLNK));
    if (errno == ENOENT) return skipped("gone before it was read");
    return failed(errnoText("cannot open", errno));
  }
  if (::fstat(fd.get(), &st) != 0) return failed(errnoText("cannot stat", errno));
  if (!S_ISREG(st.st_mode)) return skipped(notRegularReason(st.st_mode));
  if (st.st_size > static_cast<off_t>(kMaxJobFileBytes)) return skipped(tooLargeReason());
  auto text = readBounded(fd.get());
  if (!text) return text.error();
  auto doc = parseJobDocument(*text);
  if (!doc) return skipped(doc.error());

  const auto status = doc->find("phase_status");
  if (status == doc->end() || !status->is_string() || *status != "running") {
    return {Fate::Untouched, {}};
  }
  (*doc)["phase_status"] = "failed";
  (*doc)["recovery"] = recovery;
  // Strings came through the parser, so they are valid UTF-8; `replace` only makes sure
  // that writing never throws.
  const std::string content = doc->dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  if (auto r = replaceAtomically(dirFd, name, st, content); !r) return failed(r.error());
  return {Fate::Recovered, {}};
}

}  // namespace

JobRecoveryReport recoverInterruptedJobs(const std::string& dir, std::int64_t nowUnix,
                                         const std::string& reason) {
  JobRecoveryReport report;
  const std::string path = absolute(withoutTrailingSlashes(dir));
  // The jobs folder sits in a tree the gateway's container writes: reached through folders
  // only, so a parent swapped for a symlink does not get another folder's jobs rewritten.
  auto opened = openFolderPath(path);
  if (!opened) {
    const PathRefused& why = opened.error();
    if (why.problem == PathProblem::Missing) {
      report.folderMissing = true;
    } else if (why.problem == PathProblem::Symlink && why.at == path) {
      report.errors.push_back({"", notRegularReason(S_IFLNK)});
    } else {
      report.errors.push_back({"", why.message()});
    }
    return report;
  }
  UniqueFd dirFd = std::move(*opened);
  auto names = listNames(dirFd.get());
  if (!names) {
    report.errors.push_back({"", "cannot list: " + names.error().message()});
    return report;
  }
  const Json recovery = {{"recovered_at", isoUtc(nowUnix)},
                         {"reason", reason},
                         {"previous_status", "running"},
                         {"by", kRecoveredBy}};
  for (const auto& name : *names) {
    EntryOutcome outcome = recoverEntry(dirFd.get(), name, recovery);
    switch (outcome.fate) {
      case Fate::Recovered:
        report.recovered.push_back(name);
        break;
      case Fate::Untouched:
        report.untouched.push_back(name);
        break;
      case Fate::Skipped:
        report.skipped.push_back({name, std::move(outcome.reason)});
        break;
      case Fate::Error:
        report.errors.push_back({name, std::move(outcome.reason)});
        break;
    }
  }
  // One fsync makes every rename above durable.  A crash before it can at worst undo some
  // of them, and the next run, which changes only "running" jobs, redoes exactly those.
  if (!report.recovered.empty() && ::fsync(dirFd.get()) != 0) {
    report.errors.push_back({"", errnoText("cannot fsync the folder", errno)});
  }
  return report;
}

}  // namespace openclaw
