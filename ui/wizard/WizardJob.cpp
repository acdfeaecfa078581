#include "ui/wizard/WizardJob.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <QMetaObject>
#include <chrono>

#include "recon/core/Errors.h"

namespace trustct::ui {

WizardJob::WizardJob(QObject* parent) : QObject(parent) {}

WizardJob::~WizardJob() {
  cancel();
  join();
}

void WizardJob::join() {
  if (thread_.joinable()) thread_.join();
  if (hubToken_) ProgressHub::instance().unsubscribe(hubToken_);
  hubToken_ = 0;
}

bool WizardJob::start(const QString& name, std::function<void(JobContext&)> work) {
  if (running_) return false;
  join();
  ctx_ = std::make_unique<JobContext>(name.toStdString());
  running_ = true;
  const uint64_t root = ctx_->id();
  // Throttled to 10 updates a second: every update repaints labels and charts.
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  hubToken_ = ProgressHub::instance().subscribe([this, root, last](const ProgressEvent& e) {
    if (e.rootJobId != root || e.state != JobState::Running) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - *last < std::chrono::milliseconds(100) && e.fraction < 1) return;
    *last = now;
    const QString message = QString::fromStdString(e.message);
    const double fraction = e.fraction, eta = e.etaSeconds;
    QMetaObject::invokeMethod(this, [this, fraction, eta, message] { Q_EMIT progress(fraction, eta, message); },
                              Qt::QueuedConnection);
  });
  JobContext* ctx = ctx_.get();
  thread_ = std::thread([this, ctx, work = std::move(work)] {
    // Below the GUI thread's priority so the wizard stays responsive on two cores (as the reconstruction runner).
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
    enum class Outcome { Finished, Cancelled, Failed } outcome = Outcome::Finished;
    QString error;
    try {
      ctx->run(work);
    } catch (const CancelledError&) {
      outcome = Outcome::Cancelled;
    } catch (const std::exception& e) {
      outcome = Outcome::Failed;
      error = QString::fromStdString(e.what());
    }
    QMetaObject::invokeMethod(this, [this, outcome, error] {
      running_ = false;
      join();
      switch (outcome) {
        case Outcome::Finished: Q_EMIT finished(); break;
        case Outcome::Cancelled: Q_EMIT cancelled(); break;
        case Outcome::Failed: Q_EMIT failed(error); break;
      }
      Q_EMIT stopped();
    }, Qt::QueuedConnection);
  });
  return true;
}

void WizardJob::cancel() {
  if (running_ && ctx_) ctx_->requestCancel();
}

void WizardJob::setPaused(bool paused) {
  if (ctx_) ctx_->setPaused(paused);
}

bool WizardJob::isPaused() const { return running_ && ctx_ && ctx_->pauseRequested(); }

void WizardJob::post(std::function<void()> f) { QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection); }

}  // namespace trustct::ui
