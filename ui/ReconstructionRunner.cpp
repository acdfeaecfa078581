#include "ui/ReconstructionRunner.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <torch/torch.h>
#include <unistd.h>

#include <QPointer>
#include <chrono>
#include <mutex>

#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/methods/MethodRegistry.h"

namespace trustct::ui {

viewer::ImageBuffer imageBufferFrom(const torch::Tensor& image) {
  const torch::Tensor t = image.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  viewer::ImageBuffer b{int(t.size(0)), int(t.size(1)), {}};
  b.pixels.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  return b;
}

// One start(): the parent job every method's job hangs off (so one cancel reaches all), and which
// job id belongs to which method (for progress events from the hub).
struct ReconstructionRunner::Run {
  JobContext parent{"reconstruction"};
  std::mutex mutex;
  std::map<uint64_t, std::string> methodOfJob;
  std::map<uint64_t, std::chrono::steady_clock::time_point> lastPost;
  int pending = 0;  // GUI thread only
};

ReconstructionRunner::ReconstructionRunner(ReconstructionEnvironment env, QObject* parent)
    : QObject(parent), env_(std::move(env)) {
  pool_.setMaxThreadCount(1);  // methods one after another: each gets both cores, results arrive in order
  hubToken_ = ProgressHub::instance().subscribe([this](const ProgressEvent& e) { onHubEvent(e); });
}

ReconstructionRunner::~ReconstructionRunner() {
  ProgressHub::instance().unsubscribe(hubToken_);
  cancel();
  pool_.waitForDone();
}

void ReconstructionRunner::cancel() {
  if (run_) run_->parent.requestCancel();
}

void ReconstructionRunner::discard() {
  cancel();
  std::atomic_store(&run_, std::shared_ptr<Run>());
  results_.clear();
}

bool ReconstructionRunner::waitForDone(int msecs) { return pool_.waitForDone(msecs); }

void ReconstructionRunner::start(const CaseData& c, const std::vector<std::string>& methodIds) {
  cancel();
  std::atomic_store(&run_, std::make_shared<Run>());  // the hub listener reads it from worker threads
  results_.clear();
  for (const auto& id : methodIds) {
    ++run_->pending;
    Q_EMIT methodQueued(QString::fromStdString(id));
    std::shared_ptr<Run> run = run_;
    pool_.start([this, run, id, c, certifier = certifierFor(id)] { runMethod(run, id, c, certifier); });
  }
  if (methodIds.empty()) Q_EMIT runFinished();
}

void ReconstructionRunner::onHubEvent(const ProgressEvent& e) {
  // Called on worker threads. Only this run's jobs, at most every 200 ms each (plus the last one):
  // each update repaints the window, which costs tens of milliseconds with software OpenGL.
  std::shared_ptr<Run> run = std::atomic_load(&run_);
  if (!run) return;
  std::string method;
  {
    std::lock_guard<std::mutex> lock(run->mutex);
    const auto it = run->methodOfJob.find(e.jobId);
    if (it == run->methodOfJob.end()) return;
    const auto now = std::chrono::steady_clock::now();
    auto& last = run->lastPost[e.jobId];
    if (e.fraction < 1 && e.state == JobState::Running && now - last < std::chrono::milliseconds(200)) return;
    last = now;
    method = it->second;
  }
  const QString id = QString::fromStdString(method), message = QString::fromStdString(e.message);
  const double fraction = e.fraction, eta = e.etaSeconds;
  QMetaObject::invokeMethod(this, [this, run, id, fraction, eta, message] {
    if (run == run_) Q_EMIT methodProgress(id, fraction, eta, message);
  }, Qt::QueuedConnection);
}

void ReconstructionRunner::setMethodCertifier(const std::string& id, std::shared_ptr<const Certifier> certifier) {
  methodCertifiers_[id] = std::move(certifier);
}

std::shared_ptr<const Certifier> ReconstructionRunner::certifierFor(const std::string& id) const {
  const auto it = methodCertifiers_.find(id);
  return it != methodCertifiers_.end() ? it->second : certifier_;
}

void ReconstructionRunner::runMethod(const std::shared_ptr<Run>& run, const std::string& id, const CaseData& c,
                                     const std::shared_ptr<const Certifier>& certifier) {
  // Below the GUI thread's priority, so the event loop stays responsive on a machine with two cores.
  // Threads LibTorch starts from here inherit it.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
  torch::NoGradGuard noGrad;
  const QString qid = QString::fromStdString(id);
  JobContext ctx(id, &run->parent);
  {
    std::lock_guard<std::mutex> lock(run->mutex);
    run->methodOfJob[ctx.id()] = id;
  }
  enum class Outcome { Finished, Cancelled, Failed } outcome = Outcome::Finished;
  QString error;
  CertifiedResult result;
  if (run->parent.cancelRequested()) {
    outcome = Outcome::Cancelled;
  } else {
    QMetaObject::invokeMethod(this, [this, run, qid] { if (run == run_) Q_EMIT methodStarted(qid); }, Qt::QueuedConnection);
    try {
      ctx.run([&](JobContext& job) {
        const auto method = MethodRegistry::instance().create(id, env_);
        const CertifiedReconstruction certified(*method, certifier.get(), *env_.op);
        result = std::move(certified.run(c.sinogram.unsqueeze(0), {c.reference}, job).at(0));
      });
    } catch (const CancelledError&) {
      outcome = Outcome::Cancelled;
    } catch (const std::exception& e) {
      outcome = Outcome::Failed;
      error = QString::fromStdString(e.what());
    }
  }
  QMetaObject::invokeMethod(this, [this, run, qid, outcome, error, result = std::move(result)]() mutable {
    if (run != run_) return;  // a newer run replaced this one
    switch (outcome) {
      case Outcome::Finished:
        results_[qid.toStdString()] = std::move(result);
        Q_EMIT methodFinished(qid);
        break;
      case Outcome::Cancelled: Q_EMIT methodCancelled(qid); break;
      case Outcome::Failed: Q_EMIT methodFailed(qid, error); break;
    }
    methodDone(run);
  }, Qt::QueuedConnection);
}

bool ReconstructionRunner::isRunning() const { return run_ && run_->pending > 0; }

void ReconstructionRunner::methodDone(const std::shared_ptr<Run>& run) {
  if (--run->pending == 0) Q_EMIT runFinished();
}

}  // namespace trustct::ui
