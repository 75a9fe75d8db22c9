// Runs a function in a child process that has a user namespace of its own, with every id
// mapped to itself.  There the kernel's per-user limits under /proc/sys/user (inotify watches
// and instances among them) are the namespace root's to set, so a test can make them small
// without touching the machine's.  Mapping every id needs root: callers skip without it.
#pragma once

#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <string>

namespace openclaw::testing {

// Why a test that needs its own user namespace cannot have one here, or "" when it can:
// mapping every id needs root, and the kernel refuses unshare(CLONE_NEWUSER) to a process
// with threads, which every forked child of a ThreadSanitizer build has (its runtime starts
// one).
inline const char* userNamespaceUnavailable() {
#if defined(__SANITIZE_THREAD__)
  return "a ThreadSanitizer build's children have a thread: no user namespace for them";
#else
  return ::geteuid() != 0 ? "needs root to map ids into a user namespace" : "";
#endif
}

// The child's exit status: what `body` returned, or 100+ when the namespace could not be
// made, or -1 when the child did not exit normally.
inline int runInOwnUserNamespace(const std::function<int()>& body) {
  int toChild[2];
  int toParent[2];
  if (::pipe(toChild) != 0) return -1;
  if (::pipe(toParent) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    char c = 0;
    ::close(toParent[0]);
    ::close(toChild[1]);
    if (::unshare(CLONE_NEWUSER) != 0) ::_exit(100);
    if (::write(toParent[1], "u", 1) != 1 || ::read(toChild[0], &c, 1) != 1) ::_exit(101);
    ::_exit(body());
  }
  // Only the child holds these ends now: a child that exits early ends the read below.
  ::close(toParent[1]);
  ::close(toChild[0]);
  char c = 0;
  if (::read(toParent[0], &c, 1) == 1) {
    const std::string proc = "/proc/" + std::to_string(pid);
    std::ofstream(proc + "/uid_map") << "0 0 4294967295";
    std::ofstream(proc + "/gid_map") << "0 0 4294967295";
    if (::write(toChild[1], "m", 1) != 1) {
      // Nothing to do: unanswered, the child exits with 101.
    }
  }
  int status = 0;
  const pid_t waited = ::waitpid(pid, &status, 0);
  ::close(toChild[1]);
  ::close(toParent[0]);
  if (waited != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// In such a namespace: sets /proc/sys/user/<name> (for instance "max_inotify_watches").
inline bool setUserLimit(const std::string& name, int value) {
  std::ofstream limit("/proc/sys/user/" + name);
  limit << value;
  return static_cast<bool>(limit.flush());
}

}  // namespace openclaw::testing
