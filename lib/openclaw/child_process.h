// Runs one command as a child process, asynchronously on an io_context: no thread, no
// blocking wait, no polling.
//
// The command is an argv vector (no shell), looked up on PATH when it has no slash.  Its
// environment is the current one with `extraEnv` added (a name given there replaces the
// inherited value).  The child gets its own process group, stdin from /dev/null, stdout and
// stderr on one pipe, and no other descriptor of ours.  The first kMaxCommandOutput bytes of
// that output are kept; the rest is read and dropped so the child never blocks on a full pipe.
//
// `done` runs exactly once, on `io`, after the child has been reaped and its output has
// reached end of file; a grandchild that keeps the pipe open delays it by a short grace
// only.  When `timeout` passes first, the whole process group gets SIGKILL and the result
// says `timedOut`.  Destroying the handle before `done` ran kills the group the same way,
// drops `done`, and still reaps the child on `io`: no zombie is left behind.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace openclaw {

// Enough for an error message or a short report; a probe is not a log collector.
constexpr std::size_t kMaxCommandOutput = 4096;

struct CommandResult {
  int exitCode = -1;      // set when the child exited normally
  int signal = 0;         // set when a signal ended it
  bool timedOut = false;  // we killed it because the timeout passed
  std::chrono::milliseconds timeout{0};
  std::string output;  // the first kMaxCommandOutput bytes of stdout and stderr together
  std::string error;   // it could not be started, e.g. "cannot execute 'x': No such file ..."

  bool ok() const { return error.empty() && !timedOut && signal == 0 && exitCode == 0; }
  // One line: "exit 0", "exit 3: <first output line>", "timed out after 5 s",
  // "killed by signal 9", "cannot execute ...".
  std::string describe() const;
};

using CommandCallback = std::function<void(const CommandResult&)>;
using EnvironmentAdditions = std::vector<std::pair<std::string, std::string>>;

class CommandRun;

// Owns a started command; see the contract above for what destroying it does.
class RunningCommand {
 public:
  explicit RunningCommand(std::shared_ptr<CommandRun> run) : run_(std::move(run)) {}
  RunningCommand(const RunningCommand&) = delete;
  RunningCommand& operator=(const RunningCommand&) = delete;
  ~RunningCommand();

  // The child's pid, which is also its process group; 0 when it never started.
  pid_t pid() const;

 private:
  std::shared_ptr<CommandRun> run_;
};

std::unique_ptr<RunningCommand> runCommand(boost::asio::io_context& io,
                                           const std::vector<std::string>& argv,
                                           const EnvironmentAdditions& extraEnv,
                                           std::chrono::milliseconds timeout, CommandCallback done);

}  // namespace openclaw
