#include "ui/session/JobBridge.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <QMetaObject>

#include "recon/core/Errors.h"

namespace trustct::ui {

// The jobs submitted and not yet ended. The hub copies its listeners before calling them, so the
// listener may run once more after the bridge unsubscribed: it holds this and reaches the bridge only for
// a job still listed here, under the mutex the bridge's destructor takes to clear the list.
struct JobBridge::Jobs {
  struct Active {
    std::shared_ptr<JobContext> ctx;
    quint64 generation;
    std::chrono::steady_clock::time_point lastProgress;
  };
  explicit Jobs(int intervalMs) : interval(intervalMs) {}
  const std::chrono::milliseconds interval;
  std::mutex mutex;
  std::map<quint64, Active> active;
  std::atomic<quint64> generation{0};  // discard() increments it
  JobBridge* bridge = nullptr;
};

const char* JobBridge::stateName(State s) {
  switch (s) {
    case State::Queued: return "queued";
    case State::Running: return "running";
    case State::Paused: return "paused";
    case State::Cancelled: return "cancelled";
    case State::Failed: return "failed";
    case State::Finished: return "finished";
  }
  return "?";
}

JobBridge::JobBridge(int progressIntervalMs, QObject* parent)
    : QObject(parent), jobs_(std::make_shared<Jobs>(progressIntervalMs)) {
  jobs_->bridge = this;
  pool_.setMaxThreadCount(1);  // one job after another: each gets every core, results arrive in order
  hubToken_ = ProgressHub::instance().subscribe([jobs = jobs_](const ProgressEvent& e) {
    if (e.state != JobState::Running) return;  // the bridge reports states itself
    quint64 generation = 0;
    {
      std::lock_guard<std::mutex> lock(jobs->mutex);
      const auto it = jobs->active.find(e.rootJobId);
      if (it == jobs->active.end()) return;
      const auto now = std::chrono::steady_clock::now();
      if (e.fraction < 1 && now - it->second.lastProgress < jobs->interval) return;
      it->second.lastProgress = now;
      generation = it->second.generation;
      const quint64 id = e.rootJobId;
      const double fraction = e.fraction, eta = e.etaSeconds;
      const QString message = QString::fromStdString(e.message);
      jobs->bridge->postIfCurrent(generation, [bridge = jobs->bridge, id, fraction, eta, message] {
        Q_EMIT bridge->progress(id, fraction, eta, message);
      });
    }
  });
}

JobBridge::~JobBridge() {
  ProgressHub::instance().unsubscribe(hubToken_);
  cancelAll();
  pool_.waitForDone();
  std::lock_guard<std::mutex> lock(jobs_->mutex);
  jobs_->active.clear();
}

void JobBridge::post(std::function<void()> f) { QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection); }

void JobBridge::postIfCurrent(quint64 generation, std::function<void()> f) {
  post([this, generation, f = std::move(f)] {
    if (generation == jobs_->generation) f();
  });
}

quint64 JobBridge::submit(const QString& name, Work work) {
  auto ctx = std::make_shared<JobContext>(name.toStdString());
  ctx->setPaused(paused_);
  const quint64 id = ctx->id(), generation = jobs_->generation;
  {
    std::lock_guard<std::mutex> lock(jobs_->mutex);
    jobs_->active[id] = {ctx, generation, {}};
  }
  ++pending_;
  postIfCurrent(generation, [this, id] { Q_EMIT stateChanged(id, State::Queued, {}); });
  pool_.start([this, ctx, generation, work = std::move(work)] {
    // Below the GUI thread's priority; threads LibTorch starts from here inherit it.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
    const quint64 id = ctx->id();
    if (ctx->cancelRequested()) {
      post([this, id, generation] { end(id, generation, State::Cancelled, {}, {}); });
      return;
    }
    postIfCurrent(generation, [this, id] {
      running_ = id;
      Q_EMIT stateChanged(id, paused_ ? State::Paused : State::Running, {});
    });
    State outcome = State::Finished;
    QString error;
    Completion completion;
    try {
      ctx->run([&](JobContext& job) { completion = work(job); });
    } catch (const CancelledError&) {
      outcome = State::Cancelled;
    } catch (const std::exception& e) {
      outcome = State::Failed;
      error = QString::fromStdString(e.what());
      if (error.isEmpty()) error = tr("unexpected failure");
    }
    post([this, id, generation, outcome, error, completion = std::move(completion)] {
      end(id, generation, outcome, error, completion);
    });
  });
  return id;
}

void JobBridge::end(quint64 id, quint64 generation, State state, const QString& message, const Completion& completion) {
  {
    std::lock_guard<std::mutex> lock(jobs_->mutex);
    jobs_->active.erase(id);
  }
  if (generation != jobs_->generation) return;  // discarded
  if (running_ == id) running_ = 0;
  --pending_;
  if (state == State::Finished && completion) completion();
  Q_EMIT stateChanged(id, state, message);
  if (pending_ == 0) Q_EMIT idle();
}

void JobBridge::cancelAll() {
  std::lock_guard<std::mutex> lock(jobs_->mutex);
  for (auto& [id, job] : jobs_->active) job.ctx->requestCancel();
}

void JobBridge::discard() {
  cancelAll();
  ++jobs_->generation;
  pending_ = 0;
  running_ = 0;
}

void JobBridge::setPaused(bool paused) {
  if (paused_ == paused) return;
  paused_ = paused;
  {
    std::lock_guard<std::mutex> lock(jobs_->mutex);
    for (auto& [id, job] : jobs_->active) job.ctx->setPaused(paused);
  }
  if (running_) Q_EMIT stateChanged(running_, paused ? State::Paused : State::Running, {});
}

}  // namespace trustct::ui
