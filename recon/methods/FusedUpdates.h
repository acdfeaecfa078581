#pragma once
// The elementwise updates of an L-ADMM iteration, each fused into one pass over its tensors.
// On 16-channel states these passes, not the convolutions, were most of an iteration's non-convolution
// time (docs/learned-methods.md, "Speed"): every unfused tensor expression reads and writes the whole
// state again. The fused loops run where all operands are float32 CPU tensors of one shape and memory
// layout and no gradient is recorded (inference and JFB's no-grad solve); everywhere else — the
// differentiable step, CUDA, mixed layouts — the same formulas run as tensor expressions.
#include <torch/types.h>

namespace trustct::fused {

// p + λ(ν + α(Kx − p)): the argument of the linearised prox step.
torch::Tensor proxArgument(const torch::Tensor& p, const torch::Tensor& nu, const torch::Tensor& kx, double lambda,
                           double alpha);
// ν' = ν + α(Kx − p) and the extrapolated dual 2ν' − ν, returned as {ν', 2ν' − ν}.
std::pair<torch::Tensor, torch::Tensor> dualUpdate(const torch::Tensor& nu, const torch::Tensor& kx,
                                                   const torch::Tensor& p, double alpha);
// q + leaky_relu(c, slope), written into c (a residual layer's output after its convolution c).
torch::Tensor residualLeakyRelu(torch::Tensor c, const torch::Tensor& q, double slope);
// a + ρ(b − a): over-relaxation of an iterate a towards its image b.
torch::Tensor relax(const torch::Tensor& a, const torch::Tensor& b, double rho);
// Soft thresholding scale·sign(q)·max(|q| − λ, 0), in place where fusable.
torch::Tensor softShrink(torch::Tensor q, double lambda, double scale = 1.0);

}  // namespace trustct::fused
