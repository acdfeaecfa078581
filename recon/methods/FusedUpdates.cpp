#include "recon/methods/FusedUpdates.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <initializer_list>

namespace trustct::fused {
namespace {

constexpr int64_t kGrain = 32768;

// Float32 CPU tensors of one shape and one dense layout, outside autograd: then they are flat arrays
// walked in the same order.
bool fusable(std::initializer_list<const torch::Tensor*> ts) {
  if (torch::GradMode::is_enabled()) return false;
  const torch::Tensor& first = **ts.begin();
  for (const torch::Tensor* t : ts) {
    if (!t->defined() || !t->device().is_cpu() || t->scalar_type() != torch::kFloat32 || t->requires_grad() ||
        !t->is_non_overlapping_and_dense() || t->sizes() != first.sizes() || t->strides() != first.strides())
      return false;
  }
  return true;
}

// Runs f(begin, end) over [0, n) in parallel chunks.
template <typename F>
void forChunks(int64_t n, F f) {
  at::parallel_for(0, n, kGrain, f);
}

}  // namespace

torch::Tensor proxArgument(const torch::Tensor& p, const torch::Tensor& nu, const torch::Tensor& kx, double lambda,
                           double alpha) {
  if (!fusable({&p, &nu, &kx})) return p + lambda * (nu + alpha * (kx - p));
  torch::Tensor out = torch::empty_like(p);
  const float* __restrict pp = p.data_ptr<float>();
  const float* __restrict pn = nu.data_ptr<float>();
  const float* __restrict pk = kx.data_ptr<float>();
  float* __restrict po = out.data_ptr<float>();
  const float l = float(lambda), la = float(lambda * alpha);
  forChunks(p.numel(), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) po[i] = pp[i] + l * pn[i] + la * (pk[i] - pp[i]);
  });
  return out;
}

std::pair<torch::Tensor, torch::Tensor> dualUpdate(const torch::Tensor& nu, const torch::Tensor& kx,
                                                   const torch::Tensor& p, double alpha) {
  if (!fusable({&nu, &kx, &p})) {
    torch::Tensor next = nu + alpha * (kx - p);
    return {next, 2 * next - nu};
  }
  torch::Tensor next = torch::empty_like(nu), extrapolated = torch::empty_like(nu);
  const float* __restrict pn = nu.data_ptr<float>();
  const float* __restrict pk = kx.data_ptr<float>();
  const float* __restrict pp = p.data_ptr<float>();
  float* __restrict po = next.data_ptr<float>();
  float* __restrict pe = extrapolated.data_ptr<float>();
  const float a = float(alpha);
  forChunks(nu.numel(), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const float v = pn[i] + a * (pk[i] - pp[i]);
      po[i] = v;
      pe[i] = 2 * v - pn[i];
    }
  });
  return {next, extrapolated};
}

torch::Tensor relax(const torch::Tensor& a, const torch::Tensor& b, double rho) {
  if (!fusable({&a, &b})) return a + rho * (b - a);
  torch::Tensor out = torch::empty_like(a);
  const float* __restrict pa = a.data_ptr<float>();
  const float* __restrict pb = b.data_ptr<float>();
  float* __restrict po = out.data_ptr<float>();
  const float r = float(rho);
  forChunks(a.numel(), [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) po[i] = pa[i] + r * (pb[i] - pa[i]);
  });
  return out;
}

torch::Tensor residualLeakyRelu(torch::Tensor c, const torch::Tensor& q, double slope) {
  if (!fusable({&c, &q}))
    return q + torch::nn::functional::leaky_relu(c, torch::nn::functional::LeakyReLUFuncOptions().negative_slope(slope));
  float* __restrict pc = c.data_ptr<float>();
  const float* __restrict pq = q.data_ptr<float>();
  const float s = float(slope);
  forChunks(c.numel(), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) pc[i] = pq[i] + (pc[i] > 0 ? pc[i] : s * pc[i]);
  });
  return c;
}

torch::Tensor softShrink(torch::Tensor q, double lambda, double scale) {
  if (!fusable({&q})) return scale * (q - q.clamp(-lambda, lambda));
  float* __restrict pq = q.data_ptr<float>();
  const float l = float(lambda), c = float(scale);
  forChunks(q.numel(), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) pq[i] = c * (pq[i] - std::min(std::max(pq[i], -l), l));
  });
  return q;
}

}  // namespace trustct::fused
