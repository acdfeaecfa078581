#include "ui/ReconstructionRunner.h"

#include <torch/torch.h>

#include <QStringList>

#include "recon/methods/MethodRegistry.h"

namespace trustct::ui {

viewer::ImageBuffer imageBufferFrom(const torch::Tensor& image) {
  const torch::Tensor t = image.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  viewer::ImageBuffer b{int(t.size(0)), int(t.size(1)), {}};
  b.pixels.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  return b;
}

ReconstructionRunner::ReconstructionRunner(ReconstructionEnvironment env, QObject* parent)
    : QObject(parent), env_(std::move(env)), bridge_(200) {
  connect(&bridge_, &JobBridge::stateChanged, this, &ReconstructionRunner::onStateChanged);
  connect(&bridge_, &JobBridge::progress, this, [this](quint64 job, double fraction, double eta, const QString& message) {
    const auto it = methodOfJob_.find(job);
    if (it != methodOfJob_.end()) Q_EMIT methodProgress(it->second, fraction, eta, message);
  });
  connect(&bridge_, &JobBridge::idle, this, &ReconstructionRunner::runFinished);
}

QString describeRunOutcome(const RunOutcome& o, const std::function<QString(const QString&)>& title) {
  const int failed = int(o.failed.size()), total = o.finished + o.cancelled + failed;
  QString head;
  if (o.cancelled > 0) head = QObject::tr("Reconstruction cancelled");
  else if (failed > 0 && o.finished == 0) head = QObject::tr("Reconstruction failed");
  else if (failed > 0) head = QObject::tr("Reconstruction finished with %1 %2").arg(failed).arg(failed == 1 ? "failure" : "failures");
  else return QObject::tr("Reconstruction finished (%1 %2)").arg(total).arg(total == 1 ? "method" : "methods");
  QStringList parts;
  if (o.cancelled > 0 || failed > 0) parts << QObject::tr("%1 finished").arg(o.finished);
  if (o.cancelled > 0) parts << QObject::tr("%1 cancelled").arg(o.cancelled);
  for (const auto& [id, reason] : o.failed) parts << QObject::tr("%1 failed: %2").arg(title(id), reason);
  return head + ": " + parts.join(", ");
}

void ReconstructionRunner::cancel() { bridge_.cancelAll(); }

void ReconstructionRunner::discard() {
  bridge_.discard();
  methodOfJob_.clear();
  results_.clear();
}

void ReconstructionRunner::start(const CaseData& c, const std::vector<std::string>& methodIds) {
  discard();  // the previous run's methods end as cancelled, unseen
  outcome_ = {};
  for (const auto& id : methodIds) {
    const quint64 job = bridge_.submit(QString::fromStdString(id), [this, id, c, certifier = certifierFor(id)](JobContext& ctx) {
      torch::NoGradGuard noGrad;
      const auto method = MethodRegistry::instance().create(id, env_);
      const CertifiedReconstruction certified(*method, certifier.get(), *env_.op);
      auto result = std::make_shared<CertifiedResult>(std::move(certified.run(c.sinogram.unsqueeze(0), {c.reference}, ctx).at(0)));
      return [this, id, result] { results_[id] = std::move(*result); };
    });
    methodOfJob_[job] = QString::fromStdString(id);
    Q_EMIT methodQueued(QString::fromStdString(id));
  }
  if (methodIds.empty()) Q_EMIT runFinished();
}

void ReconstructionRunner::onStateChanged(quint64 job, JobBridge::State state, const QString& message) {
  const auto it = methodOfJob_.find(job);
  if (it == methodOfJob_.end()) return;
  const QString id = it->second;
  switch (state) {
    case JobBridge::State::Queued:
    case JobBridge::State::Paused: break;  // methodQueued went out with start(); the runner does not pause
    case JobBridge::State::Running: Q_EMIT methodStarted(id); break;
    case JobBridge::State::Finished:
      ++outcome_.finished;
      Q_EMIT methodFinished(id);
      break;
    case JobBridge::State::Cancelled:
      ++outcome_.cancelled;
      Q_EMIT methodCancelled(id);
      break;
    case JobBridge::State::Failed:
      outcome_.failed.emplace_back(id, message);
      Q_EMIT methodFailed(id, message);
      break;
  }
}

void ReconstructionRunner::setMethodCertifier(const std::string& id, std::shared_ptr<const Certifier> certifier) {
  methodCertifiers_[id] = std::move(certifier);
}

std::shared_ptr<const Certifier> ReconstructionRunner::certifierFor(const std::string& id) const {
  const auto it = methodCertifiers_.find(id);
  return it != methodCertifiers_.end() ? it->second : certifier_;
}

}  // namespace trustct::ui
