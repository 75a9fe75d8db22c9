#include "openclaw/job_recovery.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "temp_folder.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;

// 2023-11-14T22:13:20Z: a fixed clock, so the metadata can be compared exactly.
constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kReason = "test crash";
constexpr const char* kRunningJob =
    R"({"id":"job-1","phase_status":"running","phase":"deploy","attempts":2,"log":["a","b"]})";

class JobRecoveryTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& content, mode_t mode = 0644) const {
    std::ofstream(path(name), std::ios::binary) << content;
    ASSERT_EQ(::chmod(path(name).c_str(), mode), 0);
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  struct stat statOf(const std::string& name) const {
    struct stat st {};
    EXPECT_EQ(::lstat(path(name).c_str(), &st), 0) << name;
    return st;
  }
  JobRecoveryReport recover() const { return recoverInterruptedJobs(dir_.string(), kNow, kReason); }

  testing::TempFolder temp_{"openclaw-jobs"};
  const fs::path dir_ = temp_.path();
};

TEST_F(JobRecoveryTest, RunningJobBecomesFailedWithRecoveryMetadataAndKeepsOtherKeys) {
  write("job-1.json", kRunningJob);
  const auto report = recover();
  EXPECT_EQ(report.recovered, std::vector<std::string>{"job-1.json"});
  EXPECT_TRUE(report.errors.empty());

  const auto doc = nlohmann::json::parse(read("job-1.json"));
  EXPECT_EQ(doc["phase_status"], "failed");
  EXPECT_EQ(doc["recovery"]["recovered_at"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(doc["recovery"]["reason"], kReason);
  EXPECT_EQ(doc["recovery"]["previous_status"], "running");
  EXPECT_EQ(doc["recovery"]["by"], "openclaw-agentctl recover-jobs");
  EXPECT_EQ(doc["id"], "job-1");
  EXPECT_EQ(doc["phase"], "deploy");
  EXPECT_EQ(doc["attempts"], 2);
  EXPECT_EQ(doc["log"], nlohmann::json({"a", "b"}));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1)
      << "a temporary file was left behind";
}

TEST_F(JobRecoveryTest, CompletedJobIsLeftByteForByteWithItsMtime) {
  const std::string completed = R"({ "id": "job-2", "phase_status": "completed" })";
  write("job-2.json", completed);
  const timespec old[2] = {{1'600'000'000, 0}, {1'600'000'000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path("job-2.json").c_str(), old, 0), 0);
  const auto before = statOf("job-2.json");

  const auto report = recover();
  EXPECT_EQ(report.untouched, std::vector<std::string>{"job-2.json"});
  EXPECT_EQ(read("job-2.json"), completed);
  const auto after = statOf("job-2.json");
  EXPECT_EQ(after.st_ino, before.st_ino);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
}

TEST_F(JobRecoveryTest, FileThatIsNotJsonIsReportedAndLeftAlone) {
  write("broken.json", R"({"phase_status":"running",)");
  write("list.json", R"(["phase_status", "running"])");
  const auto report = recover();
  ASSERT_EQ(report.skipped.size(), 2u);
  EXPECT_EQ(report.skipped[0].file, "broken.json");
  EXPECT_EQ(report.skipped[0].reason, "not valid JSON");
  EXPECT_EQ(report.skipped[1].reason, "not a JSON object");
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(read("broken.json"), R"({"phase_status":"running",)");
}

TEST_F(JobRecoveryTest, SymlinkToARunningJobOutsideTheFolderIsNotFollowed) {
  char outside[] = "/tmp/openclaw-jobs-outside-XXXXXX";
  ASSERT_NE(::mkdtemp(outside), nullptr);
  const std::string target = std::string(outside) + "/victim.json";
  std::ofstream(target) << kRunningJob;
  ASSERT_EQ(::symlink(target.c_str(), path("x.json").c_str()), 0);

  const auto report = recover();
  std::ifstream in(target);
  const std::string content((std::istreambuf_iterator<char>(in)), {});
  fs::remove_all(outside);
  EXPECT_EQ(content, kRunningJob);
  EXPECT_TRUE(report.recovered.empty());
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_EQ(report.skipped[0].reason, "a symlink; not followed");
  EXPECT_TRUE(fs::is_symlink(path("x.json")));
}

TEST_F(JobRecoveryTest, FifoNamedLikeAJobDoesNotBlock) {
  ASSERT_EQ(::mkfifo(path("y.json").c_str(), 0600), 0);
  write("job-1.json", kRunningJob);
  auto run = std::async(std::launch::async, [this] { return recover(); });
  if (run.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    // Give the blocked reader a writer so the test ends with a failure instead of hanging.
    const int unblock = ::open(path("y.json").c_str(), O_WRONLY | O_NONBLOCK);
    if (unblock >= 0) ::close(unblock);
    FAIL() << "recovery blocked on a FIFO";
  }
  const auto report = run.get();
  EXPECT_EQ(report.recovered, std::vector<std::string>{"job-1.json"});
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_EQ(report.skipped[0].reason, "a FIFO; not opened");
}

TEST_F(JobRecoveryTest, PermissionBitsAreKept) {
  write("job-1.json", kRunningJob, 0640);
  ASSERT_EQ(recover().recovered.size(), 1u);
  EXPECT_EQ(statOf("job-1.json").st_mode & 07777, 0640u);
}

TEST_F(JobRecoveryTest, OwnerIsKeptWhenTheGatewayRunsAsAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a file to another user needs root";
  write("job-1.json", kRunningJob, 0600);
  ASSERT_EQ(::chown(path("job-1.json").c_str(), 65534, 65534), 0);
  ASSERT_EQ(recover().recovered.size(), 1u);
  const auto st = statOf("job-1.json");
  EXPECT_EQ(st.st_uid, 65534u);
  EXPECT_EQ(st.st_gid, 65534u);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(JobRecoveryTest, SecondRunChangesNothing) {
  write("job-1.json", kRunningJob);
  write("job-2.json", R"({"phase_status":"done"})");
  ASSERT_EQ(recover().recovered.size(), 1u);
  const std::string once = read("job-1.json");
  const auto st = statOf("job-1.json");

  const auto again = recoverInterruptedJobs(dir_.string(), kNow + 3600, kReason);
  EXPECT_TRUE(again.recovered.empty());
  EXPECT_TRUE(again.errors.empty());
  EXPECT_EQ(again.untouched.size(), 2u);
  EXPECT_EQ(read("job-1.json"), once);
  EXPECT_EQ(statOf("job-1.json").st_ino, st.st_ino);
}

TEST_F(JobRecoveryTest, MissingFolderIsNothingToRecover) {
  const auto report = recoverInterruptedJobs(path("absent"), kNow, kReason);
  EXPECT_TRUE(report.folderMissing);
  EXPECT_TRUE(report.errors.empty());
}

TEST_F(JobRecoveryTest, FolderThatIsASymlinkIsRefused) {
  write("job-1.json", kRunningJob);
  const std::string link = dir_.string() + "-link";
  ASSERT_EQ(::symlink(dir_.c_str(), link.c_str()), 0);
  const auto report = recoverInterruptedJobs(link + "/", kNow, kReason);
  ::unlink(link.c_str());
  EXPECT_FALSE(report.folderMissing);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].reason, "a symlink; not followed");
  EXPECT_EQ(read("job-1.json"), kRunningJob);
}

TEST_F(JobRecoveryTest, AFolderBehindASymlinkedParentIsRefusedAndLeftAlone) {
  write("job-1.json", kRunningJob);
  const std::string parent = dir_.string() + "-parent";
  ASSERT_EQ(::symlink(dir_.parent_path().c_str(), parent.c_str()), 0);
  const std::string through = parent + "/" + dir_.filename().string();
  const auto report = recoverInterruptedJobs(through, kNow, kReason);
  ::unlink(parent.c_str());
  EXPECT_FALSE(report.folderMissing);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].reason, parent + " is a symlink: not followed");
  EXPECT_EQ(read("job-1.json"), kRunningJob);
}

TEST_F(JobRecoveryTest, OnlyJsonNamesAreReadAndSubfoldersAreNotEntered) {
  write("job.txt", kRunningJob);
  ASSERT_TRUE(fs::create_directory(dir_ / "nested"));
  std::ofstream(dir_ / "nested" / "job.json") << kRunningJob;
  const auto report = recover();
  EXPECT_TRUE(report.recovered.empty());
  EXPECT_EQ(read("job.txt"), kRunningJob);
  EXPECT_EQ(read("nested/job.json"), kRunningJob);
}

TEST_F(JobRecoveryTest, OversizedAndDeeplyNestedFilesAreSkipped) {
  write("huge.json", std::string(kMaxJobFileBytes + 1, ' '));
  write("deep.json",
        R"({"phase_status":"running","x":)" + std::string(100, '[') + std::string(100, ']') + "}");
  const auto report = recover();
  ASSERT_EQ(report.skipped.size(), 2u);
  EXPECT_EQ(report.skipped[0].file, "deep.json");
  EXPECT_EQ(report.skipped[0].reason, "nested deeper than 64 levels");
  EXPECT_EQ(report.skipped[1].file, "huge.json");
  EXPECT_NE(report.skipped[1].reason.find("larger than"), std::string::npos);
  EXPECT_TRUE(report.recovered.empty());
}

TEST_F(JobRecoveryTest, AFileOfCountlessKeysIsSkippedInLinearTime) {
  // 4 MiB of distinct keys: an ordered object would scan them all for each insert (minutes).
  std::string many = R"({"phase_status":"running")";
  for (int i = 0; many.size() < kMaxJobFileBytes - 32; ++i)
    many += ",\"k" + std::to_string(i) + "\":1";
  many += "}";
  write("many-keys.json", many);
  const auto report = recover();
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_EQ(report.skipped[0].reason, "more than 10000 keys");
  EXPECT_TRUE(report.recovered.empty());
}

}  // namespace
}  // namespace openclaw
