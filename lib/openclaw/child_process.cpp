#include "openclaw/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "openclaw/handles.h"
#include "openclaw/result.h"

extern char** environ;

namespace openclaw {
namespace {

// A grandchild that keeps the pipe open (a daemon forked off) must not hold the answer back
// for long once the child itself has exited; output written after this is not awaited.
constexpr std::chrono::milliseconds kOutputGraceAfterExit{200};
// The first output line quoted by describe(); a longer one is not a summary.
constexpr std::size_t kMaxQuotedLine = 200;

// argv or envp as posix_spawn wants them; the pointers live as long as this.
class CStringArray {
 public:
  explicit CStringArray(std::vector<std::string> items) : items_(std::move(items)) {
    for (auto& item : items_) pointers_.push_back(item.data());
    pointers_.push_back(nullptr);
  }
  char* const* get() const { return pointers_.data(); }

 private:
  std::vector<std::string> items_;
  std::vector<char*> pointers_;
};

std::vector<std::string> childEnvironment(const EnvironmentAdditions& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto name = text.substr(0, text.find('='));
    const bool replaced = std::any_of(extra.begin(), extra.end(),
                                      [&](const auto& added) { return added.first == name; });
    if (!replaced) env.emplace_back(text);
  }
  for (const auto& [name, value] : extra) {
    env.push_back(std::string(name).append("=").append(value));
  }
  return env;
}

// posix_spawn rather than fork: glibc reports a failed exec as the return value (no error
// pipe needed) and shares the address space until exec, which is cheap from a big daemon.
Result<pid_t> spawnChild(const std::vector<std::string>& argv, const EnvironmentAdditions& extra,
                         int outputFd) {
  const CStringArray args(argv);
  const CStringArray env(childEnvironment(extra));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, outputFd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, outputFd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // Ours are close-on-exec already; this also covers any a library opened without it.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);

  // exec keeps blocked and ignored signals (a daemon often ignores SIGPIPE); the child
  // should start from the defaults.  Its own process group lets a kill reach grandchildren.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = 0;
  const int err = ::posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, args.get(), env.get());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return fromErrno(err);
  return pid;
}

std::string formatDuration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

}  // namespace

std::string CommandResult::describe() const {
  if (!error.empty()) return error;
  if (timedOut) return "timed out after " + formatDuration(timeout);
  if (signal != 0) return "killed by signal " + std::to_string(signal);
  std::string text = "exit " + std::to_string(exitCode);
  if (exitCode == 0) return text;
  std::string line = output.substr(0, std::min(output.find('\n'), kMaxQuotedLine));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (!line.empty()) text += ": " + line;
  return text;
}

// The state of one command; pending handlers keep it alive until the child is reaped.
class CommandRun : public std::enable_shared_from_this<CommandRun> {
 public:
  CommandRun(boost::asio::io_context& io, std::chrono::milliseconds timeout, CommandCallback done)
      : pidfd_(io), output_(io), timer_(io), done_(std::move(done)) {
    result_.timeout = timeout;
  }
  CommandRun(const CommandRun&) = delete;
  CommandRun& operator=(const CommandRun&) = delete;

  // Only reached with the child unreaped when the io_context is destroyed while it runs:
  // this is the last chance to avoid a zombie, and after SIGKILL the wait is short.
  ~CommandRun() {
    if (pid_ <= 0 || reaped_) return;
    killGroup();
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }

  void start(const std::vector<std::string>& argv, const EnvironmentAdditions& extraEnv) {
    if (argv.empty()) return failToStart("cannot execute an empty command");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      return failToStart(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    UniqueFd readEnd(fds[0]);
    UniqueFd writeEnd(fds[1]);
    auto pid = spawnChild(argv, extraEnv, writeEnd.get());
    if (!pid) return failToStart("cannot execute '" + argv[0] + "': " + pid.error().message());
    pid_ = *pid;
    // End of file must come when the child's copies close, so ours goes now.
    writeEnd.reset();

    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
    if (!pidfd) {
      // Nothing to wait on without a pidfd (kernels before 5.3): give up on this child and
      // reap it here, which SIGKILL makes prompt, rather than leave a zombie.
      const int err = errno;
      killGroup();
      while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
      reaped_ = true;
      return failToStart("cannot watch process " + std::to_string(pid_) + ": " +
                         std::strerror(err));
    }
    pidfd_.assign(pidfd.release());
    output_.assign(readEnd.release());
    watchExit();
    readOutput();
    armTimer(result_.timeout);
  }

  // The owner is gone: nobody wants the result, and the child should not outlive it.
  void abandon() {
    done_ = nullptr;
    if (finished_) return;
    if (pid_ > 0 && !reaped_) killGroup();
    boost::system::error_code ignored;
    output_.close(ignored);
    outputDone_ = true;
    timer_.cancel();
  }

  pid_t pid() const { return pid_; }

 private:
  void failToStart(std::string why) {
    result_.error = std::move(why);
    // `done` runs on the loop even now, never inside runCommand().
    boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->finish(); });
  }

  void watchExit() {
    pidfd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                      [self = shared_from_this()](const boost::system::error_code& ec) {
                        if (!ec) self->onExit();
                      });
  }

  void onExit() {
    int status = 0;
    const pid_t got = ::waitpid(pid_, &status, WNOHANG);
    if (got == 0) return watchExit();
    reaped_ = true;
    if (got < 0) {
      // Only when something else reaps our children (SIGCHLD set to SIG_IGN).
      result_.error = "lost process " + std::to_string(pid_) + ": " + std::strerror(errno);
    } else if (WIFEXITED(status)) {
      result_.exitCode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result_.signal = WTERMSIG(status);
    }
    boost::system::error_code ignored;
    pidfd_.close(ignored);
    if (outputDone_) return finish();
    armTimer(kOutputGraceAfterExit);
  }

  void readOutput() {
    output_.async_read_some(boost::asio::buffer(chunk_),
                            [self = shared_from_this()](const boost::system::error_code& ec,
                                                        std::size_t n) { self->onOutput(ec, n); });
  }

  void onOutput(const boost::system::error_code& ec, std::size_t n) {
    const std::size_t room = kMaxCommandOutput - result_.output.size();
    result_.output.append(chunk_.data(), std::min(n, room));
    if (!ec) return readOutput();
    // End of file, or we closed it; either way nothing more is coming.
    outputDone_ = true;
    if (reaped_) finish();
  }

  // One timer serves twice: before exit it is the timeout, after exit the output grace.
  void armTimer(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      if (self->reaped_) return self->finish();
      self->result_.timedOut = true;
      self->killGroup();
    });
  }

  void killGroup() { ::kill(-pid_, SIGKILL); }

  void finish() {
    if (finished_) return;
    finished_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    output_.close(ignored);
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(result_);
  }

  boost::asio::posix::stream_descriptor pidfd_;
  boost::asio::posix::stream_descriptor output_;
  boost::asio::steady_timer timer_;
  CommandCallback done_;
  CommandResult result_;
  std::array<char, kMaxCommandOutput> chunk_{};
  pid_t pid_ = 0;
  bool reaped_ = false;
  bool outputDone_ = false;
  bool finished_ = false;
};

RunningCommand::~RunningCommand() {
  run_->abandon();
}

pid_t RunningCommand::pid() const {
  return run_->pid();
}

std::unique_ptr<RunningCommand> runCommand(boost::asio::io_context& io,
                                           const std::vector<std::string>& argv,
                                           const EnvironmentAdditions& extraEnv,
                                           std::chrono::milliseconds timeout,
                                           CommandCallback done) {
  auto run = std::make_shared<CommandRun>(io, timeout, std::move(done));
  run->start(argv, extraEnv);
  return std::make_unique<RunningCommand>(std::move(run));
}

}  // namespace openclaw
