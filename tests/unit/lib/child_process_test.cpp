// runCommand against real processes: exit codes, captured output, environment, descriptors,
// timeouts that reach grandchildren, and a handle dropped while its child still runs.
#include "openclaw/child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstdlib>
#include <optional>

#include "openclaw/handles.h"
#include "openclaw/systemd_manager_sdbus.h"

namespace openclaw {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Runs one command to completion on its own loop.
class ChildProcess : public ::testing::Test {
 protected:
  CommandResult run(const std::vector<std::string>& argv, const EnvironmentAdditions& env = {},
                    std::chrono::milliseconds timeout = 10s) {
    std::optional<CommandResult> result;
    auto command = runCommand(io_, argv, env, timeout, [&](const CommandResult& r) {
      EXPECT_FALSE(result) << "callback ran twice";
      result = r;
    });
    pid_ = command->pid();
    EXPECT_TRUE(runUntil(
        io_, [&] { return result.has_value(); }, 10s));
    if (result) return *result;
    CommandResult none;
    none.error = "no result";
    return none;
  }

  // True once `pid`, which need not be our child, has exited.
  bool waitForExit(pid_t pid) {
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) return errno == ESRCH;
    boost::asio::posix::stream_descriptor watch(io_, pidfd.release());
    bool exited = false;
    watch.async_wait(boost::asio::posix::descriptor_base::wait_read,
                     [&](const boost::system::error_code& ec) { exited = !ec; });
    if (!runUntil(
            io_, [&] { return exited; }, 5s))
      ::kill(pid, SIGKILL);
    return exited;
  }

  boost::asio::io_context io_;
  pid_t pid_ = 0;
};

TEST_F(ChildProcess, ReportsExitZeroAsOk) {
  const auto result = run({"/bin/sh", "-c", "echo hello"});
  EXPECT_TRUE(result.ok()) << result.describe();
  EXPECT_EQ(result.exitCode, 0);
  EXPECT_EQ(result.output, "hello\n");
  EXPECT_EQ(result.describe(), "exit 0");
}

TEST_F(ChildProcess, CapturesStdoutAndStderrOfAFailingCommand) {
  const auto result = run({"/bin/sh", "-c", "echo first; echo second >&2; exit 3"});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.exitCode, 3);
  EXPECT_EQ(result.output, "first\nsecond\n");
  EXPECT_EQ(result.describe(), "exit 3: first");
}

TEST_F(ChildProcess, FindsACommandOnPath) {
  const auto result = run({"sh", "-c", "exit 0"});
  EXPECT_TRUE(result.ok()) << result.describe();
}

TEST_F(ChildProcess, PassesExtraEnvironmentVariables) {
  const std::vector<std::string> check = {"/bin/sh", "-c", R"(test "$OPENCLAW_CONFIG_PATH" = /x)"};
  EXPECT_TRUE(run(check, {{"OPENCLAW_CONFIG_PATH", "/x"}}).ok());
  EXPECT_EQ(run(check, {{"OPENCLAW_CONFIG_PATH", "/y"}}).exitCode, 1);
}

TEST_F(ChildProcess, LetsAnExtraVariableReplaceAnInheritedOne) {
  ::setenv("OPENCLAW_CHILD_TEST", "inherited", 1);
  const auto result = run({"/bin/sh", "-c", "env | grep ^OPENCLAW_CHILD_TEST="},
                          {{"OPENCLAW_CHILD_TEST", "added"}});
  ::unsetenv("OPENCLAW_CHILD_TEST");
  EXPECT_EQ(result.output, "OPENCLAW_CHILD_TEST=added\n");
}

TEST_F(ChildProcess, GivesTheChildDevNullAsStdinAndNoOtherDescriptorOfOurs) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);  // deliberately without close-on-exec
  UniqueFd readEnd(fds[0]);
  UniqueFd writeEnd(fds[1]);
  const std::string fd = std::to_string(writeEnd.get());
  const auto result =
      run({"/bin/sh", "-c", "readlink /proc/self/fd/0; test ! -e /proc/$$/fd/" + fd});
  EXPECT_TRUE(result.ok()) << result.describe();
  EXPECT_EQ(result.output, "/dev/null\n");
}

TEST_F(ChildProcess, ReportsAMissingExecutableAsAnError) {
  const auto result = run({"/nonexistent/openclaw-tool", "--help"});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error, "cannot execute '/nonexistent/openclaw-tool': No such file or directory");
  EXPECT_EQ(result.describe(), result.error);
  EXPECT_EQ(pid_, 0);
}

TEST_F(ChildProcess, ReportsAnEmptyArgvAsAnError) {
  EXPECT_FALSE(run({}).error.empty());
}

TEST_F(ChildProcess, ReportsASignal) {
  const auto result = run({"/bin/sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(result.signal, SIGTERM);
  EXPECT_FALSE(result.timedOut);
  EXPECT_EQ(result.describe(), "killed by signal 15");
}

TEST_F(ChildProcess, KillsAChildThatOutlivesItsTimeout) {
  const auto started = Clock::now();
  const auto result = run({"sleep", "30"}, {}, 300ms);
  EXPECT_LT(Clock::now() - started, 3s);
  EXPECT_TRUE(result.timedOut);
  EXPECT_EQ(result.signal, SIGKILL);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.describe(), "timed out after 300 ms");
}

TEST_F(ChildProcess, KillsTheWholeProcessGroupOnTimeout) {
  const auto started = Clock::now();
  const auto result = run({"/bin/sh", "-c", "sleep 30 & echo $!; sleep 30"}, {}, 300ms);
  EXPECT_LT(Clock::now() - started, 3s);
  EXPECT_TRUE(result.timedOut);
  const pid_t grandchild = std::atoi(result.output.c_str());
  ASSERT_GT(grandchild, 0) << result.output;
  EXPECT_TRUE(waitForExit(grandchild));
}

TEST_F(ChildProcess, DoesNotWaitForAGrandchildThatKeepsTheOutputOpen) {
  const auto started = Clock::now();
  const auto result = run({"/bin/sh", "-c", "sleep 30 & echo $!; exit 0"});
  EXPECT_LT(Clock::now() - started, 3s);
  EXPECT_TRUE(result.ok()) << result.describe();
  const pid_t grandchild = std::atoi(result.output.c_str());
  ASSERT_GT(grandchild, 0) << result.output;
  ::kill(grandchild, SIGKILL);
}

TEST_F(ChildProcess, KeepsOnlyTheFirstBytesOfALargeOutputAndStillFinishes) {
  const auto result = run({"head", "-c", "100000", "/dev/zero"});
  EXPECT_TRUE(result.ok()) << result.describe();
  EXPECT_EQ(result.output.size(), kMaxCommandOutput);
}

TEST_F(ChildProcess, KillsAndReapsTheChildWhenTheHandleIsDroppedAndNeverCallsBack) {
  bool called = false;
  auto command =
      runCommand(io_, {"sleep", "30"}, {}, 10s, [&](const CommandResult&) { called = true; });
  const pid_t pid = command->pid();
  ASSERT_GT(pid, 0);
  command.reset();
  // Gone entirely (not a zombie) once the loop has reaped it.
  EXPECT_TRUE(runUntil(
      io_, [&] { return ::kill(pid, 0) != 0 && errno == ESRCH; }, 5s));
  io_.poll();
  EXPECT_FALSE(called);
}

TEST_F(ChildProcess, MayDropItsHandleInsideTheCallback) {
  std::unique_ptr<RunningCommand> command;
  bool called = false;
  command = runCommand(io_, {"/bin/true"}, {}, 10s, [&](const CommandResult& result) {
    called = true;
    EXPECT_TRUE(result.ok());
    command.reset();
  });
  EXPECT_TRUE(runUntil(
      io_, [&] { return called; }, 10s));
  EXPECT_EQ(command, nullptr);
}

}  // namespace
}  // namespace openclaw
