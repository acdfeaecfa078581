#include "recon/methods/TvMin.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>

#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/core/Sha256.h"

namespace trustct {

torch::Tensor FiniteDifferenceProblem::applyK(const torch::Tensor& x) const {
  namespace F = torch::nn::functional;
  const int64_t h = x.size(-2), w = x.size(-1);
  torch::Tensor dx = F::pad(x.narrow(-1, 1, w - 1) - x.narrow(-1, 0, w - 1), F::PadFuncOptions({0, 1, 0, 0}));
  torch::Tensor dy = F::pad(x.narrow(-2, 1, h - 1) - x.narrow(-2, 0, h - 1), F::PadFuncOptions({0, 0, 0, 1}));
  return torch::cat({dx, dy}, 1);
}

torch::Tensor FiniteDifferenceProblem::applyKt(const torch::Tensor& p) const {
  namespace F = torch::nn::functional;
  const int64_t h = p.size(-2), w = p.size(-1);
  // Adjoint of the forward difference with a zero last difference: −(backward difference).
  torch::Tensor px = p.narrow(1, 0, 1).narrow(-1, 0, w - 1);
  torch::Tensor py = p.narrow(1, 1, 1).narrow(-2, 0, h - 1);
  torch::Tensor gx = F::pad(px, F::PadFuncOptions({1, 0, 0, 0})) - F::pad(px, F::PadFuncOptions({0, 1, 0, 0}));
  torch::Tensor gy = F::pad(py, F::PadFuncOptions({0, 0, 1, 0})) - F::pad(py, F::PadFuncOptions({0, 0, 0, 1}));
  return gx + gy;
}

torch::Tensor FiniteDifferenceProblem::prox(const torch::Tensor& p, const torch::Tensor& lambda) const {
  return torch::sign(p) * torch::relu(p.abs() - lambda);
}

LAdmmResult solveTvMin(const std::shared_ptr<const RadonOperator>& op, const torch::Tensor& d, const torch::Tensor& x0,
                       const TvMinParameters& params, JobContext* ctx) {
  torch::NoGradGuard noGrad;
  FiniteDifferenceProblem problem;
  LAdmmSolver solver(op, problem);
  const torch::Tensor delta = params.epsilon * d.flatten(1).norm(2, 1);
  return solver.solve(d, delta, x0, LAdmmSteps::constant(params.alpha, params.beta, params.lambda, d.device()),
                      {params.tolerance, params.maxIterations}, ctx);
}

TvMinMethod::TvMinMethod(const ReconstructionEnvironment& env, TvMinParameters params)
    : env_(env), params_(params), fbp_(env.op, FbpFilter::Hann) {}

TvMinParameters TvMinMethod::defaults() { return TvMinParameters{}; }

std::string TvMinMethod::fingerprint() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "tv;l=%.6g;a=%.6g;b=%.6g;e=%.6g;tol=%.6g;it=%d;%s", params_.lambda, params_.alpha,
                params_.beta, params_.epsilon, params_.tolerance, params_.maxIterations,
                env_.geometry().fingerprint().c_str());
  return sha256Hex(buf).substr(0, 16);
}

void TvMinMethod::setMaxIterations(int n) {
  if (n < 1) throw UsageError("the iteration cap must be >= 1");
  params_.maxIterations = n;
}

ReconstructionOutput TvMinMethod::reconstruct(const torch::Tensor& sinograms, JobContext& ctx) const {
  const auto t0 = std::chrono::steady_clock::now();
  torch::NoGradGuard noGrad;
  const torch::Tensor d = sinograms.to(env_.device, torch::kFloat32);
  const torch::Tensor x0 = fbp_.reconstruct(d).clamp(0.0, 1.0).unsqueeze(1);
  const LAdmmResult r = solveTvMin(env_.op, d, x0, params_, &ctx);
  ReconstructionOutput out;
  out.images = r.x.squeeze(1).to(torch::kCPU);
  out.iterations = r.sampleIterations;
  out.iterateResidual = r.iterateResidual;
  for (double res : r.iterateResidual) out.converged.push_back(res <= params_.tolerance);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace trustct
