// JobBridge (ui/session) without a display: states, ordering, throttled progress, cancel, discard, pause,
// worker priority and destruction, in the QCoreApplication of trustct_session_tests.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <QSignalSpy>
#include <QTest>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "ui/session/JobBridge.h"

using trustct::JobContext;
using trustct::ui::JobBridge;
using State = JobBridge::State;

namespace {
constexpr int kTimeoutMs = 30000;

// Every signal of a bridge as one sequence of lines, e.g. "7 running", "7 progress 1", "idle".
struct Log {
  std::vector<std::string> lines;
  explicit Log(JobBridge& b) {
    QObject::connect(&b, &JobBridge::stateChanged, [this](quint64 id, State s, const QString& m) {
      lines.push_back(std::to_string(id) + " " + JobBridge::stateName(s) + (m.isEmpty() ? "" : " " + m.toStdString()));
    });
    QObject::connect(&b, &JobBridge::idle, [this] { lines.push_back("idle"); });
  }
  bool waitFor(const std::string& line) {
    return QTest::qWaitFor([&] { return std::find(lines.begin(), lines.end(), line) != lines.end(); }, kTimeoutMs);
  }
};

std::string job(quint64 id, const char* what) { return std::to_string(id) + " " + what; }

// Work that checks for cancellation every millisecond until `release` is set.
JobBridge::Work until(const std::atomic<bool>& release, std::atomic<int>* ticks = nullptr) {
  return [&release, ticks](JobContext& ctx) {
    while (!release) {
      ctx.throwIfCancelled();
      if (ticks) ++*ticks;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return JobBridge::Completion{};
  };
}
}  // namespace

TEST(JobBridge, StatesArriveInOrderAndTheCompletionRunsBeforeFinished) {
  JobBridge bridge;
  Log log(bridge);
  std::vector<std::string> seenAtCompletion;
  std::vector<bool> busyAtEnd;
  QObject::connect(&bridge, &JobBridge::stateChanged, [&](quint64, State s, const QString&) {
    if (s == State::Finished || s == State::Failed) busyAtEnd.push_back(bridge.isBusy());
  });
  const quint64 a = bridge.submit("a", [&](JobContext&) { return [&] { seenAtCompletion = log.lines; }; });
  const quint64 b = bridge.submit("b", [](JobContext&) -> JobBridge::Completion { throw std::runtime_error("disk full"); });
  EXPECT_TRUE(bridge.isBusy());
  ASSERT_TRUE(log.waitFor("idle"));
  EXPECT_EQ(log.lines, (std::vector<std::string>{job(a, "queued"), job(b, "queued"), job(a, "running"), job(a, "finished"),
                                                 job(b, "running"), job(b, "failed disk full"), "idle"}));
  EXPECT_EQ(seenAtCompletion, (std::vector<std::string>{job(a, "queued"), job(b, "queued"), job(a, "running")}));
  EXPECT_EQ(busyAtEnd, (std::vector<bool>{true, false}));  // b pending at a's end; nothing at b's
  EXPECT_FALSE(bridge.isBusy());
}

TEST(JobBridge, ProgressIsThrottledPerJobAndIncludesChildJobs) {
  JobBridge bridge(200);
  QSignalSpy progress(&bridge, &JobBridge::progress);
  Log log(bridge);
  const quint64 id = bridge.submit("many", [](JobContext& ctx) {
    JobContext child("child", &ctx);
    child.run([](JobContext& c) {
      for (int i = 1; i <= 2000; ++i) c.report(i / 2000.0, "step " + std::to_string(i));
    });
    return JobBridge::Completion{};
  });
  ASSERT_TRUE(log.waitFor(job(id, "finished")));
  ASSERT_GE(progress.count(), 1);
  EXPECT_LE(progress.count(), 10);  // 2,000 reports in far less than 2 s
  const QList<QVariant> last = progress.takeLast();
  EXPECT_EQ(last.at(0).toULongLong(), id);  // a child's report arrives under its root job
  EXPECT_DOUBLE_EQ(last.at(1).toDouble(), 1.0);  // the last one always passes
  EXPECT_EQ(last.at(3).toString(), "step 2000");
}

TEST(JobBridge, CancelEndsTheRunningJobAndQueuedOnesNeverRun) {
  JobBridge bridge;
  Log log(bridge);
  std::atomic<bool> release{false}, secondRan{false};
  const quint64 a = bridge.submit("a", until(release));
  const quint64 b = bridge.submit("b", [&](JobContext&) { secondRan = true; return JobBridge::Completion{}; });
  ASSERT_TRUE(log.waitFor(job(a, "running")));
  bridge.cancelAll();
  ASSERT_TRUE(log.waitFor("idle"));
  EXPECT_EQ(log.lines, (std::vector<std::string>{job(a, "queued"), job(b, "queued"), job(a, "running"), job(a, "cancelled"),
                                                 job(b, "cancelled"), "idle"}));
  EXPECT_FALSE(secondRan);
  // Cancellation is per job: the next one runs.
  const quint64 c = bridge.submit("c", [](JobContext&) { return JobBridge::Completion{}; });
  EXPECT_TRUE(log.waitFor(job(c, "finished")));
}

TEST(JobBridge, DiscardSilencesEarlierJobs) {
  JobBridge bridge;
  Log log(bridge);
  std::atomic<bool> release{false};
  bool oldCompletionRan = false;
  const quint64 a = bridge.submit("a", [&](JobContext& ctx) {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // ignores cancellation
    (void)ctx;
    return [&] { oldCompletionRan = true; };
  });
  ASSERT_TRUE(log.waitFor(job(a, "running")));
  bridge.discard();
  EXPECT_FALSE(bridge.isBusy());
  const quint64 b = bridge.submit("b", [](JobContext&) { return JobBridge::Completion{}; });
  release = true;
  ASSERT_TRUE(log.waitFor("idle"));
  EXPECT_EQ(log.lines, (std::vector<std::string>{job(a, "queued"), job(a, "running"), job(b, "queued"), job(b, "running"),
                                                 job(b, "finished"), "idle"}));
  EXPECT_FALSE(oldCompletionRan);
}

TEST(JobBridge, PauseHoldsTheWorkAndResumeContinuesIt) {
  JobBridge bridge;
  Log log(bridge);
  std::atomic<bool> release{false};
  std::atomic<int> ticks{0};
  const quint64 a = bridge.submit("a", until(release, &ticks));
  ASSERT_TRUE(QTest::qWaitFor([&] { return ticks > 0; }, kTimeoutMs));
  bridge.setPaused(true);
  EXPECT_TRUE(bridge.isPaused());
  QTest::qWait(200);  // the work reaches its next check and holds there
  const int held = ticks;
  QTest::qWait(300);
  EXPECT_LE(ticks - held, 1);
  bridge.setPaused(false);
  ASSERT_TRUE(QTest::qWaitFor([&] { return ticks > held + 5; }, kTimeoutMs));
  release = true;
  ASSERT_TRUE(log.waitFor("idle"));
  EXPECT_EQ(log.lines, (std::vector<std::string>{job(a, "queued"), job(a, "running"), job(a, "paused"), job(a, "running"),
                                                 job(a, "finished"), "idle"}));
}

TEST(JobBridge, WorkRunsOffTheGuiThreadBelowItsPriority) {
  JobBridge bridge;
  Log log(bridge);
  std::thread::id worker;
  int nice = 0;
  const quint64 a = bridge.submit("a", [&](JobContext&) {
    worker = std::this_thread::get_id();
    nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
    return JobBridge::Completion{};
  });
  ASSERT_TRUE(log.waitFor(job(a, "finished")));
  EXPECT_NE(worker, std::this_thread::get_id());
  EXPECT_EQ(nice, 19);
}

TEST(JobBridge, DestructionCancelsAndWaitsForTheWork) {
  std::atomic<bool> release{false}, returned{false};
  {
    JobBridge bridge;
    Log log(bridge);
    const quint64 a = bridge.submit("a", [&](JobContext& ctx) {
      try {
        until(release)(ctx);
      } catch (...) {
        returned = true;
        throw;
      }
      return JobBridge::Completion{};
    });
    ASSERT_TRUE(log.waitFor(job(a, "running")));
  }
  EXPECT_TRUE(returned);  // the work saw the cancellation before the bridge was gone
}
