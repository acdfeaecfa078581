#pragma once
// TV-Min: total-variation minimisation under the data constraint, solved iteratively by L-ADMM.
#include "recon/methods/Fbp.h"
#include "recon/methods/LAdmmSolver.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct {

// K = forward differences (Neumann boundary), f = ‖·‖₁ (anisotropic TV), prox = soft thresholding.
class FiniteDifferenceProblem : public LAdmmProblem {
 public:
  torch::Tensor applyK(const torch::Tensor& x) const override;
  torch::Tensor applyKt(const torch::Tensor& p) const override;
  torch::Tensor prox(const torch::Tensor& p, const torch::Tensor& lambda) const override;
};

// min ‖Dx‖₁ s.t. ‖Ax − d‖ ≤ ε‖d‖, x ∈ [0,1], by L-ADMM warm-started from FBP. Four parameters.
// The authors' code uses λ = α = β = ε = 0.1, which after 300 iterations is still 9 dB short of its
// fixed point here. These were chosen on Ellipses training seed 2024 (never a test seed): λα ≤ 1 and
// αβ‖[D; A]‖² < 1 (‖D‖² < 8, ‖A‖ = 1) keep the iteration stable; a large dual step α with a small
// primal step β settles in ~300 iterations. ε = 0.015 matches the default 1.5 % noise. The cap lets the
// solve reach its tolerance (median 375 iterations, 63 of 64 images within 600 on a held-out Ellipses
// seed; docs/learned-methods.md), since the convergence certificate is judged by that tolerance.
struct TvMinParameters {
  double lambda = 0.033, alpha = 30, beta = 0.0033, epsilon = 0.015;
  double tolerance = 1e-3;
  int maxIterations = 800;
};

// TV-Min's L-ADMM solve from x0 (batch (B, 1, H, W) in [0, 1]) with δ = ε‖d‖: the method's own solve and the
// L2O models' TV warm start (ModelSpec::tvWarmStart).
LAdmmResult solveTvMin(const std::shared_ptr<const RadonOperator>& op, const torch::Tensor& d, const torch::Tensor& x0,
                       const TvMinParameters& params, JobContext* ctx);

class TvMinMethod : public ReconstructionMethod {
 public:
  TvMinMethod(const ReconstructionEnvironment& env, TvMinParameters params = defaults());
  static TvMinParameters defaults();
  std::string id() const override { return "tv"; }
  std::string displayName() const override { return "TV-Min"; }
  int64_t parameterCount() const override { return 4; }
  std::string fingerprint() const override;
  const TvMinParameters& parameters() const { return params_; }
  ReconstructionOutput reconstruct(const torch::Tensor& sinograms, JobContext& ctx) const override;
  int maxIterations() const override { return params_.maxIterations; }
  void setMaxIterations(int n) override;

 private:
  ReconstructionEnvironment env_;
  TvMinParameters params_;
  FilteredBackProjection fbp_;
};

}  // namespace trustct
