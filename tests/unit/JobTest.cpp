#include <gtest/gtest.h>

#include <thread>

#include "recon/core/Errors.h"
#include "recon/core/Job.h"

using namespace trustct;

TEST(Job, StatesFollowTheRun) {
  JobContext ctx("ok");
  EXPECT_EQ(ctx.state(), JobState::Queued);
  std::vector<JobState> seen;
  const int token = ProgressHub::instance().subscribe([&](const ProgressEvent& e) {
    if (e.jobId == ctx.id()) seen.push_back(e.state);
  });
  ctx.run([](JobContext& c) { c.report(0.5, "half"); });
  ProgressHub::instance().unsubscribe(token);
  EXPECT_EQ(ctx.state(), JobState::Finished);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], JobState::Running);
  EXPECT_EQ(seen[2], JobState::Finished);
}

TEST(Job, CancelAndFailureAreDistinctStates) {
  JobContext cancelled("c");
  EXPECT_THROW(cancelled.run([](JobContext& c) {
    c.requestCancel();
    c.throwIfCancelled();
  }),
               CancelledError);
  EXPECT_EQ(cancelled.state(), JobState::Cancelled);
  JobContext failed("f");
  EXPECT_THROW(failed.run([](JobContext&) { throw std::runtime_error("boom"); }), std::runtime_error);
  EXPECT_EQ(failed.state(), JobState::Failed);
}

TEST(Job, ChildSeesTheParentsCancellationFromAnotherThread) {
  JobContext parent("p");
  JobContext child("c", &parent);
  std::thread t([&] { parent.requestCancel(); });
  t.join();
  EXPECT_TRUE(child.cancelRequested());
  EXPECT_THROW(child.throwIfCancelled(), CancelledError);
}

TEST(Job, PauseHoldsTheWorkAtItsNextCheckUntilResumedOrCancelled) {
  JobContext parent("p");
  JobContext child("c", &parent);
  std::atomic<int> passed{0};
  parent.setPaused(true);
  std::thread worker([&] {
    child.throwIfCancelled();
    ++passed;
    try {
      child.throwIfCancelled();
      ++passed;
    } catch (const CancelledError&) {
      passed += 10;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(passed.load(), 0);  // held by the parent's pause
  parent.setPaused(false);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_GE(passed.load(), 1);
  worker.join();
  EXPECT_EQ(passed.load(), 2);

  // Cancel releases a paused job with CancelledError.
  JobContext paused("q");
  paused.setPaused(true);
  std::thread waiter([&] { EXPECT_THROW(paused.throwIfCancelled(), CancelledError); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  paused.requestCancel();
  waiter.join();
}
