#include "recon/methods/FbpMethod.h"

#include <torch/torch.h>

#include <chrono>

#include "recon/core/Job.h"
#include "recon/core/Sha256.h"

namespace trustct {
FbpMethod::FbpMethod(const ReconstructionEnvironment& env, FbpFilter filter) : env_(env), fbp_(env.op, filter) {}

std::string FbpMethod::fingerprint() const {
  return sha256Hex("fbp;" + fbpFilterName(fbp_.filter()) + ";" + env_.geometry().fingerprint()).substr(0, 16);
}

ReconstructionOutput FbpMethod::reconstruct(const torch::Tensor& sinograms, JobContext& ctx) const {
  const auto t0 = std::chrono::steady_clock::now();
  ctx.throwIfCancelled();
  ReconstructionOutput out;
  out.images = fbp_.reconstruct(sinograms.to(env_.device)).to(torch::kCPU);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ctx.report(1.0, "done");
  return out;
}

}  // namespace trustct
