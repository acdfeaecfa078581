#pragma once
// Linearised ADMM of both papers (eqs. 3–8) for
//     min_x f(Kx)   s.t.  ‖Ax − d‖ ≤ δ,  x ∈ [0, 1]ⁿ,
// with the full state (p, w, ν₁, ν₂, x) carried across iterations. K, Kᵀ and prox_f come from an
// LAdmmProblem (finite differences and ℓ₁ for TV-Min; learned convolutions for the L2O models).
// x is updated last, so one differentiable step after a no-grad solve gives JFB training.
#include <torch/types.h>

#include <memory>
#include <vector>

#include "recon/geometry/RadonOperator.h"

namespace trustct {

class JobContext;

class LAdmmProblem {
 public:
  virtual ~LAdmmProblem() = default;
  virtual torch::Tensor applyK(const torch::Tensor& x) const = 0;   // (B, 1, H, W) → (B, C, H, W)
  virtual torch::Tensor applyKt(const torch::Tensor& p) const = 0;  // exact adjoint of applyK
  virtual torch::Tensor prox(const torch::Tensor& p, const torch::Tensor& lambda) const = 0;  // prox_{λf}
  // The same prox outside autograd with λ as a number, for the fused step; p is the problem's to
  // overwrite (a temporary of the step).
  virtual torch::Tensor proxNoGrad(const torch::Tensor& p, double lambda) const;
};

// Step sizes as (0-dim) tensors so learned models can train them; constant ones for TV-Min.
struct LAdmmSteps {
  torch::Tensor alpha, beta, lambda;
  static LAdmmSteps constant(double alpha, double beta, double lambda, const torch::Device& device);
};

struct LAdmmState {
  torch::Tensor p, w, nu1, nu2, x;  // x: (B, 1, H, W); w, ν₂: (B, angles, bins); p, ν₁: (B, C, H, W)
};

struct LAdmmOptions {
  double tolerance = 1e-3;  // stop when max over the batch of ‖x^{k+1} − x^k‖₂ ≤ tolerance
  int maxIterations = 200;
  // Over-relaxation of the fixed-point map T on the whole state z = (p, w, ν₁, ν₂, x): z ← z + ρ(T(z) − z)
  // with 1 ≤ ρ < 2 (1: plain iteration). L-ADMM is a proximal-point method, so relaxation keeps its fixed
  // points; the residual tested is ‖T(z).x − z.x‖₂ and the returned state is always a T(z), so x ∈ [0, 1]
  // and w in the data ball hold.
  double relaxation = 1.0;
  // > 0: keep the state the k-th iteration starts from (LAdmmResult::keptState), so that one more
  // differentiable step gives exactly the iterate a solve capped at k returns (JFB at an early cap).
  int keepStateBefore = 0;
  // True: the last iteration is relaxed like the others, so the returned state is the one a longer
  // solve would continue from (JFB's differentiable step then gives exactly the next capped iterate);
  // false: it is T(z), whose x and w keep the constraints.
  bool relaxLastIteration = false;
};

struct LAdmmResult {
  torch::Tensor x;                        // (B, 1, H, W)
  LAdmmState state;                       // final state (for a last differentiable step)
  LAdmmState previousState;               // the state one iteration before (state = T_ρ(previousState))
  LAdmmState keptState;                   // LAdmmOptions::keepStateBefore's state; undefined when not reached
  int iterations = 0;                     // iterations run (the batch stops when every sample has converged)
  std::vector<double> iterateResidual;    // per sample ‖x^k − x^{k−1}‖₂ at the last iteration
  std::vector<int> sampleIterations;      // per sample: first iteration whose residual ≤ tolerance, else the cap
  bool converged = false;                 // every sample within tolerance at the last iteration
};

class LAdmmSolver {
 public:
  LAdmmSolver(std::shared_ptr<const RadonOperator> op, const LAdmmProblem& problem);

  // p = Kx₀, w = proj_B(Ax₀), ν = 0.
  LAdmmState initialState(const torch::Tensor& x0, const torch::Tensor& d, const torch::Tensor& delta) const;
  // One iteration; differentiable when autograd is on. delta: (B) radii of the data balls. Outside
  // autograd on the CPU it is fusedStep, else referenceStep.
  void step(LAdmmState& s, const torch::Tensor& d, const torch::Tensor& delta, const LAdmmSteps& steps) const;
  // The iteration as tensor expressions (any device, differentiable).
  void referenceStep(LAdmmState& s, const torch::Tensor& d, const torch::Tensor& delta, const LAdmmSteps& steps) const;
  // The same iteration with its elementwise updates fused (FusedUpdates.h); the same result up to float
  // rounding, fastest with p and ν₁ channels-last (see fusedLayout).
  void fusedStep(LAdmmState& s, const torch::Tensor& d, const torch::Tensor& delta, const LAdmmSteps& steps) const;
  // Whether step() takes the fused path for this state, and the state moved to the layout it runs
  // fastest in (channels-last p and ν₁ on the CPU: oneDNN's faster convolution layout).
  static bool fusesStep(const LAdmmState& s);
  static LAdmmState fusedLayout(LAdmmState s);
  // Iterates without gradients; reports progress and honours cancellation through `ctx` (may be null).
  LAdmmResult solve(const torch::Tensor& d, const torch::Tensor& delta, const torch::Tensor& x0,
                    const LAdmmSteps& steps, const LAdmmOptions& options, JobContext* ctx) const;

  // Projection of each sample of z onto the ball B(d, δ).
  static torch::Tensor projectBall(const torch::Tensor& z, const torch::Tensor& d, const torch::Tensor& delta);

 private:
  std::shared_ptr<const RadonOperator> op_;
  const LAdmmProblem& problem_;
};

}  // namespace trustct
