// acl-keeper: the ACL policy on plain lists, then the walk on a real folder (ACLs on the
// test's own files need no privilege), then the service's inotify path on a real loop.
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "acl_keeper_config.h"
#include "acl_keeper_service.h"
#include "acl_policy.h"
#include "acl_tree.h"
#include "captured_log.h"
#include "folder_index.h"
#include "openclaw/events.h"
#include "openclaw/notifier.h"
#include "own_user_namespace.h"
#include "watch_budget.h"

namespace openclaw::aclkeeper {
namespace {

AclEntrySpec entry(const char* text) {
  auto e = parseAclEntry(text);
  EXPECT_TRUE(e.has_value()) << text;
  return e.value_or(AclEntrySpec{});
}

const std::vector<AclEntrySpec> kRule{entry("u:101000:rwx")};

TEST(AclPolicy, AddsTheEntryAndAMaskThatMakesItEffective) {
  const auto want = wantedAccess(aclFromMode(0644), kRule, false);
  EXPECT_EQ(toText(want), "u::rw-,u:101000:rwx,g::r--,m::rwx,o::r--");
}

TEST(AclPolicy, AnAlreadyRightAclIsWantedAsItIs) {
  const auto once = wantedAccess(aclFromMode(0640), kRule, false);
  EXPECT_EQ(wantedAccess(once, kRule, false), once);
}

TEST(AclPolicy, KeepsUnrelatedEntriesAndCountsThemInTheMask) {
  AclList current = aclFromMode(0600);
  current.push_back({AclKind::Group, 50, 4});
  current.push_back({AclKind::Mask, 0, 4});
  normalize(current);
  const auto want = wantedAccess(current, {entry("u:101000:r")}, false);
  EXPECT_EQ(toText(want), "u::rw-,u:101000:r--,g::---,g:50:r--,m::r--,o::---");
}

TEST(AclPolicy, RestoresAMaskThatChmodShrank) {
  // chmod 600 on a file that had u:101000:rwx leaves the entry but an empty mask.
  AclList shrunk = wantedAccess(aclFromMode(0640), kRule, false);
  for (auto& item : shrunk) {
    if (item.kind == AclKind::Mask) item.perms = 0;
  }
  const auto want = wantedAccess(shrunk, kRule, false);
  EXPECT_NE(want, shrunk);
  EXPECT_EQ(toText(want), "u::rw-,u:101000:rwx,g::r--,m::rwx,o::---");
}

TEST(AclPolicy, AnExplicitMaskInTheRuleIsKept) {
  const auto want = wantedAccess(aclFromMode(0644), {entry("u:101000:rwx"), entry("m::r")}, false);
  EXPECT_EQ(toText(want), "u::rw-,u:101000:rwx,g::r--,m::r--,o::r--");
}

TEST(AclPolicy, OwnerAndOtherEntriesSetTheBaseEntries) {
  const auto want = wantedAccess(aclFromMode(0644), {entry("u::rwx"), entry("o::---")}, false);
  EXPECT_EQ(toText(want), "u::rwx,g::r--,o::---");
}

TEST(AclPolicy, CapitalXIsExecuteOnlyForFoldersAndFilesTheOwnerMayExecute) {
  const std::vector<AclEntrySpec> rule{entry("u:101000:rwX")};
  EXPECT_EQ(toText(wantedAccess(aclFromMode(0644), rule, false)),
            "u::rw-,u:101000:rw-,g::r--,m::rw-,o::r--");
  EXPECT_EQ(toText(wantedAccess(aclFromMode(0744), rule, false)),
            "u::rwx,u:101000:rwx,g::r--,m::rwx,o::r--");
  EXPECT_EQ(toText(wantedAccess(aclFromMode(0755), rule, true)),
            "u::rwx,u:101000:rwx,g::r-x,m::rwx,o::r-x");
}

TEST(AclPolicy, CapitalXIsStableWhenTheMaskMakesAnInheritedGroupExecuteEffective) {
  // A file created 0644 in a folder whose default ACL has g::r-x: the mask (from the mode)
  // hides the group's x until the keeper recomputes it.
  const std::vector<AclEntrySpec> rule{entry("u:101000:rwX")};
  AclList created{{AclKind::UserObj, 0, 6},
                  {AclKind::User, 101000, 7},
                  {AclKind::GroupObj, 0, 5},
                  {AclKind::Mask, 0, 4},
                  {AclKind::Other, 0, 4}};
  normalize(created);
  const auto once = wantedAccess(created, rule, false);
  EXPECT_EQ(toText(once), "u::rw-,u:101000:rw-,g::r-x,m::rwx,o::r--");
  EXPECT_EQ(wantedAccess(once, rule, false), once);
}

// Found by fuzz/acl_xattr_fuzz.cpp: the owner's x, which the rule gives, decides `X` at once,
// or the second sweep would write again what the first did not.
TEST(AclPolicy, CapitalXFollowsAnOwnerEntryOfTheSameRule) {
  const std::vector<AclEntrySpec> rule{entry("u::rwx"), entry("g::r-X")};
  const auto once = wantedAccess(aclFromMode(0644), rule, false);
  EXPECT_EQ(toText(once), "u::rwx,g::r-x,o::r--");
  EXPECT_EQ(wantedAccess(once, rule, false), once);
  const std::vector<AclEntrySpec> ownerX{entry("u::rwX"), entry("g:7:rX")};
  EXPECT_EQ(toText(wantedAccess(aclFromMode(0644), ownerX, false)),
            "u::rw-,g::r--,g:7:r--,m::r--,o::r--");
  EXPECT_EQ(toText(wantedAccess(aclFromMode(0744), ownerX, false)),
            "u::rwx,g::r--,g:7:r-x,m::r-x,o::r--");
}

TEST(AclPolicy, ADefaultAclStartsFromTheFoldersOwnerGroupAndOther) {
  const auto access = wantedAccess(aclFromMode(0750), kRule, true);
  EXPECT_EQ(toText(wantedDefault({}, access, kRule)), "u::rwx,u:101000:rwx,g::r-x,m::rwx,o::---");
  AclList existing = aclFromMode(0700);
  existing.push_back({AclKind::User, 7, 4});
  existing.push_back({AclKind::Mask, 0, 4});
  normalize(existing);
  EXPECT_EQ(toText(wantedDefault(existing, access, kRule)),
            "u::rwx,u:7:r--,u:101000:rwx,g::---,m::rwx,o::---");
}

TEST(AclConfig, ParsesCapitalX) {
  auto e = parseAclEntry("u:101000:rwX");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->perms, 4u | 2u | 8u);
  EXPECT_FALSE(parseAclEntry("u:101000:rwz").has_value());
}

TEST(AclConfig, BoundsTheDepth) {
  auto good = parseAclKeeperConfig(nlohmann::json::parse(R"({"rules": [], "max_depth": 10})"), "f");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->maxDepth, 10);
  auto defaults = parseAclKeeperConfig(nlohmann::json::parse(R"({"rules": []})"), "f");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->maxDepth, 64);
  auto bad = parseAclKeeperConfig(nlohmann::json::parse(R"({"rules": [], "max_depth": 0})"), "f");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().size(), 1u);
}

TEST(AclConfig, BoundsTheWatches) {
  auto good =
      parseAclKeeperConfig(nlohmann::json::parse(R"({"rules": [], "max_watches": 500})"), "f");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->maxWatches, 500);
  auto defaults = parseAclKeeperConfig(nlohmann::json::parse(R"({"rules": []})"), "f");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->maxWatches, 0);
  auto bad =
      parseAclKeeperConfig(nlohmann::json::parse(R"({"rules": [], "max_watches": -1})"), "f");
  EXPECT_FALSE(bad.ok());
}

// Root's services share one count of inotify watches: the keeper takes a quarter of it
// unless max_watches says otherwise, and never nothing.
TEST(AWatchBudget, IsAQuarterOfTheKernelsLimitUnlessConfigured) {
  EXPECT_EQ(watchBudget(0, 192536).cap, 48134u);
  EXPECT_EQ(watchBudget(500, 192536).cap, 500u);
  EXPECT_EQ(watchBudget(0, 3).cap, 1u);
  EXPECT_EQ(watchBudget(0, std::nullopt).cap, 2048u);
  EXPECT_NE(watchBudget(0, std::nullopt).why.find("set max_watches"), std::string::npos);
  // What this process reads is the lower of its user namespace's limit and the machine's.
  std::ifstream machine("/proc/sys/fs/inotify/max_user_watches");
  std::size_t limit = 0;
  if (machine >> limit) {
    ASSERT_TRUE(kernelWatchLimit().has_value());
    EXPECT_LE(*kernelWatchLimit(), limit);
  }
}

// Folders known by parent and name: paths rebuilt, a moved-out subtree gives its watches
// back, and a folder removed while work on it is queued stays (detached, not found by name)
// until that work is done; then nothing is left but the root.
TEST(AFolderIndex, KeepsWhatIsWatchedOrQueuedAndNothingElse) {
  FolderIndex index;
  const auto a = index.child(FolderIndex::kRoot, "a");
  const auto b = index.child(a, "b");
  const auto c = index.child(b, "c");
  EXPECT_EQ(index.child(a, "b"), b);
  EXPECT_EQ(index.path(c), "a/b/c");
  EXPECT_EQ(index.depth(c), 3u);
  index.setWatch(a, 1);
  index.setWatch(b, 2);
  index.hold(c);
  EXPECT_EQ(index.watched(), 2u);
  std::vector<int> dropped;
  index.removeSubtree(b, [&](int wd) { dropped.push_back(wd); });
  EXPECT_EQ(dropped, std::vector<int>{2});
  EXPECT_TRUE(index.detached(c));
  EXPECT_FALSE(index.find(a, "b").has_value());
  EXPECT_EQ(index.size(), 4u);  // root, a (watched), b and c (c held, b its parent)
  index.release(c);
  EXPECT_EQ(index.size(), 2u);
  index.setWatch(a, -1);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.watched(), 0u);
}

// Bytes the heap has handed out and not had back (every arena, and big blocks mapped apart).
std::size_t heapInUse() {
  const auto m = ::mallinfo2();
  return m.uordblks + m.hblkhd;
}

// The service on a loop of its own, keeping one rule.
struct KeeperOnALoop {
  KeeperOnALoop(const AclRule& rule, std::int64_t sweepSec, std::int64_t maxWatches = 0) {
    AclKeeperConfig config;
    config.rules.push_back(rule);
    config.sweepIntervalSec = sweepSec;
    config.maxWatches = maxWatches;
    service.start(config);
  }
  // Runs the loop until the STATUS line holds `text` or `limit` passed.
  bool runUntil(const std::string& text, std::chrono::seconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (service.status().find(text) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(10));
    }
    return service.status().find(text) != std::string::npos;
  }

  boost::asio::io_context io;
  Notifier notifier{io};
  DaemonContext ctx{io, notifier, "acl-keeper", "/nonexistent", systemClock()};
  AclKeeperService service{ctx};
};

class ATree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/openclaw-acl-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    tree_ = base_ + "/tree";
    std::filesystem::create_directories(tree_ + "/a/b");
    write(tree_ + "/f");
    write(tree_ + "/a/b/g");
    write(base_ + "/secret");
    ::chmod((base_ + "/secret").c_str(), 0600);
    rule_.path = tree_;
    rule_.entries = kRule;
    rule_.withDefault = true;
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  static void write(const std::string& path) { std::ofstream(path) << "x"; }

  static std::string aclOf(const std::string& path, bool defaultAcl = false) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) return "cannot open";
    auto acl = readAcl(fd.get(), defaultAcl);
    return acl ? toText(*acl) : acl.error().message();
  }

  // A whole pass, as the daemon's sweep and acl-verify walk.
  TreeCounts pass(TreeMode mode, std::vector<std::string>* drifted = nullptr,
                  std::vector<std::string>* skippedPaths = nullptr) {
    TreeListener listener;
    listener.fixed = [drifted](const Drift& d) {
      if (drifted) drifted->push_back(d.path());
    };
    listener.skipped = [skippedPaths](const std::string& p, Skip, const std::string&) {
      if (skippedPaths) skippedPaths->push_back(p);
    };
    AclTree tree(rule_, mode, listener);
    EXPECT_TRUE(tree.openRoot().ok());
    walkTree(tree, 64, [](const std::string& rel, std::error_code error) {
      ADD_FAILURE() << rel << ": " << error.message();
    });
    return tree.counts();
  }

  static std::int64_t ctimeNs(const std::string& path) {
    struct stat st {};
    ::lstat(path.c_str(), &st);
    return st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
  }

  // The service's start sweep of rule_ on a loop of its own, until it ends or `limit` passes:
  // the STATUS line after it, and the heap the service then holds beyond what was in use
  // before it was made.
  struct Swept {
    std::string status;
    std::size_t grown = 0;
  };
  Swept startSweep(std::chrono::seconds limit) {
    const std::size_t before = heapInUse();
    KeeperOnALoop keeper(rule_, 3600);
    keeper.runUntil("(start):", limit);
    Swept out;
    out.status = keeper.service.status();
    out.grown = heapInUse() - std::min(before, heapInUse());
    keeper.service.stop();
    return out;
  }

  std::string base_;
  std::string tree_;
  AclRule rule_;
};

TEST_F(ATree, GivesEveryFileAndFolderTheAclThenWritesNothingMore) {
  const auto first = pass(TreeMode::Apply);
  EXPECT_EQ(first.checked, 5u);  // tree, a, a/b, f, a/b/g
  EXPECT_EQ(first.fixed, 5u);
  EXPECT_EQ(aclOf(tree_ + "/a/b/g"), "u::rw-,u:101000:rwx,g::r--,m::rwx,o::r--");
  EXPECT_EQ(aclOf(tree_ + "/a", true), "u::rwx,u:101000:rwx,g::r-x,m::rwx,o::r-x");

  const auto stamp = ctimeNs(tree_ + "/f");
  const auto second = pass(TreeMode::Apply);
  EXPECT_EQ(second.checked, 5u);
  EXPECT_EQ(second.fixed, 0u);
  EXPECT_EQ(ctimeNs(tree_ + "/f"), stamp) << "an unchanged ACL was written again";
}

TEST_F(ATree, NeverFollowsASymlinkOrTouchesAHardLinkedFile) {
  ASSERT_EQ(::symlink((base_ + "/secret").c_str(), (tree_ + "/evil").c_str()), 0);
  ASSERT_EQ(::symlink(base_.c_str(), (tree_ + "/a/up").c_str()), 0);
  ASSERT_EQ(::link((base_ + "/secret").c_str(), (tree_ + "/hl").c_str()), 0);
  const std::string before = aclOf(base_ + "/secret");
  const auto stamp = ctimeNs(base_ + "/secret");
  std::vector<std::string> skipped;
  const auto c = pass(TreeMode::Apply, nullptr, &skipped);
  EXPECT_EQ(aclOf(base_ + "/secret"), before);
  EXPECT_EQ(ctimeNs(base_ + "/secret"), stamp);
  EXPECT_EQ(aclOf(base_), toText(aclFromMode(0700))) << "a symlinked folder was entered";
  EXPECT_EQ(c.skipped[static_cast<std::size_t>(Skip::Symlink)], 2u);
  EXPECT_EQ(c.skipped[static_cast<std::size_t>(Skip::HardLinked)], 1u);
  EXPECT_EQ(skipped.size(), 3u);
}

TEST_F(ATree, NeverOpensAFifo) {
  // Opening a FIFO for reading would block this test forever: ctest's timeout fails it.
  ASSERT_EQ(::mkfifo((tree_ + "/a/pipe").c_str(), 0666), 0);
  const auto c = pass(TreeMode::Apply);
  EXPECT_EQ(c.skipped[static_cast<std::size_t>(Skip::Special)], 1u);
  EXPECT_EQ(c.checked, 5u);
}

TEST_F(ATree, DoesNotResolveAFolderPathThroughASymlink) {
  std::filesystem::create_directories(base_ + "/outside/b");
  std::filesystem::remove_all(tree_ + "/a");
  ASSERT_EQ(::symlink((base_ + "/outside").c_str(), (tree_ + "/a").c_str()), 0);
  AclTree tree(rule_, TreeMode::Apply, {});
  ASSERT_TRUE(tree.openRoot().ok());
  EXPECT_FALSE(tree.openFolder("a/b").ok());
}

TEST_F(ATree, VerifyReportsDriftAndWritesNothing) {
  pass(TreeMode::Apply);
  ASSERT_EQ(::chmod((tree_ + "/a/b/g").c_str(), 0600), 0);  // shrinks the mask
  const std::string shrunk = aclOf(tree_ + "/a/b/g");
  std::vector<std::string> drifted;
  const auto c = pass(TreeMode::Verify, &drifted);
  EXPECT_EQ(c.fixed, 1u);
  EXPECT_EQ(drifted, std::vector<std::string>{tree_ + "/a/b/g"});
  EXPECT_EQ(aclOf(tree_ + "/a/b/g"), shrunk);
  EXPECT_EQ(pass(TreeMode::Apply).fixed, 1u);
  EXPECT_EQ(pass(TreeMode::Verify).fixed, 0u);
}

TEST_F(ATree, ShowsControlCharactersInNamesAsQuestionMarks) {
  write(tree_ + "/line\nbreak");
  std::vector<std::string> drifted;
  pass(TreeMode::Verify, &drifted);
  EXPECT_NE(std::find(drifted.begin(), drifted.end(), tree_ + "/line?break"), drifted.end());
}

// A container swaps a parent of an ACL root (agents/main above agents/main/workspace) for a
// symlink to a folder of the same shape elsewhere.  Opening the root with O_NOFOLLOW alone
// guarded only "workspace": the keeper then granted the container user rights there.  Now
// nothing there is written, one warning names the symlinked component however many sweeps
// run, and the tree is kept again at the sweep after its real parent is back.
TEST_F(ATree, RefusesARootWhoseParentIsASymlink) {
  namespace fs = std::filesystem;
  fs::create_directories(base_ + "/agents/main/workspace");
  write(base_ + "/agents/main/workspace/mine");
  fs::create_directories(base_ + "/decoy/workspace");
  write(base_ + "/decoy/workspace/private");
  const std::vector<std::string> decoys{base_ + "/decoy/workspace",
                                        base_ + "/decoy/workspace/private"};
  const auto fingerprint = [&] {
    std::string out;
    for (const auto& p : decoys) out += aclOf(p) + " " + std::to_string(ctimeNs(p)) + "\n";
    return out;
  };
  const std::string before = fingerprint();
  fs::rename(base_ + "/agents/main", base_ + "/agents/main.real");
  ASSERT_EQ(::symlink((base_ + "/decoy").c_str(), (base_ + "/agents/main").c_str()), 0);
  rule_.path = base_ + "/agents/main/workspace";

  openclaw::testing::CapturedLog log;
  boost::asio::io_context io;
  Notifier notifier(io);
  DaemonContext ctx{io, notifier, "acl-keeper", "/nonexistent", systemClock()};
  AclKeeperService service(ctx);
  AclKeeperConfig config;
  config.rules.push_back(rule_);
  config.sweepIntervalSec = 1;
  service.start(config);
  const auto runUntil = [&](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(10));
    }
    return done();
  };
  // The start sweep and two timer sweeps.
  EXPECT_TRUE(runUntil([&] {
    return log.count(testing::field(journal_key::kEvent, event::kAclSweep)) >= 3;
  })) << log.text();
  EXPECT_EQ(fingerprint(), before) << "an ACL was written behind the symlink";
  EXPECT_EQ(log.count(testing::field(journal_key::kEvent, event::kPathRefused)), 1u) << log.text();
  EXPECT_EQ(log.count(testing::field(journal_key::kComponent, base_ + "/agents/main") + " "), 1u)
      << log.text();

  fs::remove(base_ + "/agents/main");
  fs::rename(base_ + "/agents/main.real", base_ + "/agents/main");
  EXPECT_TRUE(runUntil([&] {
    return aclOf(base_ + "/agents/main/workspace/mine").find("m::rwx") != std::string::npos;
  })) << log.text();
  EXPECT_EQ(log.count(testing::field(journal_key::kEvent, event::kPathResolved)), 1u) << log.text();
  EXPECT_EQ(fingerprint(), before);
  service.stop();
}

// `depth` nested folders called `name` below `top`, made by descriptor: their paths are far
// longer than the kernel takes in one call.
void makeChain(const std::string& top, int depth, const std::string& name) {
  UniqueFd cur(::open(top.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  for (int i = 0; i < depth && cur; ++i) {
    ASSERT_EQ(::mkdirat(cur.get(), name.c_str(), 0755), 0);
    cur.reset(::openat(cur.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  }
  ASSERT_TRUE(cur.valid());
}

// Removes such a chain from the bottom up, by descriptor.
void removeChain(const std::string& top, const std::string& name) {
  UniqueFd cur(::open(top.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  int depth = 0;
  for (;;) {
    UniqueFd next(
        ::openat(cur.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next) break;
    cur = std::move(next);
    ++depth;
  }
  for (; depth > 0; --depth) {
    UniqueFd parent(::openat(cur.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_EQ(::unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR), 0);
    cur = std::move(parent);
  }
}

// The number in "watching N folder(s)" of a STATUS line.
std::size_t watchedIn(const std::string& status) {
  const auto at = status.find("watching ");
  return at == std::string::npos ? 0 : std::stoul(status.substr(at + 9));
}

// A container makes a chain of 3000 nested folders with 100-character names.  Each watched
// folder was known by its whole relative path, in two indexes, so the chain cost the sum of
// its paths (3000 * 3000 / 2 * 101 bytes, twice: about 900 MB) and every walk opened the
// folder again from the root, component by component.  Now the keeper enters folders down to
// max_depth below the root only, says once where it stopped, and a watched folder costs its
// own name.
TEST_F(ATree, ADeepChainIsWalkedDownToTheDepthLimitOnly) {
  const std::string name(100, 'd');
  makeChain(tree_, 3000, name);
  openclaw::testing::CapturedLog log;
  const auto [status, grown] = startSweep(std::chrono::seconds(120));
  removeChain(tree_, name);
  ASSERT_NE(status.find("(start):"), std::string::npos) << status;
  // The root, a, a/b and the chain's first 64 levels below the root are entered; the 65th
  // level keeps its own ACL but is not entered.
  EXPECT_EQ(watchedIn(status), 3u + 64u) << status;
  RecordProperty("bytes_held", std::to_string(grown));
  EXPECT_LT(grown, 4u << 20) << "bytes the service holds after the sweep";
  // Said once, at the folder where the walk stopped (acl-skip), and counted in the sweep.
  EXPECT_EQ(log.count("too deep, more than 64 levels"), 1u) << log.text().substr(0, 2000);
  EXPECT_EQ(log.count("(1 too deep)"), 1u) << log.text().substr(0, 2000);
}

// A watched folder costs its own name and a few hundred bytes, not its path: 40 chains of 60
// folders with the longest name a folder can have (255 bytes) are 2 400 watched folders
// whose paths add up to 40 * 60 * 61 / 2 * 256 bytes, 18 MB (kept twice over when folders
// were known by their paths); their names alone are 600 KB.
TEST_F(ATree, AWatchedFolderCostsItsNameNotItsPath) {
  const std::string name(255, 'n');
  for (int c = 0; c < 40; ++c) {
    const std::string top = tree_ + "/c" + std::to_string(c);
    std::filesystem::create_directories(top);
    makeChain(top, 60, name);
  }
  const auto [status, grown] = startSweep(std::chrono::seconds(60));
  for (int c = 0; c < 40; ++c) removeChain(tree_ + "/c" + std::to_string(c), name);
  ASSERT_NE(status.find("(start):"), std::string::npos) << status;
  const std::size_t watched = watchedIn(status);
  EXPECT_EQ(watched, 3u + 40u + 40u * 60u) << status;
  RecordProperty("bytes_per_watched_folder",
                 std::to_string(grown / std::max<std::size_t>(watched, 1)));
  EXPECT_LT(grown / std::max<std::size_t>(watched, 1), 1024u)
      << grown << " bytes held for " << watched << " watched folders";
}

// The kernel's watch limit, made small in a user namespace of the test's own (where
// max_inotify_watches is the namespace root's to set): the watches that fit are kept, the
// limit is said once across sweeps, and the sweep still fixes the unwatched folders.
TEST_F(ATree, AtTheWatchLimitKeepsTheWatchesItHasAndSweepsTheRest) {
  if (const char* why = openclaw::testing::userNamespaceUnavailable(); *why != '\0') {
    GTEST_SKIP() << why;
  }
  for (const char* d : {"c", "d", "e"}) {
    std::filesystem::create_directories(tree_ + "/" + d);
    write(tree_ + "/" + d + "/file");
  }
  const std::string logPath = base_ + "/log";
  const int code = openclaw::testing::runInOwnUserNamespace([&] {
    if (!openclaw::testing::setUserLimit("max_inotify_watches", 3)) return 12;
    const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log < 0 || ::dup2(log, 2) < 0) return 13;
    // A cap above the namespace's limit, so that the kernel refuses before the keeper's own
    // share (a quarter of 3) would.
    KeeperOnALoop keeper(rule_, 1, 100);
    int result = keeper.runUntil("(timer):") ? 0 : 14;
    const std::string status = keeper.service.status();
    // tree, a, a/b, c, d, e: 3 watched, 3 over the limit.
    if (result == 0 && status.find("watching 3 folder(s)") == std::string::npos) result = 15;
    if (result == 0 && status.find("(3 over the inotify limit") == std::string::npos) result = 16;
    for (const char* f : {"/f", "/a/b/g", "/c/file", "/d/file", "/e/file"}) {
      if (result == 0 && aclOf(tree_ + f).find("m::rwx") == std::string::npos) result = 17;
    }
    keeper.service.stop();
    return result;
  });
  std::ifstream logFile(logPath);
  std::string log((std::istreambuf_iterator<char>(logFile)), std::istreambuf_iterator<char>());
  EXPECT_EQ(code, 0) << "status line or ACLs wrong (code in the child), log:\n" << log;
  std::size_t said = 0;
  for (auto at = log.find("watch limit is reached"); at != std::string::npos;
       at = log.find("watch limit is reached", at + 1)) {
    ++said;
  }
  EXPECT_EQ(said, 1u) << log;
}

// Its own cap, far below the kernel's limit: the folders beyond it get no watch, so what is
// written there waits for the sweep, which keeps it; the cap is said once across sweeps.
TEST_F(ATree, StopsAtItsWatchCapAndLeavesTheRestToTheSweep) {
  const std::vector<std::string> folders{"", "/a", "/a/b", "/c", "/d", "/e"};
  for (const char* d : {"c", "d", "e"}) std::filesystem::create_directories(tree_ + "/" + d);
  openclaw::testing::CapturedLog log;
  KeeperOnALoop keeper(rule_, 1, 3);
  AclKeeperService& service = keeper.service;
  ASSERT_TRUE(keeper.runUntil("(start):")) << service.status();
  EXPECT_EQ(watchedIn(service.status()), 3u) << service.status();
  EXPECT_NE(service.status().find("(3 over the inotify limit"), std::string::npos)
      << service.status();
  // A file whose mask the create mode cut, in each folder: only the keeper makes it rwx.
  for (const auto& d : folders) {
    write(tree_ + d + "/late");
    ::chmod((tree_ + d + "/late").c_str(), 0600);
  }
  const auto kept = [&] {
    std::size_t n = 0;
    for (const auto& d : folders)
      n += aclOf(tree_ + d + "/late").find("m::rwx") != std::string::npos;
    return n;
  };
  // An observation window well before the timer's sweep, not a synchronisation: the events
  // of the 3 watched folders are handled, nothing else can reach the other 3.
  keeper.io.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(kept(), 3u);
  ASSERT_TRUE(keeper.runUntil("(timer):")) << service.status();
  EXPECT_EQ(kept(), 6u);
  EXPECT_EQ(watchedIn(service.status()), 3u) << service.status();
  service.stop();
  EXPECT_EQ(log.count("inotify watches are at their cap of 3 (max_watches)"), 1u)
      << log.text().substr(0, 3000);
}

// The service on a real loop and real inotify, the sweep interval far away: what changes
// after the start sweep is fixed by events alone.
class AService : public ATree {
 protected:
  void SetUp() override {
    ATree::SetUp();
    service_ = std::make_unique<AclKeeperService>(ctx_);
    AclKeeperConfig config;
    config.rules.push_back(rule_);
    config.sweepIntervalSec = 3600;
    service_->start(config);
    ASSERT_TRUE(runUntil([&] { return swept("(start)"); })) << service_->status();
  }
  void TearDown() override {
    service_->stop();
    ATree::TearDown();
  }
  bool runUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }
  // The STATUS line names the last sweep's cause once it has finished.
  bool swept(const std::string& why) const {
    const auto s = service_->status();
    return s.find("last sweep") != std::string::npos && s.find(why + ":") != std::string::npos;
  }
  bool has(const std::string& path, const std::string& text) {
    return aclOf(path).find(text) != std::string::npos;
  }

  boost::asio::io_context io_;
  Notifier notifier_{io_};
  DaemonContext ctx_{io_, notifier_, "acl-keeper", "/nonexistent", systemClock()};
  std::unique_ptr<AclKeeperService> service_;
};

TEST_F(AService, FixesNewChmodedAndMovedEntriesFromEvents) {
  EXPECT_EQ(aclOf(tree_ + "/f"), "u::rw-,u:101000:rwx,g::r--,m::rwx,o::r--");

  std::filesystem::create_directories(tree_ + "/new/deeper");
  write(tree_ + "/new/deeper/h");
  ::chmod((tree_ + "/new/deeper/h").c_str(), 0600);
  EXPECT_TRUE(runUntil([&] { return has(tree_ + "/new/deeper/h", "m::rwx"); }))
      << aclOf(tree_ + "/new/deeper/h");
  ASSERT_EQ(::chmod((tree_ + "/f").c_str(), 0600), 0);
  EXPECT_TRUE(runUntil([&] { return has(tree_ + "/f", "m::rwx"); })) << aclOf(tree_ + "/f");

  // A folder moved in from outside, with a file in it.
  std::filesystem::create_directories(base_ + "/incoming");
  write(base_ + "/incoming/k");
  std::filesystem::rename(base_ + "/incoming", tree_ + "/a/incoming");
  EXPECT_TRUE(runUntil([&] { return has(tree_ + "/a/incoming/k", "101000"); }));
  // Renamed within the tree, it is still watched under its new name.
  std::filesystem::rename(tree_ + "/a/incoming", tree_ + "/moved");
  write(tree_ + "/moved/later");
  ::chmod((tree_ + "/moved/later").c_str(), 0600);
  EXPECT_TRUE(runUntil([&] { return has(tree_ + "/moved/later", "m::rwx"); }));
}

TEST_F(AService, FollowsTheConfiguredPathWhenTheRootIsReplaced) {
  std::filesystem::rename(tree_, base_ + "/old");
  std::filesystem::create_directories(tree_);
  ASSERT_TRUE(runUntil([&] { return swept("(root moved)"); })) << service_->status();
  write(tree_ + "/z");
  write(base_ + "/old/y");
  EXPECT_TRUE(runUntil([&] { return has(tree_ + "/z", "101000"); }));
  // The old root is outside the configuration now: y keeps what the kernel gave it from the
  // old default ACL (a mask cut by the create mode), which the keeper would have widened.
  // An observation window, not a synchronisation.
  io_.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(aclOf(base_ + "/old/y"), "u::rw-,u:101000:rwx,g::r-x,m::rw-,o::r--");
}

}  // namespace
}  // namespace openclaw::aclkeeper
