#include "openclaw/handles.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "openclaw/result.h"

namespace openclaw {
namespace {

bool isOpen(int fd) {
  return ::fcntl(fd, F_GETFD) != -1;
}

TEST(AUniqueFd, ClosesItsDescriptorWhenDestroyed) {
  int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(raw, 0);
  { UniqueFd fd(raw); }
  EXPECT_FALSE(isOpen(raw));
}

TEST(AUniqueFd, HandsOwnershipOverOnMoveAndRelease) {
  UniqueFd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int raw = a.get();
  UniqueFd b(std::move(a));
  EXPECT_FALSE(a.valid());
  EXPECT_EQ(b.get(), raw);
  const int released = b.release();
  EXPECT_TRUE(isOpen(released));
  ::close(released);
}

TEST(AUniqueFd, ClosesTheOldDescriptorOnReset) {
  UniqueFd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int first = a.get();
  a.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  EXPECT_NE(a.get(), -1);
  EXPECT_TRUE(isOpen(a.get()));
  // The new descriptor is opened before the old one is closed, so they differ.
  ASSERT_NE(first, a.get());
  EXPECT_FALSE(isOpen(first));
}

TEST(AnAclPtr, FreesTheAclItOwns) {
  AclPtr acl(acl_init(4));
  ASSERT_NE(acl.get(), nullptr);
  EXPECT_EQ(acl_valid(acl.get()), -1);  // empty: no owner entries yet, but a live object
}

TEST(AResult, CarriesAValueOrAnErrno) {
  Result<int> good = 4;
  Result<int> bad = fromErrno(ENOENT);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 4);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), std::errc::no_such_file_or_directory);
}

}  // namespace
}  // namespace openclaw
