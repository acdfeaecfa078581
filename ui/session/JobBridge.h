#pragma once
// The one bridge from the core's jobs (recon/core/Job.h) to Qt, used by every long task of the GUI
// (reconstruction, case loading, DICOM transfer, the wizard's work): work submitted here runs in one
// worker thread below the GUI thread's priority (so the event loop stays responsive on a two-core
// machine), each piece as its own JobContext. Its states — queued, running, paused, cancelled, failed,
// finished — and its progress (its own and its child jobs', from the ProgressHub, throttled per job) arrive
// as signals in the GUI thread, in the order they happened. A job's result reaches the GUI thread as the
// Completion its work returns, run there just before the job reports Finished.
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "recon/core/Job.h"

namespace trustct::ui {

class JobBridge : public QObject {
  Q_OBJECT
 public:
  enum class State { Queued, Running, Paused, Cancelled, Failed, Finished };
  Q_ENUM(State)
  using Completion = std::function<void()>;            // runs in the GUI thread; may be empty
  using Work = std::function<Completion(JobContext&)>;  // runs in the worker thread

  // Progress of a running job is passed on at most every `progressIntervalMs` (and always at 100 %):
  // each update repaints widgets, which costs tens of milliseconds with software OpenGL.
  explicit JobBridge(int progressIntervalMs = 200, QObject* parent = nullptr);
  ~JobBridge() override;  // cancels every job and waits: no work outlives its owner

  // Queues `work` behind the jobs already submitted; returns the job's id (its ProgressEvent::rootJobId).
  quint64 submit(const QString& name, Work work);
  // Queued jobs end as cancelled without running; a running one at its next cancellation check.
  void cancelAll();
  // cancelAll(), and no further signal from any job submitted so far (a newer request supersedes them).
  void discard();
  // Pauses or resumes every job, queued ones included; the running one holds at its next check.
  void setPaused(bool paused);
  bool isPaused() const { return paused_; }
  // A job submitted since the last discard() has not ended yet. False already while the last job's
  // end is being signalled.
  bool isBusy() const { return pending_ > 0; }
  bool waitForDone(int msecs = -1) { return pool_.waitForDone(msecs); }  // its final signals may still be queued
  // Runs `f` in the GUI thread after everything posted before it (callable from the work).
  void post(std::function<void()> f);

  static const char* stateName(State s);

 Q_SIGNALS:
  // message: the error when Failed, else empty.
  void stateChanged(quint64 id, JobBridge::State state, const QString& message);
  void progress(quint64 id, double fraction, double etaSeconds, const QString& message);
  void idle();  // every job submitted since the last discard() has ended

 private:
  struct Jobs;  // shared with the hub listener, which may outlive the bridge by one call
  void postIfCurrent(quint64 generation, std::function<void()> f);
  void end(quint64 id, quint64 generation, State state, const QString& message, const Completion& completion);

  std::shared_ptr<Jobs> jobs_;
  QThreadPool pool_;
  std::atomic<bool> paused_{false};
  quint64 running_ = 0;  // the job in the worker, 0 when none (GUI thread)
  int pending_ = 0;      // GUI thread
  int hubToken_ = 0;
};

}  // namespace trustct::ui
