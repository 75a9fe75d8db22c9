#include "openclaw/durable_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "temp_folder.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;

class DurableFileTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  testing::TempFolder temp_{"openclaw-durable"};
  const fs::path dir_ = temp_.path();
};

TEST_F(DurableFileTest, AtomicWriteReplacesContentAndLeavesNoTemporaryFiles) {
  const auto p = path("state.json");
  ASSERT_TRUE(atomicWriteFile(p, "one", 0600).ok());
  ASSERT_TRUE(atomicWriteFile(p, "two", 0600).ok());
  EXPECT_EQ(readSmallFile(p, 100).value(), "two");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(DurableFileTest, AtomicWriteReplacesASymlinkInsteadOfWritingThroughIt) {
  const auto victim = path("victim");
  std::ofstream(victim) << "untouched";
  const auto link = path("state.json");
  ASSERT_EQ(::symlink(victim.c_str(), link.c_str()), 0);
  ASSERT_TRUE(atomicWriteFile(link, "new").ok());
  EXPECT_EQ(readSmallFile(victim, 100).value(), "untouched");
  EXPECT_FALSE(fs::is_symlink(link));
}

TEST_F(DurableFileTest, AtomicWriteFailsInAMissingFolder) {
  auto r = atomicWriteFile(path("missing/x"), "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().value(), ENOENT);
}

TEST_F(DurableFileTest, ReadRefusesAFifoWithoutBlocking) {
  const auto fifo = path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto r = readSmallFile(fifo, 100);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("FIFO"), std::string::npos) << r.error();
}

TEST_F(DurableFileTest, ReadRefusesAFileOverTheBound) {
  const auto big = path("big");
  std::ofstream(big) << std::string(101, 'x');
  auto r = readSmallFile(big, 100);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("larger than 100"), std::string::npos);
}

TEST_F(DurableFileTest, StateFileStartsEmptyThenRoundTrips) {
  StateFile state(path("s.json"));
  auto empty = state.load();
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  ASSERT_TRUE(state.save({{"restores", 2}}).ok());
  EXPECT_EQ(state.load().value()["restores"], 2);
}

TEST_F(DurableFileTest, StateFileReportsACorruptFileInsteadOfSilentlyResetting) {
  std::ofstream(path("s.json")) << "{\"restores\": ";
  StateFile state(path("s.json"));
  EXPECT_FALSE(state.load().ok());
}

}  // namespace
}  // namespace openclaw
