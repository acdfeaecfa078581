#include "recon/methods/LAdmmSolver.h"

#include <torch/torch.h>

#include <sstream>

#include "recon/core/Job.h"
#include "recon/methods/FusedUpdates.h"

namespace trustct {

LAdmmSteps LAdmmSteps::constant(double alpha, double beta, double lambda, const torch::Device& device) {
  auto o = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  return {torch::tensor(alpha, o), torch::tensor(beta, o), torch::tensor(lambda, o)};
}

LAdmmSolver::LAdmmSolver(std::shared_ptr<const RadonOperator> op, const LAdmmProblem& problem)
    : op_(std::move(op)), problem_(problem) {}

torch::Tensor LAdmmSolver::projectBall(const torch::Tensor& z, const torch::Tensor& d, const torch::Tensor& delta) {
  torch::Tensor r = z - d;
  torch::Tensor norm = r.flatten(1).norm(2, 1).clamp_min(1e-12);
  torch::Tensor scale = (delta / norm).clamp_max(1.0);
  std::vector<int64_t> shape(r.dim(), 1);
  shape[0] = -1;
  return d + r * scale.view(shape);
}

LAdmmState LAdmmSolver::initialState(const torch::Tensor& x0, const torch::Tensor& d, const torch::Tensor& delta) const {
  LAdmmState s;
  s.x = x0;
  s.p = problem_.applyK(x0);
  s.w = projectBall(op_->forward(x0.squeeze(1)), d, delta);
  s.nu1 = torch::zeros_like(s.p);
  s.nu2 = torch::zeros_like(s.w);
  return s;
}

torch::Tensor LAdmmProblem::proxNoGrad(const torch::Tensor& p, double lambda) const {
  return prox(p, torch::tensor(lambda, p.options()));
}

bool LAdmmSolver::fusesStep(const LAdmmState& s) {
  return !torch::GradMode::is_enabled() && s.x.device().is_cpu() && s.x.scalar_type() == torch::kFloat32;
}

LAdmmState LAdmmSolver::fusedLayout(LAdmmState s) {
  if (!fusesStep(s) || s.p.dim() != 4) return s;
  s.p = s.p.contiguous(torch::MemoryFormat::ChannelsLast);
  s.nu1 = s.nu1.contiguous(torch::MemoryFormat::ChannelsLast);
  return s;
}

void LAdmmSolver::step(LAdmmState& s, const torch::Tensor& d, const torch::Tensor& delta, const LAdmmSteps& st) const {
  if (fusesStep(s))
    fusedStep(s, d, delta, st);
  else
    referenceStep(s, d, delta, st);
}

void LAdmmSolver::fusedStep(LAdmmState& s, const torch::Tensor& d, const torch::Tensor& delta, const LAdmmSteps& st) const {
  torch::NoGradGuard noGrad;
  const double alpha = st.alpha.item<double>(), beta = st.beta.item<double>(), lambda = st.lambda.item<double>();
  const torch::Tensor Kx = problem_.applyK(s.x).contiguous(s.p.suggest_memory_format());
  const torch::Tensor Ax = op_->forward(s.x.squeeze(1));
  s.p = problem_.proxNoGrad(fused::proxArgument(s.p, s.nu1, Kx, lambda, alpha), lambda);
  s.w = projectBall(fused::proxArgument(s.w, s.nu2, Ax, lambda, alpha), d, delta);
  torch::Tensor m1, m2;
  std::tie(s.nu1, m1) = fused::dualUpdate(s.nu1, Kx, s.p, alpha);
  std::tie(s.nu2, m2) = fused::dualUpdate(s.nu2, Ax, s.w, alpha);
  torch::Tensor r = problem_.applyKt(m1);
  r.add_(op_->adjoint(m2).unsqueeze(1));
  s.x = (s.x - beta * r).clamp_(0.0, 1.0);
}

void LAdmmSolver::referenceStep(LAdmmState& s, const torch::Tensor& d, const torch::Tensor& delta, const LAdmmSteps& st) const {
  const torch::Tensor Kx = problem_.applyK(s.x);
  const torch::Tensor Ax = op_->forward(s.x.squeeze(1));
  s.p = problem_.prox(s.p + st.lambda * (s.nu1 + st.alpha * (Kx - s.p)), st.lambda);
  s.w = projectBall(s.w + st.lambda * (s.nu2 + st.alpha * (Ax - s.w)), d, delta);
  const torch::Tensor nu1Prev = s.nu1, nu2Prev = s.nu2;
  s.nu1 = s.nu1 + st.alpha * (Kx - s.p);
  s.nu2 = s.nu2 + st.alpha * (Ax - s.w);
  const torch::Tensor r = problem_.applyKt(2 * s.nu1 - nu1Prev) + op_->adjoint(2 * s.nu2 - nu2Prev).unsqueeze(1);
  s.x = (s.x - st.beta * r).clamp(0.0, 1.0);
}

LAdmmResult LAdmmSolver::solve(const torch::Tensor& d, const torch::Tensor& delta, const torch::Tensor& x0,
                               const LAdmmSteps& steps, const LAdmmOptions& options, JobContext* ctx) const {
  torch::NoGradGuard noGrad;
  LAdmmResult result;
  LAdmmState s = fusedLayout(initialState(x0, d, delta));
  torch::Tensor residual;
  torch::Tensor firstReached = torch::zeros({d.size(0)}, torch::TensorOptions().dtype(torch::kInt64).device(d.device()));
  for (int k = 1; k <= options.maxIterations; ++k) {
    if (ctx) ctx->throwIfCancelled();
    if (k == options.keepStateBefore) result.keptState = s;
    LAdmmState next = s;
    step(next, d, delta, steps);
    result.previousState = s;
    residual = (next.x - s.x).flatten(1).norm(2, 1);
    firstReached = torch::where((firstReached == 0).logical_and(residual <= options.tolerance),
                                torch::full_like(firstReached, k), firstReached);
    result.iterations = k;
    const double worst = residual.max().item<double>();
    if (ctx && (k % 5 == 0 || k == 1)) {
      std::ostringstream msg;
      msg << "iteration " << k << ", max residual " << worst;
      ctx->report(double(k) / options.maxIterations, msg.str());
    }
    if (worst <= options.tolerance) {
      s = next;
      result.converged = true;
      break;
    }
    if (options.relaxation == 1.0 || (k == options.maxIterations && !options.relaxLastIteration)) {
      s = next;
      continue;
    }
    const double rho = options.relaxation;
    auto relax = [rho](const torch::Tensor& a, const torch::Tensor& b) { return fused::relax(a, b, rho); };
    s = {relax(s.p, next.p), relax(s.w, next.w), relax(s.nu1, next.nu1), relax(s.nu2, next.nu2), relax(s.x, next.x)};
  }
  result.x = s.x;
  result.state = s;
  if (residual.defined()) {
    torch::Tensor r = residual.to(torch::kCPU, torch::kFloat64);
    result.iterateResidual.assign(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
    const torch::Tensor first = firstReached.to(torch::kCPU).contiguous();
    for (int64_t b = 0; b < first.numel(); ++b) {
      const int64_t k = first.data_ptr<int64_t>()[b];
      result.sampleIterations.push_back(k > 0 ? int(k) : result.iterations);
    }
  }
  return result;
}

}  // namespace trustct
