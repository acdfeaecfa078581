#pragma once
// Runs one piece of the wizard's long work (preview, step search, training, calibration) in a worker
// thread as a JobContext: progress of the job and its child jobs arrives as signals in the GUI thread,
// pause and cancel act at the work's next batch or trial boundary. One run at a time.
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <thread>

#include "recon/core/Job.h"

namespace trustct::ui {

class WizardJob : public QObject {
  Q_OBJECT
 public:
  explicit WizardJob(QObject* parent = nullptr);
  ~WizardJob() override;  // cancels and waits: the work never outlives its page

  // False when a run is still going.
  bool start(const QString& name, std::function<void(JobContext&)> work);
  void cancel();
  void setPaused(bool paused);
  bool isRunning() const { return running_; }
  bool isPaused() const;
  // Runs `f` in the GUI thread (for values the work produces, e.g. chart points).
  void post(std::function<void()> f);

 Q_SIGNALS:
  void progress(double fraction, double etaSeconds, const QString& message);
  void finished();
  void cancelled();
  void failed(const QString& message);
  void stopped();  // after any of the three above

 private:
  void join();

  std::unique_ptr<JobContext> ctx_;
  std::thread thread_;
  bool running_ = false;  // GUI thread only
  int hubToken_ = 0;
};

}  // namespace trustct::ui
