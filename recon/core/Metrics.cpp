#include "recon/core/Metrics.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

namespace trustct {

double psnr(const torch::Tensor& image, const torch::Tensor& reference, double dataRange) {
  const torch::Tensor a = image.detach().to(torch::kCPU, torch::kFloat64).squeeze();
  const torch::Tensor b = reference.detach().to(torch::kCPU, torch::kFloat64).squeeze();
  TORCH_CHECK(a.sizes() == b.sizes(), "psnr: shapes differ ", a.sizes(), " vs ", b.sizes());
  const double mse = (a - b).pow(2).mean().item<double>();
  if (mse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(dataRange * dataRange / mse);
}

double ssim(const torch::Tensor& image, const torch::Tensor& reference, double dataRange) {
  namespace F = torch::nn::functional;
  constexpr int64_t win = 7;
  const double np = win * win, covNorm = np / (np - 1);
  const torch::Tensor x = image.detach().to(torch::kCPU, torch::kFloat64).squeeze().unsqueeze(0).unsqueeze(0);
  const torch::Tensor y = reference.detach().to(torch::kCPU, torch::kFloat64).squeeze().unsqueeze(0).unsqueeze(0);
  TORCH_CHECK(x.sizes() == y.sizes() && x.dim() == 4, "ssim: expects two images of one shape");
  // A valid (unpadded) 7×7 mean is exactly the cropped interior of scikit-image's filtered maps.
  auto mean = [&](const torch::Tensor& t) { return F::avg_pool2d(t, F::AvgPool2dFuncOptions(win).stride(1)); };
  const torch::Tensor ux = mean(x), uy = mean(y);
  const torch::Tensor vx = covNorm * (mean(x * x) - ux * ux);
  const torch::Tensor vy = covNorm * (mean(y * y) - uy * uy);
  const torch::Tensor vxy = covNorm * (mean(x * y) - ux * uy);
  const double c1 = std::pow(0.01 * dataRange, 2), c2 = std::pow(0.03 * dataRange, 2);
  const torch::Tensor s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  return s.mean().item<double>();
}

}  // namespace trustct
