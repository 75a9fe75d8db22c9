// safe_path: configured folders reached without following a symlink in any component, each
// case both ways (openat2 where this kernel has it, and the openat walk the units' seccomp
// filter leaves).
#include "openclaw/safe_path.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <filesystem>
#include <fstream>

#include "own_user_namespace.h"

namespace openclaw {
namespace {

namespace fs = std::filesystem;
using Resolver = PathRules::Resolver;

class ASafePath : public ::testing::TestWithParam<Resolver> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-safepath-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    fs::create_directories(base_ + "/agents/main/sessions");
    fs::create_directories(base_ + "/decoy/sessions");
    std::ofstream(base_ + "/decoy/sessions/old") << "x";
    rules_.resolver = GetParam();
    if (GetParam() == Resolver::Auto && !kernelHasOpenat2()) {
      GTEST_SKIP() << "openat2 is missing or filtered here: the walk is all there is";
    }
  }
  void TearDown() override { fs::remove_all(base_); }

  static bool kernelHasOpenat2() {
    struct open_how how = {};
    how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS;
    UniqueFd fd(static_cast<int>(::syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how)));
    return fd.valid();
  }
  // The inode a descriptor is open on, and the one a path names (not following it).
  static ino_t inodeOf(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
  }
  static ino_t inodeAt(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
  }
  void expectRefused(const PathResult<UniqueFd>& r, PathProblem problem, const std::string& at) {
    ASSERT_FALSE(r.ok()) << "opened " << at;
    EXPECT_EQ(r.error().problem, problem) << r.error().message();
    EXPECT_EQ(r.error().at, at) << r.error().message();
  }

  std::string base_;
  PathRules rules_;
};

TEST_P(ASafePath, OpensAFolderReachedOnlyThroughFolders) {
  auto fd = openFolderPath(base_ + "/agents/main/sessions", rules_);
  ASSERT_TRUE(fd.ok()) << fd.error().message();
  EXPECT_EQ(inodeOf(fd->get()), inodeAt(base_ + "/agents/main/sessions"));
  // Repeated slashes and "." are only spelling.
  auto same = openFolderPath(base_ + "//agents/./main/sessions/", rules_);
  ASSERT_TRUE(same.ok()) << same.error().message();
  EXPECT_EQ(inodeOf(same->get()), inodeOf(fd->get()));
  // Listable: the descriptor is the folder itself, opened for reading.
  EXPECT_EQ(::fcntl(fd->get(), F_GETFL) & O_ACCMODE, O_RDONLY);
  // The kernel's way is really taken when it has openat2.
  if (GetParam() == Resolver::Auto) {
    EXPECT_TRUE(kernelResolvesPaths());
  }
}

// The container swaps a parent of the configured folder for a symlink to a folder of the
// same shape elsewhere: the configured path now leads there.
TEST_P(ASafePath, RefusesASymlinkInAMiddleComponent) {
  fs::rename(base_ + "/agents/main", base_ + "/agents/main.old");
  ASSERT_EQ(::symlink((base_ + "/decoy").c_str(), (base_ + "/agents/main").c_str()), 0);
  expectRefused(openFolderPath(base_ + "/agents/main/sessions", rules_), PathProblem::Symlink,
                base_ + "/agents/main");
}

TEST_P(ASafePath, RefusesASymlinkAsTheLastComponent) {
  fs::remove(base_ + "/agents/main/sessions");
  ASSERT_EQ(
      ::symlink((base_ + "/decoy/sessions").c_str(), (base_ + "/agents/main/sessions").c_str()), 0);
  expectRefused(openFolderPath(base_ + "/agents/main/sessions", rules_), PathProblem::Symlink,
                base_ + "/agents/main/sessions");
}

TEST_P(ASafePath, RefusesASymlinkToTheRoot) {
  ASSERT_EQ(::symlink("/", (base_ + "/agents/up").c_str()), 0);
  expectRefused(openFolderPath(base_ + "/agents/up/etc", rules_), PathProblem::Symlink,
                base_ + "/agents/up");
  expectRefused(openFolderPath(base_ + "/agents/up", rules_), PathProblem::Symlink,
                base_ + "/agents/up");
}

TEST_P(ASafePath, RefusesDotDotInsteadOfResolvingIt) {
  expectRefused(openFolderPath(base_ + "/agents/main/../../decoy/sessions", rules_),
                PathProblem::DotDot, base_ + "/agents/main/..");
}

// Opening a FIFO for reading would block until a writer came: ctest's timeout would fail it.
TEST_P(ASafePath, RefusesAFifoAsAComponentWithoutOpeningIt) {
  ASSERT_EQ(::mkfifo((base_ + "/agents/pipe").c_str(), 0600), 0);
  expectRefused(openFolderPath(base_ + "/agents/pipe", rules_), PathProblem::NotAFolder,
                base_ + "/agents/pipe");
  expectRefused(openFolderPath(base_ + "/agents/pipe/sessions", rules_), PathProblem::NotAFolder,
                base_ + "/agents/pipe");
}

TEST_P(ASafePath, NamesTheFirstMissingComponent) {
  expectRefused(openFolderPath(base_ + "/agents/nobody/sessions", rules_), PathProblem::Missing,
                base_ + "/agents/nobody");
}

TEST_P(ASafePath, RefusesARelativeConfiguredPath) {
  expectRefused(openFolderPath("tmp/x", rules_), PathProblem::NotAbsolute, "tmp/x");
}

TEST_P(ASafePath, BelowAFolderStaysInIt) {
  auto root = openFolderPath(base_, rules_);
  ASSERT_TRUE(root.ok()) << root.error().message();
  auto fd = openFolderBelow(root->get(), "agents/main/sessions", rules_);
  ASSERT_TRUE(fd.ok()) << fd.error().message();
  EXPECT_EQ(inodeOf(fd->get()), inodeAt(base_ + "/agents/main/sessions"));
  auto self = openFolderBelow(root->get(), "", rules_);
  ASSERT_TRUE(self.ok()) << self.error().message();
  EXPECT_EQ(inodeOf(self->get()), inodeAt(base_));
  expectRefused(openFolderBelow(root->get(), "agents/../..", rules_), PathProblem::DotDot,
                "agents/..");
  expectRefused(openFolderBelow(root->get(), "/etc", rules_), PathProblem::NotRelative, "/etc");
  fs::rename(base_ + "/agents/main", base_ + "/agents/main.old");
  ASSERT_EQ(::symlink((base_ + "/decoy").c_str(), (base_ + "/agents/main").c_str()), 0);
  expectRefused(openFolderBelow(root->get(), "agents/main/sessions", rules_), PathProblem::Symlink,
                "agents/main");
}

// A tmpfs and a bind mount of this very filesystem inside the tree, in a mount namespace of
// the test's own: entered when mounts may be crossed, refused (naming the mount point) when
// the rules say to stay on one mount.
TEST_P(ASafePath, RefusesAMountCrossingWhenAskedTo) {
  if (const char* why = openclaw::testing::userNamespaceUnavailable(); *why != '\0') {
    GTEST_SKIP() << why;
  }
  fs::create_directories(base_ + "/agents/tmpfs");
  fs::create_directories(base_ + "/agents/bind");
  const PathRules rules = rules_;
  const std::string base = base_;
  const int code = openclaw::testing::runInOwnUserNamespace([&] {
    if (::unshare(CLONE_NEWNS) != 0) return 10;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 11;
    if (::mount("tmpfs", (base + "/agents/tmpfs").c_str(), "tmpfs", 0, nullptr) != 0) return 12;
    if (::mkdir((base + "/agents/tmpfs/x").c_str(), 0700) != 0) return 13;
    if (::mount((base + "/decoy").c_str(), (base + "/agents/bind").c_str(), nullptr, MS_BIND,
                nullptr) != 0) {
      return 14;
    }
    auto root = openFolderPath(base, rules);
    if (!root) return 15;
    PathRules crossing = rules;
    crossing.sameMount = false;
    if (!openFolderBelow(root->get(), "agents/tmpfs/x", crossing)) return 16;
    if (!openFolderBelow(root->get(), "agents/bind/sessions", crossing)) return 17;
    PathRules staying = rules;
    staying.sameMount = true;
    auto tmpfs = openFolderBelow(root->get(), "agents/tmpfs/x", staying);
    if (tmpfs || tmpfs.error().problem != PathProblem::OtherMount) return 18;
    if (tmpfs.error().at != "agents/tmpfs") return 19;
    auto bind = openFolderBelow(root->get(), "agents/bind/sessions", staying);
    if (bind || bind.error().problem != PathProblem::OtherMount) return 20;
    if (bind.error().at != "agents/bind") return 21;
    // The folder's own mount is fine: "agents/main" is on it.
    if (!openFolderBelow(root->get(), "agents/main", staying)) return 22;
    return 0;
  });
  EXPECT_EQ(code, 0) << "a check failed in the child (see the code's return in the test)";
}

INSTANTIATE_TEST_SUITE_P(BothWays, ASafePath, ::testing::Values(Resolver::Auto, Resolver::Walk),
                         [](const ::testing::TestParamInfo<Resolver>& info) {
                           return info.param == Resolver::Auto ? "Kernel" : "Walk";
                         });

TEST(ARefusedPath, IsSaidOnceUntilItsReasonChangesOrItResolves) {
  RefusalNotice notice;
  const PathRefused symlink{PathProblem::Symlink, "/srv/agents/main", {}};
  const PathRefused missing{PathProblem::Missing, "/srv/agents/main", {}};
  EXPECT_TRUE(notice.refused(symlink));
  EXPECT_FALSE(notice.refused(symlink));
  EXPECT_FALSE(notice.refused(symlink));
  EXPECT_TRUE(notice.refused(missing));
  EXPECT_FALSE(notice.refused(missing));
  EXPECT_TRUE(notice.resolved());
  EXPECT_FALSE(notice.resolved());
  EXPECT_TRUE(notice.refused(missing));
}

TEST(ARefusedPath, SaysWhichComponentAndWhyWithoutControlCharacters) {
  EXPECT_EQ((PathRefused{PathProblem::Symlink, "/srv/a\nb", {}}.message()),
            "/srv/a?b is a symlink: not followed");
  EXPECT_EQ((PathRefused{PathProblem::OtherMount, "/srv/m", {}}.message()),
            "/srv/m is on another mount: not entered");
}

}  // namespace
}  // namespace openclaw
