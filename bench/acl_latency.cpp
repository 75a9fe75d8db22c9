// Latency from file creation to the ACL being in force, for acl_bench.sh.
//
//   acl_latency DIR [FILES [UID [DEADLINE_MS]]]      (defaults: 200 101000 2000)
//
// DIR is a folder of a tree openclaw-acl-keeper watches, with a default ACL naming UID.
// For each file: t0, create it with mode 0600 (the inherited mask is then empty, so UID has
// no effective rights until the keeper acts), then wait on an inotify watch (IN_ATTRIB on
// DIR) until the access ACL gives UID effective rwx (named entry & mask), t1.  Prints one
// line: files, p50/p99/max in milliseconds over the files that made the deadline, missed.
// Exits 0 when the run completed (misses are a figure, not a failure), 1 on a syscall error,
// 2 on bad arguments.
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "openclaw/handles.h"
#include "openclaw/result.h"

namespace {

using Clock = std::chrono::steady_clock;
using openclaw::AclPtr;
using openclaw::Result;
using openclaw::UniqueFd;

struct LatencyRun {
  std::string dir;
  int files = 200;
  uid_t uid = 101000;
  std::chrono::milliseconds deadline{2000};
};

bool permsAreRwx(acl_entry_t entry) {
  acl_permset_t perms = nullptr;
  if (acl_get_permset(entry, &perms) != 0) return false;
  return acl_get_perm(perms, ACL_READ) == 1 && acl_get_perm(perms, ACL_WRITE) == 1 &&
         acl_get_perm(perms, ACL_EXECUTE) == 1;
}

bool namesUid(acl_entry_t entry, uid_t uid) {
  auto* qualifier = static_cast<uid_t*>(acl_get_qualifier(entry));
  if (qualifier == nullptr) return false;
  const bool same = *qualifier == uid;
  acl_free(qualifier);
  return same;
}

// True when PATH's access ACL gives UID rwx through both its named entry and the mask.
// A file that cannot be read yet (or an ACL without a mask) is simply "not yet".
bool uidHasEffectiveRwx(const std::string& path, uid_t uid) {
  const AclPtr acl(acl_get_file(path.c_str(), ACL_TYPE_ACCESS));
  if (!acl) return false;
  bool named = false;
  bool mask = false;
  acl_entry_t entry = nullptr;
  for (int which = ACL_FIRST_ENTRY; acl_get_entry(acl.get(), which, &entry) == 1;
       which = ACL_NEXT_ENTRY) {
    acl_tag_t tag = ACL_UNDEFINED_TAG;
    if (acl_get_tag_type(entry, &tag) != 0) return false;
    if (tag == ACL_USER && namesUid(entry, uid)) named = permsAreRwx(entry);
    if (tag == ACL_MASK) mask = permsAreRwx(entry);
  }
  return named && mask;
}

// Reads whatever the watch has queued; the events only say "look again".
void drain(int inotifyFd) {
  alignas(inotify_event) std::array<char, 64 * 1024> buf{};
  while (::read(inotifyFd, buf.data(), buf.size()) > 0) {
  }
}

// Milliseconds from creating PATH until UID has rwx on it; no value when the deadline
// passed first; an error when the file cannot be created or the watch cannot be polled.
Result<std::optional<double>> timeOneFile(const LatencyRun& run, int inotifyFd,
                                          const std::string& path) {
  const auto t0 = Clock::now();
  {
    const UniqueFd file(::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600));
    if (!file) return openclaw::fromErrno();
  }
  const auto deadline = t0 + run.deadline;
  while (!uidHasEffectiveRwx(path, run.uid)) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::optional<double>{};
    pollfd pfd{inotifyFd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) return openclaw::fromErrno();
    if (ready > 0) drain(inotifyFd);
  }
  return std::optional<double>{
      std::chrono::duration<double, std::milli>(Clock::now() - t0).count()};
}

// Nearest rank over sorted, non-empty values.
double percentile(const std::vector<double>& sorted, double p) {
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

bool parseArgs(int argc, char** argv, LatencyRun& run) {
  if (argc < 2 || argc > 5) return false;
  run.dir = argv[1];
  char* end = nullptr;
  if (argc > 2) run.files = static_cast<int>(std::strtol(argv[2], &end, 10));
  if (argc > 3) run.uid = static_cast<uid_t>(std::strtoul(argv[3], &end, 10));
  if (argc > 4) run.deadline = std::chrono::milliseconds(std::strtol(argv[4], &end, 10));
  return run.files > 0 && run.deadline.count() > 0;
}

}  // namespace

int main(int argc, char** argv) {
  LatencyRun run;
  if (!parseArgs(argc, argv, run)) {
    std::fprintf(stderr, "usage: acl_latency DIR [FILES [UID [DEADLINE_MS]]]\n");
    return 2;
  }
  const UniqueFd watch(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
  if (!watch || ::inotify_add_watch(watch.get(), run.dir.c_str(), IN_ATTRIB) < 0) {
    std::fprintf(stderr, "acl_latency: inotify on %s: %s\n", run.dir.c_str(), std::strerror(errno));
    return 1;
  }
  std::vector<double> made;
  int missed = 0;
  for (int i = 0; i < run.files; ++i) {
    const std::string path = run.dir + "/latency-" + std::to_string(i);
    const auto ms = timeOneFile(run, watch.get(), path);
    if (!ms) {
      std::fprintf(stderr, "acl_latency: %s: %s\n", path.c_str(), ms.error().message().c_str());
      return 1;
    }
    if (ms.value()) {
      made.push_back(*ms.value());
    } else {
      ++missed;
    }
  }
  std::sort(made.begin(), made.end());
  if (made.empty()) {
    std::printf("files=%d p50_ms=n/a p99_ms=n/a max_ms=n/a missed=%d deadline_ms=%lld\n", run.files,
                missed, static_cast<long long>(run.deadline.count()));
    return 0;
  }
  std::printf("files=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f missed=%d deadline_ms=%lld\n",
              run.files, percentile(made, 0.50), percentile(made, 0.99), made.back(), missed,
              static_cast<long long>(run.deadline.count()));
  return 0;
}
