#pragma once
// Runs one piece of the wizard's long work (preview, step search, training, calibration) as a JobBridge
// job: progress of the job and its child jobs arrives as signals in the GUI thread, pause and cancel act at
// the work's next batch or trial boundary. One run at a time.
#include <QObject>
#include <QString>
#include <functional>

#include "ui/session/JobBridge.h"

namespace trustct::ui {

class WizardJob : public QObject {
  Q_OBJECT
 public:
  explicit WizardJob(QObject* parent = nullptr);
  ~WizardJob() override = default;  // the bridge cancels and waits: the work never outlives its page

  // False when a run is still going.
  bool start(const QString& name, std::function<void(JobContext&)> work);
  void cancel() { bridge_.cancelAll(); }
  void setPaused(bool paused) { bridge_.setPaused(paused); }
  bool isRunning() const { return bridge_.isBusy(); }
  bool isPaused() const { return isRunning() && bridge_.isPaused(); }
  // Runs `f` in the GUI thread (for values the work produces, e.g. chart points), in order with the signals.
  void post(std::function<void()> f) { bridge_.post(std::move(f)); }

 Q_SIGNALS:
  void progress(double fraction, double etaSeconds, const QString& message);
  void finished();
  void cancelled();
  void failed(const QString& message);
  void stopped();  // after any of the three above

 private:
  JobBridge bridge_{100};  // 10 updates a second: every update repaints labels and charts
};

}  // namespace trustct::ui
