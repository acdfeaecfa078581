#include "ui/wizard/WizardJob.h"

namespace trustct::ui {

WizardJob::WizardJob(QObject* parent) : QObject(parent) {
  connect(&bridge_, &JobBridge::progress, this,
          [this](quint64, double fraction, double eta, const QString& message) { Q_EMIT progress(fraction, eta, message); });
  connect(&bridge_, &JobBridge::stateChanged, this, [this](quint64, JobBridge::State state, const QString& message) {
    switch (state) {
      case JobBridge::State::Queued:
      case JobBridge::State::Running:
      case JobBridge::State::Paused: return;
      case JobBridge::State::Finished: Q_EMIT finished(); break;
      case JobBridge::State::Cancelled: Q_EMIT cancelled(); break;
      case JobBridge::State::Failed: Q_EMIT failed(message); break;
    }
    Q_EMIT stopped();
  });
}

bool WizardJob::start(const QString& name, std::function<void(JobContext&)> work) {
  if (isRunning()) return false;
  bridge_.setPaused(false);  // a new run starts running, whatever the last one was left at
  bridge_.submit(name, [work = std::move(work)](JobContext& ctx) {
    work(ctx);
    return JobBridge::Completion{};
  });
  return true;
}

}  // namespace trustct::ui
