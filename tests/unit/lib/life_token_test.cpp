#include "openclaw/life_token.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <memory>

namespace openclaw {
namespace {

struct Owner {
  int runs = 0;
  LifeToken life;
};

TEST(LifeToken, RunsTheCallbackWhileTheOwnerLives) {
  Owner owner;
  auto fn = owner.life.guard([&owner](int by) { owner.runs += by; });
  fn(2);
  EXPECT_EQ(owner.runs, 2);
}

TEST(LifeToken, DropsACallbackThatArrivesAfterItsOwnerIsGone) {
  boost::asio::io_context io;
  int runs = 0;
  auto owner = std::make_unique<Owner>();
  // The callback would write through a dangling owner if it ran: ASan proves it does not.
  boost::asio::post(io, owner->life.guard([o = owner.get(), &runs] {
    ++o->runs;
    ++runs;
  }));
  owner.reset();
  EXPECT_EQ(io.run(), 1u);  // the handler was called, and returned without running fn
  EXPECT_EQ(runs, 0);
}

TEST(LifeToken, RenewDropsOnlyTheCallbacksGuardedBefore) {
  Owner owner;
  int older = 0;
  int newer = 0;
  auto before = owner.life.guard([&older] { ++older; });
  owner.life.renew();
  auto after = owner.life.guard([&newer] { ++newer; });
  before();
  after();
  EXPECT_EQ(older, 0);
  EXPECT_EQ(newer, 1);
}

TEST(LifeToken, AWatchOutlivesItsTokenAndSaysSo) {
  LifeToken::Watch watch;
  EXPECT_FALSE(watch.alive());
  {
    LifeToken token;
    watch = token.watch();
    EXPECT_TRUE(watch.alive());
  }
  EXPECT_FALSE(watch.alive());
}

}  // namespace
}  // namespace openclaw
