#pragma once
// Runs the reconstruction methods of one case as jobs of a JobBridge (one after another in its worker) and
// certifies each output through CertifiedReconstruction, the same call as `trustct-cli reconstruct` and
// `export`: a result keeps the image tensor and the method's AlgorithmInfo from when it ran, which the
// export writes. cancel() cancels the run's jobs, which every method checks once per iteration; a
// cancelled or failed method delivers no result at all. Signals are emitted in the GUI thread.
#include <QObject>
#include <QString>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "certs/CertifiedReconstruction.h"
#include "certs/Certifier.h"
#include "ui/CaseSource.h"
#include "ui/session/JobBridge.h"
#include "viewer/ImageBuffer.h"

namespace trustct::ui {

viewer::ImageBuffer imageBufferFrom(const torch::Tensor& image);  // (H, W) float tensor

// How a run's methods ended: what the window says once it is over, so a cancelled or failed run is never
// reported as "finished".
struct RunOutcome {
  int finished = 0, cancelled = 0;
  std::vector<std::pair<QString, QString>> failed;  // (method id, reason)
};
// "Reconstruction finished (6 methods)", "Reconstruction cancelled: 2 finished, 4 cancelled",
// "Reconstruction failed: U-Net: <reason>"; `title` names a method by its id.
QString describeRunOutcome(const RunOutcome& outcome, const std::function<QString(const QString&)>& title);

class ReconstructionRunner : public QObject {
  Q_OBJECT
 public:
  explicit ReconstructionRunner(ReconstructionEnvironment env, QObject* parent = nullptr);
  ~ReconstructionRunner() override = default;  // the bridge cancels and waits for the worker

  void setCertifier(std::shared_ptr<const Certifier> certifier) { certifier_ = std::move(certifier); }
  // A method with its own calibration (a user's model); null: the method gets no certificates.
  void setMethodCertifier(const std::string& id, std::shared_ptr<const Certifier> certifier);
  std::shared_ptr<const Certifier> certifierFor(const std::string& id) const;
  // Cancels a run in progress, then queues `methodIds` for `c`.
  void start(const CaseData& c, const std::vector<std::string>& methodIds);
  void cancel();   // the run's methods end as cancelled (signals still arrive)
  void discard();  // cancel and forget the run: no more signals from it
  bool isRunning() const { return bridge_.isBusy(); }
  bool waitForDone(int msecs = -1) { return bridge_.waitForDone(msecs); }  // worker idle (events may still be queued)
  const std::map<std::string, CertifiedResult>& results() const { return results_; }
  const RunOutcome& outcome() const { return outcome_; }  // of the current (or last) run

 Q_SIGNALS:
  void methodQueued(const QString& id);
  void methodStarted(const QString& id);
  void methodProgress(const QString& id, double fraction, double etaSeconds, const QString& message);
  void methodFinished(const QString& id);  // results() holds it
  void methodCancelled(const QString& id);
  void methodFailed(const QString& id, const QString& message);
  void runFinished();  // every method of the run has finished, been cancelled or failed

 private:
  void onStateChanged(quint64 job, JobBridge::State state, const QString& message);

  ReconstructionEnvironment env_;
  std::shared_ptr<const Certifier> certifier_;
  std::map<std::string, std::shared_ptr<const Certifier>> methodCertifiers_;
  JobBridge bridge_;
  std::map<quint64, QString> methodOfJob_;  // this run's jobs
  std::map<std::string, CertifiedResult> results_;
  RunOutcome outcome_;
};

}  // namespace trustct::ui
