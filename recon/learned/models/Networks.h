#pragma once
// The papers' networks (docs/learned-methods.md) as LibTorch modules. Device-generic: every tensor follows the
// module (`to(device)`), nothing assumes the CPU.
//   ConvL2ONet     K (3×3 conv 1→C, no bias), Kᵀ (its exact adjoint, sharing the weight), learned prox R
//                  (3 residual 5×5 conv layers N, LeakyReLU 0.1; optionally followed by soft thresholding
//                  at λ) and the L-ADMM step sizes α, β, λ, s.
//   FixedPointNet  F-FPN's N_Θ: 4 residual blocks of two 3×3 convolutions (1→42→…→42→1), 96,307 parameters.
//   UNet           the FBP post-processing U-Net, 533,593 parameters.
#include <torch/torch.h>

#include "recon/methods/LAdmmSolver.h"

namespace trustct {

// Implicit L2O (steps trainable) and Scale_L2O (steps frozen: stored as buffers, not parameters).
class ConvL2ONetImpl : public torch::nn::Module, public LAdmmProblem {
 public:
  struct Steps {
    double alpha = 0.1, beta = 0.1, lambda = 0.1, s = -5;  // δ = e^s·‖d‖
  };
  // The form of the learned prox.
  //   Residual   R = N, the papers' three residual layers (λ absorbed into the weights).
  //   Shrinkage  R = S_λ ∘ N, soft thresholding at λ after N (ours, no parameters): with N = identity and
  //              K = finite differences the model *is* TV-Min's L-ADMM (initialiseAsTv), so training
  //              starts from a convergent iteration at TV-Min's quality instead of from nothing, and the
  //              threshold keeps p sparse as a prox of a learned ℓ₁ prior does.
  enum class Prox { Residual, Shrinkage };
  // rLipschitz > 0 bounds the spectral norm of each of N's convolutions (so N is (1 + rLipschitz)³-Lipschitz)
  // and, with it, ‖K‖ so that αβ(‖K‖² + ‖A‖²) ≤ 0.98 (L-ADMM's convergence region); 0 leaves both free.
  // contraction c ∈ (0, 1] scales the prox's output: c·R is the prox of a strongly convex prior when R is
  // nonexpansive, so L-ADMM converges linearly instead of at its O(1/k) rate (docs/learned-methods.md).
  // fixedKScale: ‖K‖_F stays at its value when training starts (weight normalisation with a frozen gain).
  // With a contracted prox the prior is strongly convex in Kx, so a smaller K buys a weaker quadratic
  // penalty (sharper edges) with a slower iteration; holding K's scale leaves training only K's shape
  // and N to improve the image (docs/learned-methods.md, "Session 11").
  ConvL2ONetImpl(int channels, bool trainSteps, Steps initial, Prox prox = Prox::Residual, double rLipschitz = 0,
                 double contraction = 1.0, bool fixedKScale = false);

  torch::Tensor applyK(const torch::Tensor& x) const override;
  torch::Tensor applyKt(const torch::Tensor& p) const override;
  // The learned prox R (λ is absorbed into R's weights).
  torch::Tensor prox(const torch::Tensor& p, const torch::Tensor& lambda) const override;
  torch::Tensor proxNoGrad(const torch::Tensor& p, double lambda) const override;  // R's updates fused
  torch::Tensor applyR(const torch::Tensor& p) const;

  // α, β, λ = exp(log value), kept inside [1e-6, 1e4] by clamping the logs after each optimiser step.
  LAdmmSteps steps() const;
  Steps stepValues() const;
  torch::Tensor delta(const torch::Tensor& d) const;  // (B): e^s·‖d_b‖
  void clampSteps();
  // After each optimiser step: clampSteps(), K back to its held scale (fixedKScale; the first call records
  // it), and with rLipschitz > 0 also λα ≤ 1, N's convolutions
  // rescaled to spectral norm ≤ rLipschitz and K to αβ(‖K‖² + 1) ≤ 0.98 (norms by power iteration with
  // persistent vectors, so a few iterations per step suffice; `powerIterations` > 0 overrides that count,
  // e.g. kFreshNormIterations after weights were replaced).
  static constexpr int kFreshNormIterations = 50;
  void enforceConvergenceRegion(int powerIterations = 0);
  // K = [forward difference along x; along y; the other channels at a tenth of their initial values],
  // N's residual branches at 1 % of their initial scale with zero bias: for the Shrinkage prox and
  // TV-Min's step sizes this is TV-Min (up to K's zero-padded boundary and the small extra channels).
  void initialiseAsTv();
  // The spectral norm of K (‖K‖₂ as an operator on images of `size`²), by power iteration.
  double kNorm(int64_t size = 128, int iterations = 50) const;
  double kFrobeniusNorm() const;
  bool fixedKScale() const { return kScale_.defined(); }
  void holdKScale();  // fixedKScale: hold K at its current ‖K‖_F (after a trained model's weights replaced it)
  // The step-size parameters when they train (Implicit L2O), else empty.
  std::vector<torch::Tensor> stepParameters() const;

  // Copies a trained network with at most as many channels into the leading channels (weights and, when
  // both train them, step sizes). The remaining channels keep their initial values with K's at a tenth,
  // so the widened network starts as almost exactly the trained one (Scale_L2O → Implicit L2O).
  void embed(const ConvL2ONetImpl& trained);

  // ‖Kx − R(Kx)‖₂ per image: the data-driven regularisation certificate. x: (B, 1, H, W) → (B).
  torch::Tensor regularizationResidual(const torch::Tensor& x) const;

  int channels() const { return channels_; }
  bool trainsSteps() const { return trainSteps_; }
  Prox proxForm() const { return prox_; }
  // Trainable parameters with Kᵀ sharing K's weight: 75C² + 12C (+ 4 when the steps train).
  int64_t uniqueParameterCount() const;
  // The papers' convention, which counts Kᵀ's weight as a separate tensor: 75C² + 21C (+ 4).
  int64_t paperParameterCount() const;

 private:
  int channels_;
  bool trainSteps_;
  Prox prox_;
  double rLipschitz_;
  double contraction_;
  torch::Tensor kWeight_;                       // (C, 1, 3, 3)
  std::vector<torch::Tensor> rWeight_, rBias_;  // 3 × (C, C, 5, 5) and (C)
  torch::Tensor logAlpha_, logBeta_, logLambda_, s_;
  // Power-iteration vectors of K and of N's convolutions (buffers, as in PyTorch's spectral_norm, so a
  // resumed run continues with the same estimates); registered only when rLipschitz > 0.
  torch::Tensor kVector_;
  std::vector<torch::Tensor> rVectors_;
  int normIterations_ = 3;  // power iterations at the next enforceConvergenceRegion()
  torch::Tensor kScale_;    // fixedKScale: the held ‖K‖_F (a buffer; 0 until the first enforceConvergenceRegion)
};
TORCH_MODULE(ConvL2ONet);

class FixedPointNetImpl : public torch::nn::Module {
 public:
  static constexpr int kChannels = 42;
  static constexpr double kSlope = 0.05;
  FixedPointNetImpl();
  // N_Θ(u) = u + block₄(block₃(block₂(block₁(u)))) with residual connections inside blocks 2 and 3.
  torch::Tensor forward(const torch::Tensor& u);
  // Scales every convolution so that the estimated Lipschitz constant of `op` is at most gamma.
  // `lipschitzRatio` is the measured ‖op(u + η) − op(u)‖ / ‖η‖ (mean over the batch).
  void rescale(double lipschitzRatio, double gamma);

 private:
  torch::nn::ModuleList convs_;  // 8 convolutions, 3×3, bias
};
TORCH_MODULE(FixedPointNet);

class UNetImpl : public torch::nn::Module {
 public:
  UNetImpl();
  // (B, 1, H, W) with H, W divisible by 8. Returns x + U(x) (ours: a global skip, no parameters): the
  // authors' last block reaches full resolution through one 1-channel transposed convolution of a
  // half-resolution map, which on its own cannot carry the FBP's detail (trained without the skip it
  // stayed below FBP after 21 epochs: 21.6 vs 22.4 dB).
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Sequential down1_, down2_, down3_, up3_, up2_, up1_;
};
TORCH_MODULE(UNet);

int64_t countTrainableParameters(const torch::nn::Module& m);

}  // namespace trustct
