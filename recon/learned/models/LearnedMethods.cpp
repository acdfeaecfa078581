#include "recon/learned/models/LearnedMethods.h"

#include <chrono>

#include "recon/core/Job.h"
#include "recon/core/Sha256.h"

namespace trustct {

LearnedMethod::LearnedMethod(const ReconstructionEnvironment& env, StoredModel stored, std::string id,
                             std::string displayName)
    : env_(env), stored_(std::move(stored)), id_(std::move(id)), displayName_(std::move(displayName)),
      fbp_(env.op, FbpFilter::Hann) {}

std::unique_ptr<LearnedMethod> LearnedMethod::loadShipped(const ReconstructionEnvironment& env, ModelKind kind) {
  return std::make_unique<LearnedMethod>(env, loadModel(shippedModelDirectory(env.resourceDir, kind), env.op, env.device));
}

std::string LearnedMethod::fingerprint() const {
  return sha256Hex(id() + ";" + stored_.model->weightsFingerprint() + ";" + env_.geometry().fingerprint()).substr(0, 16);
}

ReconstructionOutput LearnedMethod::reconstruct(const torch::Tensor& sinograms, JobContext& ctx) const {
  const auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard noGrad;
  const torch::Tensor d = sinograms.to(env_.device, torch::kFloat32);
  const LearnedInference r = stored_.model->infer(d, learnedModelFbp(fbp_, d), maxIterations(), &ctx);
  ReconstructionOutput out;
  out.images = r.x.squeeze(1).to(torch::kCPU);
  if (!r.iterateResidual.empty()) {
    out.iterations = r.sampleIterations;
    out.iterateResidual = r.iterateResidual;
    for (double res : r.iterateResidual) out.converged.push_back(res <= stored_.model->spec().tolerance);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ctx.report(1.0, "done");
  return out;
}

int LearnedMethod::maxIterations() const {
  if (stored_.model->spec().kind == ModelKind::UNet) return 0;
  return maxIterations_ > 0 ? maxIterations_ : stored_.model->spec().maxIterations;
}

void LearnedMethod::setMaxIterations(int n) {
  if (maxIterations() == 0 || n < 1) return ReconstructionMethod::setMaxIterations(n);
  maxIterations_ = n;
}

void registerLearnedMethods(MethodRegistry& registry) {
  for (ModelKind kind : allModelKinds()) {
    registry.add(
        modelId(kind), modelDisplayName(kind),
        [kind](const ReconstructionEnvironment& env) -> std::unique_ptr<ReconstructionMethod> {
          return LearnedMethod::loadShipped(env, kind);
        },
        [kind](const ReconstructionEnvironment& env) {
          return storedModelProblem(shippedModelDirectory(env.resourceDir, kind));
        });
  }
}

}  // namespace trustct
