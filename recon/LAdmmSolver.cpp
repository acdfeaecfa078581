#include "recon/LAdmmSolver.h"

#include <torch/torch.h>

#include <sstream>

#include "recon/Job.h"

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

void LAdmmSolver::step(LAdmmState& s, const torch::Tensor& d, const torch::Tensor& delta, const LAdmmSteps& st) const {
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
  LAdmmState s = initialState(x0, d, delta);
  torch::Tensor residual;
  for (int k = 1; k <= options.maxIterations; ++k) {
    if (ctx) ctx->throwIfCancelled();
    const torch::Tensor xPrev = s.x;
    step(s, d, delta, steps);
    residual = (s.x - xPrev).flatten(1).norm(2, 1);
    result.iterations = k;
    const double worst = residual.max().item<double>();
    if (ctx && (k % 5 == 0 || k == 1)) {
      std::ostringstream msg;
      msg << "iteration " << k << ", max residual " << worst;
      ctx->report(double(k) / options.maxIterations, msg.str());
    }
    if (worst <= options.tolerance) {
      result.converged = true;
      break;
    }
  }
  result.x = s.x;
  result.state = s;
  if (residual.defined()) {
    torch::Tensor r = residual.to(torch::kCPU, torch::kFloat64);
    result.iterateResidual.assign(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
  }
  return result;
}

}  // namespace trustct
